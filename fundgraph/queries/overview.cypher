// name: overview
// description: What is loaded, year by year: plans, projects and money (exact, in 分), and the documents by status — the explorer's opening page.
// params: year: int = null
// mode: read
CALL {
  MATCH (pl:Plan)
  WHERE $year IS NULL OR pl.year = $year
  WITH pl.year AS year, count(pl) AS plans, sum(coalesce(pl.project_count, 0)) AS projects,
       sum(coalesce(pl.computed_total_fen, 0)) AS money_fen,
       sum(CASE WHEN pl.read_by = 'recipe' THEN 1 ELSE 0 END) AS read_by_recipe
  ORDER BY year DESC
  RETURN collect({year: year, plans: plans, projects: projects, money_fen: money_fen,
                  read_by_recipe: read_by_recipe}) AS years
}
CALL {
  MATCH (d:Document)
  WITH coalesce(d.status, 'verified') AS status, count(d) AS documents
  ORDER BY status
  RETURN collect({status: status, documents: documents}) AS documents
}
RETURN years, documents
