// name: notices
// description: Notices by their 文号's key (code|year|number, however the 文号 is bracketed or written): each loaded document bearing it (doc_id, 文号, title, date, issuers), or, when it is only cited, the placeholder its citations end at (not_loaded, no doc_id); cited_by counts the notices citing it.
// params: wenhao_key: string
// example: wenhao_key=粤财农|2024|30
// mode: read
// The example is tests/fixtures/chain's Guangdong notice, 粤财农〔2024〕30号.
CALL () {
  MATCH (d:Document {wenhao_key: $wenhao_key})
  RETURN d.doc_id AS doc_id, d.wenhao AS wenhao, d.title AS title, d.date AS date, d.issuers AS issuers,
         d.path AS path, false AS not_loaded, COUNT { (d)<-[:CITES]-() } AS cited_by
  UNION
  MATCH (n:Notice {wenhao_key: $wenhao_key})
  RETURN null AS doc_id, n.wenhao AS wenhao, null AS title, null AS date, null AS issuers, null AS path,
         true AS not_loaded, COUNT { (n)<-[:CITES]-() } AS cited_by
}
RETURN doc_id, wenhao, title, date, issuers, path, not_loaded, cited_by
ORDER BY not_loaded, date, doc_id
