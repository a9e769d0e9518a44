// name: neighbourhood
// description: The entities within `depth` steps (1 to 3) of one entity found by name, alias, title or key, as one row per relationship with both ends.
// params: name: string, depth: int = 1 in 1..3, limit: int = 500 in 1..10000
// example: name=广东省中小企业融资平台 depth=1
// mode: read
// One index seek per kind of key or name, never a scan of every node, to find where to start.
{{ lookup $name AS start }}
// One branch per depth: a var-length pattern filtered on its length afterwards would walk depth 3 around a hub.
CALL (start) {
  WITH start WHERE $depth = 1
  MATCH (start)-[r:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-()
  RETURN r
  UNION
  WITH start WHERE $depth = 2
  MATCH path = (start)(()-[:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-()){1,2}()
  UNWIND relationships(path) AS r
  RETURN r
  UNION
  WITH start WHERE $depth >= 3
  MATCH path = (start)(()-[:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-()){1,3}()
  UNWIND relationships(path) AS r
  RETURN r
}
WITH DISTINCT start, r LIMIT $limit
WITH start, r, startNode(r) AS a, endNode(r) AS b
RETURN elementId(start) AS start_id, labels(a)[0] AS from_label, coalesce(a.name, a.title, a.text, a.path) AS from_name, elementId(a) AS from_id,
       type(r) AS type, r.role AS role, r.amount AS amount,
       labels(b)[0] AS to_label, coalesce(b.name, b.title, b.text, b.path) AS to_name, elementId(b) AS to_id
