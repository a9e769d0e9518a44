// The review desk: every document a load saw with its status, problems and plans (#/documents), and a refused or
// unverified one beside its candidate tables (#/review/ID), where an auditor names the table, the columns and the
// unit, sees the rows and the total check, and only then saves the reading recipe and loads the document.
import { api } from "../api.js";
import { clear, h } from "../dom.js";
import { t, term, terms } from "../i18n.js";
import { entityLink, errorBox, loading, money, readByBadge, refusalText, statusBadge, table } from "../widgets.js";
import { noticeHref } from "./notice.js";

const REVIEWABLE = ["refused", "unverified"];
const FIELDS = ["name", "amount", "applicant", "implementer"];

const baseName = (path) => (path || "").split(/[\\/]/).pop();

function problemCodes(doc) {
  const codes = (doc.problems || []).map((p) => {
    try {
      return JSON.parse(p).code;
    } catch {
      return p;
    }
  });
  return [...new Set(codes)].join("、");
}

export async function renderDocuments(main, route, { go, state }) {
  const status = route.query.get("status") || "";
  main.append(
    h("h1", {}, t("docs.title")),
    h("p", { className: "hint" }, t("docs.help")),
    h(
      "div",
      { className: "filters" },
      h(
        "label",
        {},
        t("docs.status"),
        " ",
        h(
          "select",
          { name: "status", onchange: (event) => go("documents", [], { status: event.target.value }) },
          [["", t("docs.all")], ...terms("status").map((s) => [s, term("status", s)])].map(([v, text]) => h("option", { value: v, selected: v === status }, text)),
        ),
      ),
    ),
  );
  const wait = loading();
  main.append(wait);
  const page = await api("/documents", { params: { status, limit: 1000 } });
  wait.remove();
  if (!page.items.length) {
    main.append(h("p", { className: "notice" }, t("docs.none")));
    return;
  }
  const auditor = state.session?.cypher;
  main.append(
    table(
      page.items.map((d) => ({ ...d, name: baseName(d.path) })),
      [
        { key: "name", title: t("docs.name"), render: (d) => h("span", { className: "doc-name", "data-doc": d.doc_id }, d.name) },
        { key: "status", title: t("docs.status"), render: (d) => statusBadge(d.status) },
        { key: "problems", title: t("docs.problems"), render: (d) => problemCodes(d) },
        {
          key: "plans",
          title: t("docs.plans"),
          render: (d) => d.plans.map((p) => [entityLink("Plan", p), (d.read_by_recipe || []).includes(p) ? [" ", readByBadge("recipe")] : null, " "]),
        },
        { key: "error", title: t("docs.error"), render: (d) => h("span", { className: "doc-error" }, refusalText(d)) },
        {
          key: "wenhao",
          title: t("docs.chain"),
          // A notice with a 文号 or citations has a chain to show.
          render: (d) => (d.wenhao || d.citations ? h("a", { href: noticeHref(d.doc_id), className: "notice-chain", "data-doc": d.doc_id }, d.wenhao || t("notice.no_wenhao")) : null),
        },
        {
          key: "doc_id",
          title: "",
          render: (d) =>
            auditor
              ? [
                  h("a", { href: `#/document/${d.doc_id}`, className: "view-doc" }, t("docs.view")),
                  REVIEWABLE.includes(d.status) ? [" · ", h("a", { href: `#/review/${d.doc_id}`, className: "review-doc", "data-doc": d.doc_id }, t("docs.review"))] : null,
                ]
              : null,
        },
      ],
      { filename: "documents.csv", csvColumns: ["name", "status", "plans", "error", "wenhao", "doc_id"] },
    ),
  );
}

// The columns a choice offers: the first row of a candidate table, or the first line of a block split at its
// separator, each as "number · words".
function columnsOf(choice) {
  if (!choice) return [];
  if (choice.kind === "table") return (choice.candidate.first_rows[0] || []).map((c) => [c.col, c.text]);
  const line = choice.block.first;
  let parts = choice.block.separator === "  " ? line.trim().split(/ {2,}/) : line.split(choice.block.separator);
  if (choice.block.separator === "|" && line.trim().startsWith("|")) parts = parts.slice(1);
  if (choice.block.separator === "|" && line.trim().endsWith("|")) parts = parts.slice(0, -1);
  return parts.map((text, index) => [index + 1, text.trim()]);
}

