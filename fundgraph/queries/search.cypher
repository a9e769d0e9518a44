// name: search
// description: Full-text search of names and titles (organisations, platforms, projects, plans, regions), Chinese included: the words as written in a name, title or alias first (match = name), then in a description (text), then any of their words (words), best first within each.
// params: q: string, limit: int = 20 in 1..10000
// example: q=中小企业融资平台
// mode: read
// The CJK analyzer splits 融资平台 into the bigrams 融资 资平 平台, and a query of them matches any text with one of
// them: 450k projects at 1M for 平台 alone, all scored. So a query without Lucene syntax is looked up as a phrase
// (the bigrams in their order: the words as written), first in the names, titles and aliases, then in the
// descriptions too, and only what those leave of `limit` is filled by the looser matches, after them. A name that
// holds the words is what a search for them is after, and it is the cheap lookup: 4 ms p50 for 融资平台 at 1M, where
// the phrase over descriptions too scores 84k projects (8 ms) and any of its words 450k (10 ms). A query with syntax
// (quotes, AND, *, field:…) is run as given. Scores compare hits of one kind of match, not across them.
WITH $q =~ '(?s).*([":*?~^(){}\\[\\]\\\\+!|&/-]|\\b(AND|OR|NOT|TO)\\b).*' AS syntax, '"' + $q + '"' AS phrase
WITH syntax, phrase, NOT syntax AND trim($q) <> '' AS plain
CALL (plain, phrase) {
  WITH phrase WHERE plain
  CALL db.index.fulltext.queryNodes('names', 'name:' + phrase + ' OR title:' + phrase + ' OR aliases:' + phrase,
                                    {limit: $limit}) YIELD node, score
  RETURN collect({node: node, score: score}) AS named
}
CALL (plain, phrase, named) {
  WITH phrase, named WHERE plain AND size(named) < $limit
  CALL db.index.fulltext.queryNodes('names', phrase, {limit: $limit}) YIELD node, score
  WITH named, node, score
  WHERE NOT node IN [hit IN named | hit.node]
  RETURN collect({node: node, score: score}) AS described
}
CALL (named, described) {
  WITH named, described WHERE size(named) + size(described) < $limit
  CALL db.index.fulltext.queryNodes('names', $q, {limit: $limit}) YIELD node, score
  WITH named, described, node, score
  WHERE NOT node IN [hit IN named + described | hit.node]
  RETURN collect({node: node, score: score}) AS words
}
WITH [hit IN named | hit {.*, match: 'name'}] + [hit IN described | hit {.*, match: 'text'}] +
     [hit IN words | hit {.*, match: 'words'}] AS hits
UNWIND range(0, size(hits) - 1) AS rank
WITH hits[rank] AS hit, rank
WITH hit.node AS node, hit.score AS score, hit.match AS match, rank
RETURN labels(node)[0] AS kind, coalesce(node.name, node.title) AS name,
       coalesce(node.org_id, node.platform_id, node.project_id, node.plan_id, node.code, node.fund_id) AS key,
       score, match
ORDER BY rank
LIMIT $limit
