import { api, cached } from "../api.js";
import { h } from "../dom.js";
import { csv } from "../format.js";
import { message, t, term, terms } from "../i18n.js";
import { downloadLink, entityLink, loading, money, provenance, severityBadge } from "../widgets.js";

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