function guess(columns, field) {
  const words = { name: ["名称", "项目", "单位"], amount: ["金额", "资金", "万元", "元", "数"], applicant: ["申报"], implementer: ["实施"] }[field];
  const found = columns.find(([, text]) => words.some((w) => text.includes(w)));
  if (field === "name" || field === "amount") return found ? found[0] : columns[field === "name" ? 1 : columns.length - 1]?.[0] ?? "";
  return found ? found[0] : "";
}

function separatorName(separator) {
  return separator === "\t" ? "Tab" : separator === "  " ? "␣␣" : separator;
}

function sourcePane(found) {
  if (found.lines) {
    return h(
      "ol",
      { className: "doc-lines small" },
      found.lines.map((text, index) => h("li", { "data-line": index + 1 }, h("span", { className: "ln" }, index + 1), h("span", { className: "lt" }, text))),
    );
  }
  return found.candidates.map((c) =>
    h(
      "section",
      { className: "candidate", "data-table": c.table, "data-reading": c.reading },
      h("h3", {}, t("review.candidate", { reading: c.reading, table: c.table, rows: c.rows })),
      h("table", { className: "reader-cells" }, h("tbody", {}, c.first_rows.map((row) => h("tr", {}, row.map((cell) => h("td", { "data-col": cell.col }, cell.text)))))),
    ),
  );
}

function previewPane(result) {
  const [plan] = result.plans;
  const check = plan.stated_total === null
    ? t("review.check_none", { computed: plan.computed_total })
    : t(plan.reconciled ? "review.check_ok" : "review.check_bad", { computed: plan.computed_total, stated: plan.stated_total });
  return h(
    "div",
    { className: "preview", "data-status": plan.status, "data-rows": plan.rows.length },
    h("h3", {}, t("review.rows"), " ", statusBadge(plan.status), " ", readByBadge(plan.read_by)),
    h("p", { className: plan.reconciled ? "check ok" : "check", "data-reconciled": String(plan.reconciled) }, check),
    plan.problems.length ? h("ul", { className: "problems" }, plan.problems.map((p) => h("li", {}, h("code", {}, p.code), " ", p.message))) : null,
    table(plan.rows, [
      { key: "seq", title: t("col.seq") },
      { key: "name", title: t("field.name") },
      { key: "applicant", title: t("field.applicant") },
      { key: "implementer", title: t("field.implementer") },
      { key: "amount", title: t("field.amount"), numeric: true, render: (r) => money(r.amount) },
      { key: "line", title: "≡" },
    ], { filename: "preview.csv" }),
    h("pre", { className: "recipe-text" }, result.recipe),
  );
}

