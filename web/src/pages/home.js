// The opening page: what is loaded (plans, projects, money by year), the latest findings by severity, the documents
// waiting for review, and the search box.
import { api } from "../api.js";
import { h } from "../dom.js";
import { message, t, term, terms } from "../i18n.js";
import { entityLink, errorBox, loading, money, severityBadge, statusBadge } from "../widgets.js";

const WAITING = ["refused", "unverified"];
const FINDINGS_SHOWN = 3;

function searchBox(go) {
  const input = h("input", { type: "search", name: "q", placeholder: t("search.placeholder"), autofocus: true, "aria-label": t("nav.search") });
  return h(
    "form",
    { className: "search-form", role: "search", onsubmit: (event) => { event.preventDefault(); go("search", [], { q: input.value.trim() }); } },
    input,
    h("button", { type: "submit" }, t("search.button")),
  );
}

function loaded(overview) {
  if (!overview.years.length) return h("p", { className: "notice" }, t("home.empty"));
  return h(
    "table",
    { className: "loaded" },
    h("thead", {}, h("tr", {}, [t("home.year"), t("home.plans"), t("home.projects"), t("home.money"), t("home.by_recipe")].map((title, i) => h("th", { scope: "col", className: i ? "num" : "" }, title)))),
    h(
      "tbody",
      {},
      overview.years.map((y) =>
        h(
          "tr",
          { "data-year": y.year ?? "" },
          h("th", { scope: "row" }, y.year ?? "—"),
          h("td", { className: "num" }, y.plans),
          h("td", { className: "num" }, y.projects),
          h("td", { className: "num" }, money(y.money)),
          h("td", { className: "num" }, y.read_by_recipe ? y.read_by_recipe : ""),
        ),
      ),
    ),
  );
}

async function latestFindings(section) {
  const wait = loading();
  section.append(wait);
  try {
    const page = await api("/findings", { params: { limit: 1000 } });
    const bySeverity = terms("severity").map((s) => [s, page.items.filter((f) => f.severity === s)]);
    section.append(
      h(
        "ul",
        { className: "by-severity" },
        bySeverity.map(([severity, found]) =>
          h(
            "li",
            { "data-severity": severity, "data-count": found.length },
            h("a", { href: `#/findings?severity=${severity}` }, severityBadge(severity), ` ${found.length}`),
            h("ul", {}, found.slice(0, FINDINGS_SHOWN).map((f) => h("li", {}, h("code", { className: "rule" }, term("rule", f.rule)), " ", f.code ? message(f.code, f.args, f.title) : f.title))),
          ),
        ),
      ),
      h("p", {}, h("a", { href: "#/findings" }, t("home.findings_all", { n: page.total }))),
    );
  } catch (error) {
    section.append(errorBox(error));
  } finally {
    wait.remove();
  }
}

async function waiting(section, state) {
  const pages = await Promise.all(WAITING.map((status) => api("/documents", { params: { status, limit: 10 } })));
  const items = pages.flatMap((p) => p.items);
  if (!items.length) {
    section.append(h("p", { className: "hint" }, t("home.waiting_none")));
    return;
  }
  section.append(
    h(
      "ul",
      { className: "waiting" },
      items.map((d) =>
        h(
          "li",
          { "data-doc": d.doc_id, "data-status": d.status },
          statusBadge(d.status),
          " ",
          state.session?.cypher ? h("a", { href: `#/review/${d.doc_id}` }, (d.path || d.doc_id).split(/[\\/]/).pop()) : (d.path || "").split(/[\\/]/).pop(),
          d.plans.length ? [" · ", d.plans.map((p) => entityLink("Plan", p))] : null,
        ),
      ),
    ),
    h("p", {}, h("a", { href: "#/documents" }, t("home.waiting_all"))),
  );
}

export async function renderHome(main, route, { go, state }) {
  main.append(h("h1", {}, t("home.title")), searchBox(go));
  const overview = await api("/overview");
  const findings = h("section", { className: "home-findings" }, h("h2", {}, t("home.findings")));
  const docs = h("section", { className: "home-waiting" }, h("h2", {}, t("home.waiting")));
  main.append(
    h(
      "div",
      { className: "home-grid" },
      h(
        "section",
        { className: "home-loaded" },
        h("h2", {}, t("home.loaded")),
        loaded(overview),
        h("p", { className: "statuses" }, overview.documents.map((d) => h("span", { "data-status": d.status }, statusBadge(d.status), ` ${d.documents} `))),
      ),
      findings,
      docs,
    ),
  );
  await Promise.all([latestFindings(findings), waiting(docs, state)]);
}
