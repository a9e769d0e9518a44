// name: documents
// description: The source documents seen by loads, with their status (verified: the money reconciles with a stated total; unverified: it checks against nothing; problems; refused, with the error in English and as a message, refusal: JSON {code, args} to render in zh or en) and the plans read from them, with its 文号 and how many citations link it to other notices (its chain): what every cited doc_id stands for.
// params: doc_id: string = null, status: string = null
// example: doc_id=null
// mode: read
MATCH (d:Document)
WHERE ($doc_id IS NULL OR d.doc_id = $doc_id) AND ($status IS NULL OR d.status = $status)
OPTIONAL MATCH (pl:Plan)-[:FROM_DOCUMENT]->(d)
WITH d, pl ORDER BY pl.plan_id
RETURN d.doc_id AS doc_id, d.path AS path, d.title AS title, d.wenhao AS wenhao, COUNT { (d)-[:CITES]-() } AS citations, d.format AS format, d.loaded_at AS loaded_at,
       d.status AS status, d.error AS error, d.refusal AS refusal, collect(pl.plan_id) AS plans,
       collect(CASE WHEN pl.read_by = 'recipe' THEN pl.plan_id END) AS read_by_recipe,
       reduce(n = [], p IN collect(pl.problems) | n + coalesce(p, [])) AS problems
ORDER BY path
