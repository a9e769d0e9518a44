// The source behind a number: #/document/ID?row=&col=&line=&page= opens the document at its cited cell — a text
// with line numbers and the cell's line and words highlighted; a PDF or a scan as its page drawn by the server with
// the cell's box (and the OCR confidence); an Office file as the cells its reader saw, the cited one highlighted.
import { api, apiObjectUrl, cached } from "../api.js";
import { append, h } from "../dom.js";
import { t } from "../i18n.js";
import { loading, refusalText, statusBadge } from "../widgets.js";
import { noticeHref } from "./notice.js";

const number = (value) => (value === null || value === undefined || value === "" ? null : Number(value));

function citedCell(view, where) {
  const same = (c) => c.row === where.row && c.col === where.col && (where.page === null || c.page === null || c.page === where.page);
  if (where.row !== null && where.col !== null) {
    const found = view.cited.find(same);
    if (found) return found;
  }
  if (where.line !== null) return view.cited.find((c) => c.line === where.line && (where.col === null || c.col === where.col)) || null;
  return null;
}

function cellFacts(cell, where) {
  const parts = [
    where.row !== null ? t("prov.row", { row: where.row }) : null,
    where.col !== null ? t("prov.col", { col: where.col }) : null,
    where.line !== null ? t("prov.line", { line: where.line }) : null,
    cell && cell.page ? t("doc.page", { page: cell.page }) : null,
  ].filter(Boolean);
  return h(
    "p",
    { className: "cited-facts" },
    h("strong", {}, t("doc.cell"), ": "),
    parts.join(" · "),
    cell && cell.text ? [" · “", h("span", { className: "cell-text" }, cell.text), "”"] : null,
    cell && cell.confidence !== null && cell.confidence !== undefined
      ? [" · ", h("span", { className: "confidence", "data-confidence": cell.confidence }, t("doc.confidence", { c: cell.confidence }))]
      : null,
  );
}

// A line with the cell's words marked, as text nodes (the words come from the document).
function markedLine(text, words) {
  const first = (words || "").split("\n")[0];
  const at = first ? text.indexOf(first) : -1;
  if (at < 0) return [text];
  return [text.slice(0, at), h("mark", { className: "cited-words" }, first), text.slice(at + first.length)];
}

function textView(view, cell, where) {
  const line = where.line ?? cell?.line ?? null;
  const list = h(
    "ol",
    { className: "doc-lines" },
    view.lines.map((text, index) => {
      const n = index + 1;
      const here = n === line;
      return h(
        "li",
        { "data-line": n, className: here ? "cited" : "", id: here ? "cited" : null },
        h("span", { className: "ln", "aria-hidden": "true" }, n),
        h("span", { className: "lt" }, here ? markedLine(text, cell?.text) : text),
      );
    }),
  );
  return list;
}

async function pagesView(view, cell, where) {
  const pages = view.pages || [];
  const shown = where.page ?? cell?.page ?? 1;
  const size = pages.find((p) => p.page === shown) || pages[0];
  const figure = h("figure", { className: "doc-page", "data-page": shown });
  const frame = h("div", { className: "page-frame" });
  figure.append(frame, h("figcaption", {}, t("doc.page", { page: shown }), pages.length > 1 ? ` · ${t("doc.pages", { n: pages.length })}` : ""));
  const image = h("img", { alt: t("doc.page", { page: shown }), className: "page-image" });
  frame.append(image);
  const box = (c, className) => {
    if (!c.box || !size) return null;
    const [x0, top, x1, bottom] = c.box;
    const style = `left:${(x0 / size.width) * 100}%;top:${(top / size.height) * 100}%;width:${((x1 - x0) / size.width) * 100}%;height:${((bottom - top) / size.height) * 100}%`;
    return h("div", { className, style, "data-row": c.row ?? "", "data-col": c.col ?? "", title: c.text || "" });
  };
  const boxes = view.cited.filter((c) => c.page === shown && c !== cell).map((c) => box(c, "cell-box"));
  if (cell && cell.page === shown) boxes.push(box(cell, "cell-box cited"));
  append(frame, boxes);
  image.src = await apiObjectUrl(`/documents/${view.doc_id}/pages/${shown}.png`);
  await image.decode().catch(() => null);
  return figure;
}

function cellsView(view, cell, where) {
  const isCited = (c) => c.row === where.row && c.col === where.col;
  return h(
    "div",
    { className: "doc-cells" },
    h("p", { className: "hint" }, t("doc.cells_help"), view.reading ? ` ${t("doc.reading")}: ${view.reading}` : ""),
    view.tables.map((table) =>
      h(
        "section",
        { "data-table": table.index },
        h("h3", {}, t("doc.table", { n: table.index })),
        h(
          "div",
          { className: "table-wrap" },
          h(
            "table",
            { className: "reader-cells" },
            h(
              "tbody",
              {},
              table.rows.map((row) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, row[0]?.row ?? ""),
                  row.map((c) =>
                    h("td", { "data-row": c.row, "data-col": c.col, className: isCited(c) ? "cited" : "", id: isCited(c) ? "cited" : null }, c.text),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function renderDocument(main, route, { state }) {
  const [docId] = route.parts;
  const where = {
    row: number(route.query.get("row")),
    col: number(route.query.get("col")),
    line: number(route.query.get("line")),
    page: number(route.query.get("page")),
  };
  if (!state.session?.cypher) {
    main.append(h("p", { className: "notice" }, t("doc.auditors")));
    return;
  }
  const wait = loading();
  main.append(wait);
  const view = await api(`/documents/${encodeURIComponent(docId)}/view`);
  const cell = citedCell(view, where);
  const [listed] = (await cached("/documents", { doc_id: docId })).items;
  append(
    main,
    [
      h("h1", {}, view.name, " ", statusBadge(view.status)),
      // A notice with a 文号 or citations: its chain up and down.
      listed && (listed.wenhao || listed.citations)
        ? h("p", {}, h("a", { href: noticeHref(docId), className: "notice-chain", "data-doc": docId }, "⇅ ", listed.wenhao || t("notice.no_wenhao"), " · ", t("notice.chain")))
        : null,
      view.error ? h("p", { className: "error" }, refusalText(view)) : null,
      cellFacts(cell, where),
      !cell && where.row !== null ? h("p", { className: "notice" }, t("doc.no_cell", { row: where.row, col: where.col ?? "" })) : null,
    ],
  );
  const body = h("div", { className: `doc-view doc-${view.kind}`, "data-kind": view.kind });
  main.append(body);
  if (view.kind === "text") body.append(textView(view, cell, where));
  else if (view.kind === "pages") body.append(await pagesView(view, cell, where));
  else body.append(cellsView(view, cell, where));
  wait.remove();
  const target = body.querySelector(".cited");
  if (target) target.scrollIntoView({ block: "center" });
}
