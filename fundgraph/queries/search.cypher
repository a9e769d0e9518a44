// name: search
// description: Full-text search of names and titles (organisations, platforms, projects, plans, regions), Chinese included, best first.
// params: q: string, limit: int = 20
// example: q=中小企业融资平台
// mode: read
// The index stops at `limit` hits, best first: a common word matches hundreds of thousands of projects.
CALL db.index.fulltext.queryNodes('names', $q, {limit: $limit}) YIELD node, score
RETURN labels(node)[0] AS kind, coalesce(node.name, node.title) AS name,
       coalesce(node.org_id, node.platform_id, node.project_id, node.plan_id, node.code, node.fund_id) AS key,
       score
ORDER BY score DESC
LIMIT $limit
