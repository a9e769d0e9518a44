// name: alias_variants
// description: One organisation under several names: the names as written in the plans' columns and texts, renamed bodies counted under their latest name.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(o:Organization)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
OPTIONAL MATCH (o)-[:RENAMED_TO*1..5]->(latest:Organization) WHERE NOT (latest)-[:RENAMED_TO]->()
WITH coalesce(latest, o) AS body, r, o, p
ORDER BY toInteger(p.seq)
WITH body, collect(DISTINCT r.as_written) AS names, collect(DISTINCT o.name) AS bodies,
     collect(DISTINCT p.seq) AS seqs
WHERE size(names) > 1
RETURN body.name AS organization, names, bodies, seqs
ORDER BY size(names) DESC, organization
