// name: documents
// description: The source documents loaded, with the plans read from them: what every cited doc_id stands for.
// params: doc_id: string = null
// example: doc_id=null
// mode: read
MATCH (d:Document)
WHERE $doc_id IS NULL OR d.doc_id = $doc_id
OPTIONAL MATCH (pl:Plan)-[:FROM_DOCUMENT]->(d)
RETURN d.doc_id AS doc_id, d.path AS path, d.title AS title, d.format AS format, d.loaded_at AS loaded_at,
       collect(pl.plan_id) AS plans
ORDER BY path
