// name: search
// description: Full-text search of names and titles (organisations, platforms, projects, plans, regions), Chinese included: the words as written first (match = phrase), then any of their words (match = words), best first within each.
// params: q: string, limit: int = 20
// example: q=中小企业融资平台
// mode: read
// The CJK analyzer splits 融资平台 into the bigrams 融资 资平 平台, and a query of them matches any text with one of
// them: 450k projects at 1M for 平台 alone. So a query without Lucene syntax is looked up as a phrase first (the
// bigrams in their order: the text holds the words as written), and only when that finds fewer than `limit` do
// the looser matches fill the rest, after it. A query with syntax (quotes, AND, *, field:…) is run as given. Scores
// compare hits of one kind of match, not across them. The index stops at `limit` hits in either lookup.
WITH $q =~ '(?s).*([":*?~^(){}\\[\\]\\\\+!|&/-]|\\b(AND|OR|NOT|TO)\\b).*' AS syntax
CALL (syntax) {
  WITH syntax WHERE NOT syntax AND trim($q) <> ''
  CALL db.index.fulltext.queryNodes('names', '"' + $q + '"', {limit: $limit}) YIELD node, score
  RETURN collect({node: node, score: score}) AS phrase
}
CALL (phrase) {
  WITH phrase WHERE size(phrase) < $limit
  CALL db.index.fulltext.queryNodes('names', $q, {limit: $limit}) YIELD node, score
  WITH phrase, node, score
  WHERE NOT node IN [hit IN phrase | hit.node]
  RETURN collect({node: node, score: score}) AS words
}
WITH [hit IN phrase | hit {.*, match: 'phrase'}] + [hit IN words | hit {.*, match: 'words'}] AS hits
UNWIND range(0, size(hits) - 1) AS rank
WITH hits[rank] AS hit, rank
WITH hit.node AS node, hit.score AS score, hit.match AS match, rank
RETURN labels(node)[0] AS kind, coalesce(node.name, node.title) AS name,
       coalesce(node.org_id, node.platform_id, node.project_id, node.plan_id, node.code, node.fund_id) AS key,
       score, match
ORDER BY rank
LIMIT $limit