export async function renderReview(main, route) {
  const [docId] = route.parts;
  const wait = loading();
  main.append(wait);
  const found = await api(`/documents/${encodeURIComponent(docId)}/candidates`);
  wait.remove();
  main.append(h("h1", {}, t("review.title", { name: found.name }), " ", statusBadge(found.status)));
  if (found.error) main.append(h("p", { className: "error doc-error" }, refusalText(found)));
  if (!REVIEWABLE.includes(found.status)) main.append(h("p", { className: "notice" }, t("review.nothing")));

  const choices = [
    ...found.candidates.map((candidate, index) => ({ id: `t${index}`, kind: "table", candidate, label: t("review.candidate", { reading: candidate.reading, table: candidate.table, rows: candidate.rows }) })),
    ...found.line_blocks.map((block, index) => ({ id: `l${index}`, kind: "lines", block, label: t("review.lines", { a: block.lines[0], b: block.lines[1], sep: separatorName(block.separator) }) })),
  ];
  const form = h("form", { className: "review-form" });
  const result = h("div", { className: "review-result", "aria-live": "polite" });
  const save = h("button", { type: "button", name: "save", disabled: true }, t("review.save"));
  let previewed = null;

  const choice = h("select", { name: "choice" }, choices.map((c) => h("option", { value: c.id }, c.label)));
  const headerRow = h("input", { type: "number", name: "header_row", min: 1, value: 1, size: 4 });
  const selects = Object.fromEntries(FIELDS.map((f) => [f, h("select", { name: f })]));
  const unit = h("select", { name: "unit" }, found.units.map((u) => h("option", { value: u, selected: u === "万元" }, u)));
  const total = h("input", { type: "text", name: "total", inputmode: "decimal", pattern: "[0-9]+(\\.[0-9]+)?", size: 12 });

  const fillColumns = () => {
    const columns = columnsOf(choices.find((c) => c.id === choice.value));
    for (const field of FIELDS) {
      const optional = field !== "name" && field !== "amount";
      clear(selects[field]).append(
        ...(optional ? [h("option", { value: "" }, t("review.col_none"))] : []),
        ...columns.map(([col, text]) => h("option", { value: col }, `${col} · ${text}`)),
      );
      selects[field].value = String(guess(columns, field));
    }
  };
  fillColumns();

  const recipe = () => {
    const picked = choices.find((c) => c.id === choice.value);
    const columns = Object.fromEntries(FIELDS.map((f) => [f, selects[f].value ? Number(selects[f].value) : null]).filter(([, v]) => v !== null));
    const body = { columns, unit: unit.value, header_row: Number(headerRow.value) || 1 };
    if (picked?.kind === "lines") {
      body.lines = picked.block.lines;
      body.separator = picked.block.separator;
    } else if (picked) {
      body.reading = picked.candidate.reading;
      body.table = picked.candidate.table;
    }
    if (total.value.trim()) body.total = total.value.trim();
    return body;
  };
  const changed = () => {
    previewed = null;
    save.disabled = true;
    if (result.firstChild) clear(result).append(h("p", { className: "hint" }, t("review.stale")));
  };
  choice.addEventListener("change", () => { fillColumns(); changed(); });
  for (const input of [headerRow, unit, total, ...Object.values(selects)]) input.addEventListener("change", changed);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = recipe();
    clear(result).append(loading());
    try {
      const answer = await api(`/documents/${encodeURIComponent(docId)}/recipe/preview`, { method: "POST", body });
      clear(result).append(previewPane(answer));
      previewed = body;
      save.disabled = false;
    } catch (error) {
      clear(result).append(errorBox(error));
    }
  });
  save.addEventListener("click", async () => {
    if (!previewed) return;
    save.disabled = true;
    try {
      const answer = await api(`/documents/${encodeURIComponent(docId)}/recipe`, { method: "PUT", body: previewed });
      const projects = answer.loaded.reduce((n, r) => n + r.projects, 0);
      result.prepend(
        h(
          "p",
          { className: "saved", role: "status" },
          t("review.saved", { file: answer.saved_as, n: projects }),
          " ",
          answer.loaded.map((r) => [entityLink("Plan", r.plan_id), " ", readByBadge("recipe"), " "]),
        ),
      );
    } catch (error) {
      result.prepend(errorBox(error));
    }
  });

  form.append(
    h("label", {}, t("review.choose"), " ", choice),
    h("label", {}, t("review.header_row"), " ", headerRow),
    h("fieldset", {}, h("legend", {}, t("review.columns")), FIELDS.map((f) => h("label", {}, t(`field.${f}`), " ", selects[f]))),
    h("label", {}, t("review.unit"), " ", unit),
    h("label", {}, t("review.total"), " ", total),
    h("div", { className: "actions" }, h("button", { type: "submit", name: "preview" }, t("review.preview")), " ", save),
  );
  main.append(
    h(
      "div",
      { className: "review-desk" },
      h("section", { className: "review-source" }, h("h2", {}, t("review.source")), sourcePane(found)),
      h("section", { className: "review-choice" }, form, result),
    ),
  );
}
