import { cached } from "./api.js";
import { h } from "./dom.js";
import { csv, wan } from "./format.js";
import { message, t, term } from "./i18n.js";

const KEYS = { Organization: "name", Platform: "name", ServiceType: "name", Project: "key", Plan: "key", Region: "key", Target: "key" };

export function entityHref(label, key) {
  return `#/entity/${encodeURIComponent(label)}/${encodeURIComponent(key)}`;
}

export function entityLink(label, key, text) {
  if (!KEYS[label] || key === null || key === undefined) return h("span", {}, text ?? key);
  return h("a", { href: entityHref(label, key), className: `entity-link label-${label}`, "data-label": label }, text ?? key);
}

export function labelBadge(label) {
  return h("span", { className: `badge label-${label}` }, term("label", label));
}

export function severityBadge(severity) {
  return h("span", { className: `badge severity-${severity}`, "data-severity": severity }, term("severity", severity));
}

export function statusBadge(status) {
  return h("span", { className: `badge status-${status}`, "data-status": status }, term("status", status));
}

// A plan read by a person's reading recipe says so wherever its numbers appear.
export function readByBadge(readBy) {
  if (readBy !== "recipe") return null;
  return h("span", { className: "badge read-by-recipe", "data-read-by": readBy }, term("read_by", readBy));
}

// The viewer at a cited cell: #/document/ID?row=&col=&line=&page= (the key stays in the session, never in the link).
export function documentHref(cell) {
  const query = new URLSearchParams();
  for (const name of ["row", "col", "line", "page"]) {
    if (cell[name] !== null && cell[name] !== undefined) query.set(name, cell[name]);
  }
  const rest = query.toString();
  return `#/document/${encodeURIComponent(cell.doc_id)}${rest ? "?" + rest : ""}`;
}

export function money(decimal) {
  return h("span", { className: "money" }, wan(decimal));
}

export function loading() {
  return h("p", { className: "loading" }, t("loading"));
}

// A refused document's error in the page's language: its refusal ({code, args}, JSON in the documents listing) where
// it has one, else the English text it was kept with.
export function refusalText(doc) {
  let said = doc.refusal;
  if (typeof said === "string") {
    try {
      said = JSON.parse(said);
    } catch {
      said = null;
    }
  }
  return said && said.code ? message(said.code, said.args || {}, doc.error || "") : doc.error || "";
}

export function errorBox(error) {
  const title = error.status === 400 ? t("console.refused") : t("error.title");
  const said = error.template ? message(error.template, error.args || {}, error.message) : error.message;
  const text = error.status === 503 ? `${t("error.neo4j_down")} (${error.message})` : said;
  return h(
    "div",
    { className: "error-box", role: "alert", "data-code": error.code || "" },
    h("strong", {}, title),
    error.code ? h("code", {}, ` ${error.code}`) : null,
    h("p", {}, text),
  );
}

let documents = null;

async function documentPath(docId) {
  if (!documents) {
    documents = cached("/documents").then((page) => new Map(page.items.map((d) => [d.doc_id, d])));
  }
  try {
    const found = (await documents).get(docId);
    return found ? found.path : docId;
  } catch {
    return docId;
  }
}

// Where a number or an edge came from: document, row, column, text line and the cell's words.
export function provenance(cell, text) {
  if (!cell || (cell.row === null && cell.line === null && !cell.doc_id)) return null;
  const where = [
    cell.row !== null && cell.row !== undefined ? t("prov.row", { row: cell.row }) : null,
    cell.col !== null && cell.col !== undefined ? t("prov.col", { col: cell.col }) : null,
  ].filter(Boolean);
  const path = h("span", { className: "doc-path" }, cell.doc_id ? cell.doc_id.slice(0, 12) : "—");
  if (cell.doc_id) documentPath(cell.doc_id).then((p) => (path.textContent = p));
  const words = text ?? cell.text ?? cell.as_written;
  return h(
    "details",
    { className: "prov", "data-row": cell.row ?? "", "data-col": cell.col ?? "" },
    h("summary", { title: t("prov.title") }, "◎ ", where.join(" · ") || t("prov.title")),
    h(
      "dl",
      {},
      h("dt", {}, t("prov.document")),
      h("dd", {}, path),
      where.length ? [h("dt", {}, t("prov.title")), h("dd", {}, where.join(" · "))] : null,
      cell.line !== null && cell.line !== undefined ? [h("dt", {}, "≡"), h("dd", {}, t("prov.line", { line: cell.line }))] : null,
      words ? [h("dt", {}, "“”"), h("dd", { className: "cell-text" }, words)] : null,
    ),
    cell.doc_id ? h("a", { href: documentHref(cell), className: "open-source", "data-doc": cell.doc_id }, "↗ ", t("prov.open")) : null,
  
  );
}

// A table of rows with chosen columns (a column may render its own cell) and a CSV download of the raw values.
export function table(rows, columns, { filename = "fundgraph.csv", csvColumns = null } = {}) {
  const specs = columns.map((c) => (typeof c === "string" ? { key: c, title: c } : c));
  const head = h("tr", {}, specs.map((c) => h("th", { scope: "col", className: c.numeric ? "num" : "" }, c.title)));
  const body = rows.map((row) =>
    h(
      "tr",
      {},
      specs.map((c) => {
        const value = c.render ? c.render(row) : plain(row[c.key]);
        return h("td", { className: c.numeric ? "num" : "" }, value);
      }),
    ),
  );
  const names = csvColumns || specs.map((c) => c.key);
  return h(
    "div",
    { className: "table-wrap" },
    h("table", {}, h("thead", {}, head), h("tbody", {}, body)),
    downloadLink(() => csv(names, rows), filename),
  );
}

export function downloadLink(makeCsv, filename) {
  return h(
    "button",
    {
      type: "button",
      className: "link download",
      onclick: () => {
        const url = URL.createObjectURL(new Blob([makeCsv()], { type: "text/csv;charset=utf-8" }));
        const a = h("a", { href: url, download: filename });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      },
    },
    t("view.csv"),
  );
}

export function plain(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : v)).join("、");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
