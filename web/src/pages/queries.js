import { api, cached } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { resultsView } from "../results.js";
import { errorBox, loading } from "../widgets.js";

function field(param, value) {
  const name = `param-${param.name}`;
  const label = h("label", { for: name }, param.name, h("small", {}, ` ${param.type}${param.required ? " · " + t("queries.required") : ""}`));
  let input;
  if (param.type === "bool") {
    input = h("select", { id: name, name: param.name }, ["", "true", "false"].map((v) => h("option", { value: v, selected: v === String(value ?? param.default ?? "") }, v || "—")));
  } else {
    input = h("input", {
      id: name,
      name: param.name,
      type: param.type === "int" ? "number" : "text",
      step: param.type === "int" ? "1" : param.type === "float" ? "any" : null,
      required: param.required,
      value: value ?? "",
      placeholder: param.default === null || param.default === undefined ? "" : String(param.default),
    });
  }
  return h("div", { className: "field" }, label, input);
}

// Values typed in the form, converted to the header's types; empty fields fall back to the query's defaults.
function values(form, params) {
  const out = {};
  for (const param of params) {
    const raw = form.elements[param.name].value.trim();
    if (raw === "") continue;
    if (param.type === "int") out[param.name] = Number.parseInt(raw, 10);
    else if (param.type === "bool") out[param.name] = raw === "true";
    else if (param.type === "list") out[param.name] = raw.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
    else out[param.name] = raw;
  }
  return out;
}

export async function renderQueries(main, route, { go }) {
  const catalogue = await cached("/queries");
  const name = route.parts[0];
  const list = h(
    "nav",
    { className: "catalogue" },
    h("h1", {}, t("queries.title")),
    h("ul", {}, catalogue.map((q) => h("li", {}, h("a", { href: `#/queries/${encodeURIComponent(q.name)}`, className: q.name === name ? "active" : "" }, q.name)))),
  );
  const panel = h("div", { className: "query-panel" });
  main.append(h("div", { className: "two-columns" }, list, panel));
  const query = catalogue.find((q) => q.name === name);
  if (!query) {
    panel.append(h("dl", { className: "facts" }, catalogue.map((q) => [h("dt", {}, h("a", { href: `#/queries/${encodeURIComponent(q.name)}` }, q.name)), h("dd", {}, q.description)])));
    return;
  }
  const given = Object.fromEntries(route.query.entries());
  const output = h("div", { className: "query-output" });
  const form = h(
    "form",
    {
      className: "query-form",
      "data-query": query.name,
      onsubmit: async (event) => {
        event.preventDefault();
        const parameters = values(form, query.parameters);
        output.replaceChildren(loading());
        try {
          const result = await api(`/queries/${encodeURIComponent(query.name)}`, { method: "POST", body: { parameters }, params: { limit: 1000 } });
          const columns = result.items.length ? Object.keys(result.items[0]) : [];
          output.replaceChildren(resultsView(columns, result.items, { filename: `${query.name}.csv`, truncated: result.truncated || result.total > result.items.length }));
        } catch (error) {
          output.replaceChildren(errorBox(error));
        }
      },
    },
    h("h2", {}, query.name),
    h("p", {}, query.description),
    query.parameters.map((p) => field(p, given[p.name] ?? (query.example || {})[p.name])),
    h("button", { type: "submit" }, t("queries.run")),
    h("details", { className: "cypher-source" }, h("summary", {}, t("queries.cypher")), h("pre", {}, query.cypher)),
  );
  panel.append(form, output);
}
