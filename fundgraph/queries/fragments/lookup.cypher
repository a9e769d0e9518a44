// The one entity lookup of the catalogue, written into a query where it says `{{ lookup EXPR AS VAR }}`.
// Each branch is one index seek (a key, Alias.name, Region.name, Fund.name), pinned by a hint so that the planner
// never trades it for a label scan on a small store's statistics: never a scan of a label. A name held
// by several kinds resolves in the order below (a key first, then an organisation or platform name or alias), so
// the answer is the same every time. Variables in scope before it are kept (`WITH *`).
CALL () {
  MATCH (__VAR__) WHERE elementId(__VAR__) = __EXPR__ RETURN __VAR__, 0 AS __VAR___rank
  UNION
  MATCH (__VAR__:Project {project_id: __EXPR__}) USING INDEX __VAR__:Project(project_id) RETURN __VAR__, 1 AS __VAR___rank
  UNION
  MATCH (__VAR__:Plan {plan_id: __EXPR__}) USING INDEX __VAR__:Plan(plan_id) RETURN __VAR__, 2 AS __VAR___rank
  UNION
  MATCH (__VAR___alias:Alias {name: __EXPR__})-[:NAMES_ORGANIZATION|NAMES_PLATFORM]->(__VAR__)
    USING INDEX __VAR___alias:Alias(name) RETURN __VAR__, 3 AS __VAR___rank
  UNION
  MATCH (__VAR__:Region {code: __EXPR__}) USING INDEX __VAR__:Region(code) RETURN __VAR__, 4 AS __VAR___rank
  UNION
  MATCH (__VAR__:Region {name: __EXPR__}) USING INDEX __VAR__:Region(name) RETURN __VAR__, 5 AS __VAR___rank
  UNION
  MATCH (__VAR__:ServiceType {name: __EXPR__}) USING INDEX __VAR__:ServiceType(name) RETURN __VAR__, 6 AS __VAR___rank
  UNION
  MATCH (__VAR__:Fund {fund_id: __EXPR__}) USING INDEX __VAR__:Fund(fund_id) RETURN __VAR__, 7 AS __VAR___rank
  UNION
  MATCH (__VAR__:Fund {name: __EXPR__}) USING INDEX __VAR__:Fund(name) RETURN __VAR__, 8 AS __VAR___rank
}
WITH * ORDER BY __VAR___rank, elementId(__VAR__) LIMIT 1
