// name: document_cells
// description: The cells of a document that the graph cites (each once): row, column, text line, page, box in points and OCR confidence, with the words as written — where the viewer draws a cited cell without reading the document again.
// params: doc_id: string = null
// example: doc_id=99c2fcb75b3a2210f5116fb2857e33298381930e73a3ccf7d9cfb68582350f4a
// mode: read
MATCH (pl:Plan {doc_id: $doc_id})-[:ALLOCATES]->(p:Project)
MATCH (p)-[r]-()
WHERE r.doc_id = $doc_id AND (r.row IS NOT NULL OR r.line IS NOT NULL)
WITH r.row AS row, r.col AS col, r.line AS line, r.page AS page, r.box AS box, r.confidence AS confidence,
     collect(DISTINCT coalesce(r.as_written, r.amount_text)) AS texts
// A cell cited by several edges, some without words (PROVIDES): once, with the longest words any edge kept.
RETURN row, col, line, page, box, confidence,
       reduce(best = null, t IN texts | CASE WHEN best IS NULL OR size(t) > size(best) THEN t ELSE best END) AS text
ORDER BY page, row, col, line
LIMIT 5000
