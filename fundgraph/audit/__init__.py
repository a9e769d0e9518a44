"""What auditors and analysts read off the graph: findings (rules over named queries), analytics (concentration
and overlaps in Python over the same graph) and the findings report."""
