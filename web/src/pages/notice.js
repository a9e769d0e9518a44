// A notice's page (#/notice/DOC_ID, or #/notice?wenhao=… by its 文号): its 文号, title, date and issuers; the chain
// of notices up (the ones it cites) and down (the ones passing it on), each level a link to its own page; per link
// between two of them, the rows passed down with what was received, what the level below allocates and the
// difference, each amount a link to its cell in the document viewer; the level findings that cite it. A finding
// opens here (?project= marks its row).
import { api } from "../api.js";
import { append, h } from "../dom.js";
import { groupDigits, wan } from "../format.js";
import { message, t, term } from "../i18n.js";
import { documentHref, loading, money, severityBadge } from "../widgets.js";

export const noticeHref = (docId, query = {}) => {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  return `#/notice/${encodeURIComponent(docId)}${search.toString() ? "?" + search : ""}`;
};

function levelName(level) {
  if (level === 0) return t("notice.self");
  return level < 0 ? t("notice.up", { n: -level }) : t("notice.down", { n: level });
}

// A level: its 文号 as a link to its page, or "not loaded" when only cited.
function noticeName(level) {
  const name = level.wenhao || level.title || t("notice.no_wenhao");
  if (level.not_loaded || !level.doc_id) {
    return h("span", { className: "notice-ref not-loaded", "data-wenhao": level.wenhao || "" }, name, " ", h("span", { className: "badge not-loaded" }, t("notice.not_loaded")));
  }
  return h("a", { href: noticeHref(level.doc_id), className: "notice-ref", "data-doc": level.doc_id }, name);
}

function header(notice, auditor) {
  return [
    h("h1", {}, notice.wenhao || t("notice.no_wenhao")),
    notice.title ? h("p", { className: "notice-title" }, notice.title) : null,
    h(
      "dl",
      { className: "facts" },
      h("dt", {}, t("notice.date")),
      h("dd", { className: "notice-date" }, notice.date || t("notice.no_date")),
      h("dt", {}, t("notice.issuers")),
      h("dd", {}, (notice.issuers || []).join("、") || "—"),
      h("dt", {}, t("notice.total")),
      h("dd", {}, money(notice.total)),
    ),
    auditor ? h("p", {}, h("a", { href: documentHref({ doc_id: notice.doc_id }), className: "open-source" }, "↗ ", t("notice.view_document"))) : null,
  ];
}

function chainList(levels) {
  const byLevel = new Map();
  for (const level of levels) {
    if (!byLevel.has(level.level)) byLevel.set(level.level, []);
    byLevel.get(level.level).push(level);
  }
  return h(
    "ol",
    { className: "chain" },
    [...byLevel.keys()].sort((a, b) => a - b).map((n) =>
      h(
        "li",
        { className: n === 0 ? "level self" : "level", "data-level": n },
        h("span", { className: "level-name" }, levelName(n)),
        h(
          "ul",
          {},
          byLevel.get(n).map((level) =>
            h(
              "li",
              { className: "level-notice", "data-doc": level.doc_id || "", "data-level": n },
              n === 0 ? h("strong", {}, level.wenhao || t("notice.no_wenhao")) : noticeName(level),
              level.date ? [" · ", h("span", { className: "level-date" }, level.date)] : null,
              (level.issuers || []).length ? [" · ", level.issuers.join("、")] : null,
              level.total !== null && level.total !== undefined ? [" · ", h("span", { className: "level-total", "data-total": level.total }, wan(level.total))] : null,
            ),
          ),
        ),
      ),
    ),
  );
}

// An amount linking to its cell in the viewer.
function cellLink(amount, cell, className) {
  const shown = wan(amount);
  if (!cell || !cell.doc_id) return h("span", { className }, shown);
  return h("a", { href: documentHref(cell), className: `cell-link ${className}`, "data-doc": cell.doc_id, "data-row": cell.row ?? "", "data-line": cell.line ?? "" }, shown);
}

function difference(value) {
  if (value === null || value === undefined) return h("span", { className: "difference unknown", "data-difference": "" }, t("notice.not_reconcilable"));
  const sign = value.startsWith("-") ? "short" : value === "0" ? "even" : "more";
  const shown = sign === "more" ? "+" + groupDigits(value) : groupDigits(value);
  return h("span", { className: `difference ${sign}`, "data-difference": value }, shown, " ", t("unit.wan"));
}

function allocated(row) {
  const plans = row.lower_plans;
  if (plans.length === 1 && !row.with_plans.length) return cellLink(row.allocated, plans[0].total_cell || plans[0].cited_cell, "allocated");
  // Several lower plans pass this row on: each with its own cell, then their sum.
  const parts = [...plans, ...row.with_plans].map((p, i) => [i ? " + " : "", cellLink(p.total, p.total_cell || p.cited_cell, "allocated-part"), ` (${p.wenhao || p.plan_id})`]);
  return [parts, " = ", h("span", { className: "allocated" }, wan(row.allocated))];
}

