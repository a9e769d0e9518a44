import { api, cached } from "../api.js";
import { h } from "../dom.js";
import { csv } from "../format.js";
import { message, t, term, terms } from "../i18n.js";
import { downloadLink, entityLink, loading, money, provenance, severityBadge } from "../widgets.js";
import { noticeHref } from "./notice.js";

// The findings across levels of government (fundgraph/notices.py's LEVEL_RULES and what they find): each opens on the
// notice that passed the money on, or should have — its evidence's last document — at the row it is about.
const LEVEL_RULES = new Set(["not_passed_down_in_full", "passed_down_more", "not_reconcilable", "passed_down_late", "passed_down_date_unknown", "not_passed_down"]);

function chainLink(finding) {
  if (!LEVEL_RULES.has(finding.rule)) return null;
  const cited = finding.evidence.filter((e) => e.doc_id);
  if (!cited.length) return null;
  const docId = cited[cited.length - 1].doc_id;
  return h("a", { href: noticeHref(docId, { project: finding.projects[0]?.project_id }), className: "open-chain", "data-doc": docId }, "⇅ ", t("notice.open"));
}

function details(finding) {
  const entries = Object.entries(finding.details || {});
  if (!entries.length) return null;
  return h(
    "dl",
    { className: "facts small" },
    entries.map(([name, value]) => {
      let shown = value;
      if (name === "platform") shown = entityLink("Platform", value);
      else if (typeof value === "object" && value !== null) shown = JSON.stringify(value);
      return [h("dt", {}, name), h("dd", {}, shown)];
    }),
  );
}

// The finding's sentence in the page's language (its code and args); the English title when it has no code.
function sentence(finding) {
  return finding.code ? message(finding.code, finding.args, finding.title) : finding.title;
}

function card(finding, index) {
  return h(
    "details",
    { className: `finding severity-${finding.severity}`, "data-rule": finding.rule, "data-index": index },
    h("summary", {}, severityBadge(finding.severity), h("code", { className: "rule", title: finding.rule }, term("rule", finding.rule)), " ", h("span", { className: "finding-title" }, sentence(finding))),
    h(
      "div",
      { className: "finding-body" },
      chainLink(finding),
      finding.projects.length
        ? [
            h("h4", {}, t("findings.projects")),
            h(
              "ul",
              {},
              finding.projects.map((p) =>
                h("li", {}, `${p.year} · ${t("entity.seq")} ${p.seq} `, entityLink("Project", p.project_id, p.name), " · ", money(p.amount)),
              ),
            ),
          ]
        : null,
      h("h4", {}, t("findings.evidence")),
      h(
        "ul",
        { className: "evidence" },
        finding.evidence.map((cell) => {
          const prov = provenance(cell);
          if (prov) prov.open = true;
          return h("li", {}, prov);
        }),
      ),
      details(finding),
    ),
  );
}

export async function renderFindings(main, route, { go }) {
  const severity = route.query.get("severity") || "";
  const year = route.query.get("year") || "";
  const plans = await cached("/plans", { limit: 1000 });
  const years = [...new Set(plans.items.map((p) => p.year))].sort();
  const pick = (name, value, options) =>
    h("select", { name, onchange: (event) => go("findings", [], { severity, year, [name]: event.target.value }) }, options.map(([v, text]) => h("option", { value: v, selected: String(v) === value }, text)));
  main.append(
    h("h1", {}, t("findings.title")),
    h(
      "div",
      { className: "filters" },
      h("label", {}, t("findings.severity"), " ", pick("severity", severity, [["", t("findings.all")], ...terms("severity").map((s) => [s, term("severity", s)])])),
      h("label", {}, t("conc.year"), " ", pick("year", year, [["", t("conc.all_years")], ...years.map((y) => [y, y])])),
    ),
  );
  const wait = loading();
  main.append(wait);
  const page = await api("/findings", { params: { severity, year, limit: 1000 } });
  wait.remove();
  const rows = page.items.map((f) => ({ severity: f.severity, rule: f.rule, title: sentence(f), projects: f.projects.map((p) => p.project_id).join(" "), evidence: f.evidence.map((e) => `${e.path} r${e.row}c${e.col}`).join("; ") }));
  main.append(
    h("p", {}, t("findings.count", { n: page.total }), " ", downloadLink(() => toCsv(rows), "findings.csv")),
    h("div", { className: "findings" }, page.items.map(card)),
  );
}

function toCsv(rows) {
  return rows.length ? csvOf(rows) : "";
}

const csvOf = (rows) => csv(Object.keys(rows[0]), rows);
