// name: organization_profile
// description: Everything about one organisation (by name or alias): kind, aliases, renames, and the projects it applies for, carries out or is named in, with amounts.
// params: name: string
// example: name=广东股交
// mode: read
MATCH (o:Organization)
WHERE o.name = $name OR $name IN coalesce(o.aliases, [])
OPTIONAL MATCH (o)-[ren:RENAMED_TO]->(newer:Organization)
OPTIONAL MATCH (older:Organization)-[:RENAMED_TO]->(o)
OPTIONAL MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(o)
WITH o, newer, ren, collect(DISTINCT older.name) AS formerly, pl, p, collect(DISTINCT type(r)) AS relations,
     collect(CASE WHEN r IS NULL THEN null ELSE {relation: type(r), as_written: r.as_written, doc_id: r.doc_id,
        row: r.row, col: r.col, line: r.line} END) AS cells
ORDER BY pl.year, toInteger(p.seq)
WITH o, newer, ren, formerly,
     [x IN collect(CASE WHEN p IS NULL THEN null ELSE {plan_id: pl.plan_id, year: pl.year, seq: p.seq, project: p.name,
        project_id: p.project_id, amount: p.amount, amount_fen: p.amount_fen, relations: relations, cells: cells} END)
        WHERE x IS NOT NULL] AS projects
RETURN o.name AS name, o.kind AS kind, o.aliases AS aliases, formerly,
       newer.name AS renamed_to, ren.date AS renamed_on,
       size([x IN projects WHERE 'IMPLEMENTS' IN x.relations]) AS implements,
       size([x IN projects WHERE 'APPLIED_FOR' IN x.relations]) AS applies_for,
       reduce(t = 0, x IN [x IN projects WHERE 'IMPLEMENTS' IN x.relations] | t + x.amount_fen) AS implemented_fen,
       projects
