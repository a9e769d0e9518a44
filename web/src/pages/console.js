import { createCypherEditor } from "@neo4j-cypher/codemirror";
import "@neo4j-cypher/codemirror/css/cypher-codemirror.css";
import { api, cached } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { resultsView } from "../results.js";
import { errorBox, loading } from "../widgets.js";

const FIRST = `MATCH (o:Organization)-[:IMPLEMENTS]->(p:Project)
RETURN o.name AS implementer, count(p) AS projects, sum(p.amount_fen) AS amount_fen
ORDER BY amount_fen DESC`;

let lastQuery = null;

export async function renderConsole(main) {
  const schema = await cached("/schema");
  const holder = h("div", { className: "editor", "data-testid": "editor" });
  const output = h("div", { className: "console-output" });
  main.append(
    h("h1", {}, t("console.title")),
    h("p", { className: "hint" }, t("console.help")),
    holder,
    h("button", { type: "button", className: "run", onclick: () => run() }, t("console.run")),
    output,
  );
  const { editor } = createCypherEditor(holder, {
    value: lastQuery ?? FIRST,
    schema: { labels: schema.labels.map((l) => `:${l}`), relationshipTypes: schema.relationship_types.map((r) => `:${r}`), propertyKeys: schema.property_keys },
    lineWrapping: true,
    autofocus: true,
    theme: "light",
  });
  window.fundgraphExplorer.editor = editor;
  editor.onKeyDown((event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      run();
    }
  });

  async function run() {
    const query = editor.codemirror.state.doc.toString();
    lastQuery = query;
    output.replaceChildren(loading());
    try {
      const result = await api("/cypher", { method: "POST", body: { query, parameters: {} } });
      output.replaceChildren(resultsView(result.columns, result.rows, { filename: "cypher.csv", truncated: result.truncated }));
    } catch (error) {
      output.replaceChildren(errorBox(error));
    }
  }
}