function linkSection(link, focus) {
  const days =
    link.days === null || link.days === undefined
      ? h("span", { className: "days unknown" }, t("notice.days_unknown"))
      : h("span", { className: link.late ? "days late" : "days", "data-days": link.days }, t("notice.days", { days: link.days }), link.late ? [" · ", t("notice.late", { limit: link.limit_days })] : null);
  return h(
    "section",
    { className: "link", "data-upper": link.upper.doc_id, "data-lower": link.lower.doc_id, "data-upper-level": link.upper_level },
    h("h3", {}, noticeName(link.upper), " → ", noticeName(link.lower), " ", h("small", {}, `(${levelName(link.upper_level)} → ${levelName(link.lower_level)})`), " · ", days),
    h(
      "div",
      { className: "table-wrap" },
      h(
        "table",
        { className: "passed-down" },
        h(
          "thead",
          {},
          h("tr", {}, [t("col.seq"), t("notice.row"), t("notice.received"), t("notice.allocated"), t("notice.difference")].map((title, i) => h("th", { scope: "col", className: i >= 2 ? "num" : "" }, title))),
        ),
        h(
          "tbody",
          {},
          link.rows.map((row) =>
            h(
              "tr",
              { className: row.project_id === focus ? "passed-row focus" : "passed-row", "data-project": row.project_id },
              h("td", {}, row.seq),
              h(
                "td",
                {},
                row.name,
                row.with_rows.length ? h("div", { className: "hint" }, t("notice.with_rows", { rows: row.with_rows.map((r) => `${r.wenhao || r.plan_id} ${t("col.seq")} ${r.seq} ${r.name}`).join("、") })) : null,
              ),
              h("td", { className: "num" }, cellLink(row.amount, row.cell, "received"), row.with_rows.length ? h("div", { className: "hint" }, t("notice.together", { sum: wan(row.received) })) : null),
              h("td", { className: "num" }, allocated(row)),
              h("td", { className: "num" }, difference(row.difference)),
            ),
          ),
        ),
      ),
    ),
  );
}

function findingsList(findings) {
  if (!findings.length) return h("p", { className: "hint" }, t("notice.findings_none"));
  return h(
    "ul",
    { className: "notice-findings" },
    findings.map((f) =>
      h("li", { className: `severity-${f.severity}`, "data-rule": f.rule }, severityBadge(f.severity), " ", h("code", { className: "rule" }, term("rule", f.rule)), " ", f.code ? message(f.code, f.args, f.title) : f.title),
    ),
  );
}

// #/notice?wenhao=…: the notice bearing it, or the documents that do, or the placeholder its citations end at.
async function byWenhao(main, wenhao) {
  const page = await api("/notices", { params: { wenhao, limit: 100 } });
  const loaded = page.items.filter((n) => !n.not_loaded);
  if (loaded.length === 1) {
    location.replace(noticeHref(loaded[0].doc_id)); // the 文号's page is its notice's: no step back onto this one
    return;
  }
  main.append(h("h1", {}, wenhao));
  if (loaded.length > 1) {
    main.append(h("p", {}, t("notice.several", { wenhao })), h("ul", {}, loaded.map((n) => h("li", {}, noticeName(n), n.date ? ` · ${n.date}` : "", n.title ? ` · ${n.title}` : ""))));
  } else if (page.items.length) {
    main.append(h("p", { className: "notice not-loaded" }, t("notice.only_cited", { wenhao: page.items[0].wenhao, n: page.items[0].cited_by })));
  } else {
    main.append(h("p", { className: "notice" }, t("notice.none", { wenhao })));
  }
}

export async function renderNotice(main, route, { state }) {
  const [docId] = route.parts;
  if (!docId) {
    await byWenhao(main, route.query.get("wenhao") || "");
    return;
  }
  const wait = loading();
  main.append(wait);
  const chain = await api(`/notices/${encodeURIComponent(docId)}/chain`);
  wait.remove();
  const focus = route.query.get("project");
  append(main, [
    header(chain.notice, state.session?.cypher),
    chain.truncated ? h("p", { className: "notice" }, t("notice.truncated")) : null,
    h("h2", {}, t("notice.chain")),
    chainList(chain.levels),
    h("h2", {}, t("notice.links")),
    chain.links.length ? chain.links.map((link) => linkSection(link, focus)) : h("p", { className: "hint" }, t("notice.no_links")),
    h("h2", {}, t("notice.findings")),
    findingsList(chain.findings),
  ]);
  const target = main.querySelector("tr.focus");
  if (target) target.scrollIntoView({ block: "center" });
}
