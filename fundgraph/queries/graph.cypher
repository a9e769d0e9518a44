// name: graph
// description: The explorer's graph: the relationships within `depth` steps (1 or 2) of one entity, found by element id, key, name or alias, each with both ends, the project's money and the cell it was read from.
// params: id: string = null, name: string = null, depth: int = 1 in 1..2, limit: int = 300 in 1..2000
// example: name=广东省中小企业融资平台
// mode: read
// By element id (the explorer's clicks) or by key, name or alias: one index seek per kind, never a scan.
{{ lookup coalesce($id, $name) AS start }}
// One branch per depth (a var-length pattern filtered on its length afterwards would walk depth 2 around a hub);
// an entity without relationships still answers, as one row with no relationship.
CALL (start) {
  WITH start WHERE $depth = 1
  MATCH (start)-[r:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-(:!Document&!Alias)
  RETURN r
  UNION
  WITH start WHERE $depth >= 2
  MATCH path = (start)(()-[:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-()){1,2}(:!Document&!Alias)
  UNWIND relationships(path) AS r
  RETURN r
  UNION
  RETURN null AS r
}
WITH DISTINCT start, r LIMIT $limit + 1
// collect() drops the null row: what is left is the relationships, if any.
WITH start, collect(r)[..$limit] AS found
UNWIND CASE WHEN size(found) = 0 THEN [null] ELSE found END AS r
WITH start, r, startNode(r) AS a, endNode(r) AS b
WITH start, r, a, b, CASE WHEN a:Project THEN a WHEN b:Project THEN b END AS project
RETURN {id: elementId(start), label: labels(start)[0], name: coalesce(start.name, start.title, start.text),
        seq: start.seq, year: start.year, amount: start.amount, read_by: start.read_by,
        key: coalesce(start.project_id, start.plan_id, start.code, start.name, start.target_id)} AS start,
       elementId(r) AS id, type(r) AS type, r.role AS role,
       CASE WHEN type(r) IN ['ALLOCATES', 'APPLIED_FOR', 'IMPLEMENTS', 'CONCERNS'] THEN project.amount END AS amount,
       {doc_id: r.doc_id, row: r.row, col: r.col, line: r.line, page: r.page, field: r.field,
        text: coalesce(r.as_written, r.amount_text, r.keyword, r.evidence)} AS cell,
       {id: elementId(a), label: labels(a)[0], name: coalesce(a.name, a.title, a.text), seq: a.seq, year: a.year,
        amount: a.amount, key: coalesce(a.project_id, a.plan_id, a.code, a.name, a.target_id)} AS source,
       {id: elementId(b), label: labels(b)[0], name: coalesce(b.name, b.title, b.text), seq: b.seq, year: b.year,
        amount: b.amount, key: coalesce(b.project_id, b.plan_id, b.code, b.name, b.target_id)} AS target
