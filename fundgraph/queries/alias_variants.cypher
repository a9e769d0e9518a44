// name: alias_variants
// description: One organisation under several names: the names as written in the plans' columns and texts, renamed bodies counted under their latest name, with the first cell each name stands in.
// params: year: int = null, plan_id: string = null
// mode: read
// First the bodies written more than one way, holding only their distinct names: sorting every mention of every
// body to find each name's first cell took memory in proportion to the whole graph (324 MB a transaction at 100k).
CALL () {
  MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(o:Organization)
  WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
  OPTIONAL MATCH (o)-[:RENAMED_TO*1..5]->(latest:Organization) WHERE NOT (latest)-[:RENAMED_TO]->()
  WITH coalesce(latest, o) AS body, collect(DISTINCT r.as_written) AS names
  WHERE size(names) > 1
  RETURN collect(body) AS several
}
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(o:Organization)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
OPTIONAL MATCH (o)-[:RENAMED_TO*1..5]->(latest:Organization) WHERE NOT (latest)-[:RENAMED_TO]->()
WITH coalesce(latest, o) AS body, r, o, p, pl, several
WHERE body IN several
WITH body, r, o, p, pl
ORDER BY pl.year, pl.plan_id, toInteger(p.seq), p.project_id, r.col, r.as_written
WITH body, r.as_written AS name, collect(o.name)[0] AS under, collect(p.seq) AS seqs,
     collect({doc_id: r.doc_id, row: r.row, col: r.col, line: r.line})[0] AS cell
ORDER BY name
WITH body, collect({name: name, under: under, seqs: seqs, cell: cell}) AS written
WHERE size(written) > 1
RETURN body.name AS organization, [w IN written | w.name] AS names,
       reduce(acc = [], w IN written | CASE WHEN w.under IN acc THEN acc ELSE acc + w.under END) AS bodies,
       written
ORDER BY size(written) DESC, organization
