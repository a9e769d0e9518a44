// Query results as a table or a graph, with a CSV download: shared by the catalogue and the console.
import { clear, h } from "./dom.js";
import { graphView } from "./graph.js";
import { t } from "./i18n.js";
import { plain, table } from "./widgets.js";

const KEYS = ["project_id", "plan_id", "code", "name", "target_id", "fund_id", "doc_id"];

const isNode = (v) => v && typeof v === "object" && Array.isArray(v.labels) && "properties" in v;
const isRelationship = (v) => v && typeof v === "object" && typeof v.type === "string" && "start" in v && "end" in v;
const isPath = (v) => v && typeof v === "object" && Array.isArray(v.nodes) && Array.isArray(v.relationships);

function nodeOf(value) {
  const p = value.properties || {};
  const label = value.labels[0] || "?";
  const key = KEYS.map((k) => p[k]).find((v) => v !== undefined && v !== null);
  return { id: value.id, label, name: p.name ?? p.title ?? p.text ?? p.path ?? key, key, seq: p.seq, year: p.year, amount: p.amount };
}

function edgeOf(value) {
  const p = value.properties || {};
  return {
    id: value.id,
    source: value.start,
    target: value.end,
    type: value.type,
    roles: p.role ? [p.role] : [],
    amount: p.amount ?? null,
    cells: p.doc_id || p.row ? [{ doc_id: p.doc_id, row: p.row, col: p.col, line: p.line, text: p.as_written ?? p.amount_text ?? p.evidence }] : [],
  };
}

// Nodes, relationships and paths anywhere in the rows; rows from the `graph`/`neighbourhood` queries too.
export function graphOf(rows) {
  const nodes = new Map();
  const edges = new Map();
  const visit = (value) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isPath(value)) {
      value.nodes.forEach(visit);
      value.relationships.forEach(visit);
    } else if (isNode(value)) nodes.set(value.id, nodeOf(value));
    else if (isRelationship(value)) edges.set(value.id, edgeOf(value));
  };
  for (const row of rows) {
    if (row.source && row.target && row.type && row.id) {
      nodes.set(row.source.id, row.source);
      nodes.set(row.target.id, row.target);
      edges.set(row.id, { id: row.id, source: row.source.id, target: row.target.id, type: row.type, roles: row.role ? [row.role] : [], amount: row.amount, cells: row.cell ? [row.cell] : [] });
    } else if (row.from_id && row.to_id && row.type) {
      nodes.set(row.from_id, { id: row.from_id, label: row.from_label, name: row.from_name, key: row.from_name });
      nodes.set(row.to_id, { id: row.to_id, label: row.to_label, name: row.to_name, key: row.to_name });
      const id = `${row.from_id}-${row.type}-${row.role ?? ""}-${row.to_id}`;
      edges.set(id, { id, source: row.from_id, target: row.to_id, type: row.type, roles: row.role ? [row.role] : [], amount: row.amount, cells: [] });
    } else Object.values(row).forEach(visit);
  }
  // A relationship whose ends were not returned still gets its ends drawn, as unnamed nodes.
  for (const edge of edges.values()) {
    for (const end of [edge.source, edge.target]) if (!nodes.has(end)) nodes.set(end, { id: end, label: "?", name: "?", key: null });
  }
  return { start: null, nodes: [...nodes.values()], edges: [...edges.values()] };
}

export function resultsView(columns, rows, { filename, truncated = false } = {}) {
  const graph = graphOf(rows);
  const body = h("div", { className: "results-body" });
  const status = h("p", { className: "result-count", "data-rows": rows.length }, t("queries.rows", { n: rows.length }), truncated ? t("queries.truncated") : "");
  const showTable = () => clear(body).append(table(rows, columns.map((c) => ({ key: c, title: c, render: (row) => plain(row[c]) })), { filename }));
  const showGraph = () => {
    clear(body);
    if (!graph.nodes.length) {
      body.append(h("p", { className: "notice" }, t("view.no_graph")));
      return;
    }
    const view = graphView();
    body.append(view.element);
    view.show(graph);
  };
  const tabs = h(
    "div",
    { className: "tabs", role: "tablist" },
    h("button", { type: "button", role: "tab", "data-view": "table", onclick: showTable }, t("view.table")),
    h("button", { type: "button", role: "tab", "data-view": "graph", disabled: !graph.nodes.length, onclick: showGraph }, t("view.graph")),
  );
  const element = h("section", { className: "results" }, status, tabs, body);
  showTable();
  return element;
}
