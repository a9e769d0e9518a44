// The neighbourhood graph: cytoscape with the fCoSE layout (readable at a few hundred nodes), coloured by label,
// edges captioned with role and amount; a click expands a node, an edge shows the cells it was read from.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { wan } from "./format.js";
import { t, term } from "./i18n.js";
import { entityHref, errorBox, labelBadge, money, provenance } from "./widgets.js";

cytoscape.use(fcose);

export const COLOURS = {
  Organization: "#2f6db5",
  Platform: "#c8372d",
  Project: "#2e8b57",
  Plan: "#7b4fb0",
  Fund: "#8c564b",
  Region: "#168a9c",
  ServiceType: "#d9822b",
  Target: "#7f7f7f",
  Document: "#a0a020",
};

function shorten(text, length = 16) {
  if (!text) return "";
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}

export function nodeCaption(node) {
  if (node.label === "Project") {
    const head = [node.seq ? `${t("entity.seq")} ${node.seq}` : null, node.amount ? wan(node.amount) : null].filter(Boolean);
    return `${head.join(" · ")}\n${shorten(node.name, 14)}`;
  }
  return shorten(node.name ?? node.key);
}

export function edgeCaption(edge) {
  const what = edge.roles && edge.roles.length ? edge.roles.map((r) => term("role", r)).join("、") : term("rel", edge.type);
  return edge.amount ? `${what} · ${wan(edge.amount)}` : what;
}

function nodeElement(node) {
  return {
    group: "nodes",
    data: { ...node, kind: node.label, caption: nodeCaption(node), size: node.label === "Project" ? sizeOf(node.amount) : 34 },
  };
}

// Circle size only: a display scale, not arithmetic on money.
function sizeOf(amount) {
  const value = Number(amount || 0);
  return Math.round(26 + 10 * Math.log10(1 + value));
}

function edgeElement(edge) {
  return { group: "edges", data: { ...edge, caption: edgeCaption(edge) } };
}

const STYLE = [
  {
    selector: "node",
    style: {
      "background-color": "#999",
      label: "data(caption)",
      "text-wrap": "wrap",
      "text-max-width": 140,
      "font-size": 10,
      "text-valign": "bottom",
      "text-margin-y": 4,
      width: "data(size)",
      height: "data(size)",
      "border-width": 1,
      "border-color": "#fff",
      "min-zoomed-font-size": 6,
    },
  },
  ...Object.entries(COLOURS).map(([label, colour]) => ({ selector: `node[kind = "${label}"]`, style: { "background-color": colour } })),
  { selector: "node[kind = \"Platform\"]", style: { shape: "round-rectangle" } },
  { selector: "node[kind = \"Organization\"]", style: { shape: "round-hexagon" } },
  { selector: "node.start", style: { "border-width": 4, "border-color": "#222" } },
  { selector: "node:selected", style: { "border-width": 4, "border-color": "#f2b200" } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#b8b8b8",
      "target-arrow-color": "#b8b8b8",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      label: "data(caption)",
      "font-size": 8,
      "text-rotation": "autorotate",
      "text-background-color": "#fff",
      "text-background-opacity": 0.85,
      "text-background-padding": 1,
      "min-zoomed-font-size": 7,
      color: "#444",
    },
  },
  { selector: "edge[type = \"CONCERNS\"]", style: { "line-color": "#e08a84", "target-arrow-color": "#e08a84" } },
  { selector: "edge[type = \"IMPLEMENTS\"], edge[type = \"APPLIED_FOR\"]", style: { "line-color": "#8fb0d9", "target-arrow-color": "#8fb0d9" } },
  { selector: "edge:selected", style: { width: 3, "line-color": "#f2b200", "target-arrow-color": "#f2b200" } },
];

export function graphView({ start = null, onOpen = null } = {}) {
  const canvas = h("div", { className: "graph-canvas", "data-testid": "graph" });
  const panel = h("aside", { className: "graph-panel" }, h("p", { className: "hint" }, t("entity.graph_help")));
  const list = h("ol", { className: "graph-list" });
  const legend = h(
    "div",
    { className: "legend" },
    Object.entries(COLOURS).map(([label, colour]) => h("span", {}, h("i", { style: `background:${colour}` }), term("label", label))),
  );
  const element = h(
    "section",
    { className: "graph" },
    legend,
    h("div", { className: "graph-body" }, canvas, panel),
    h("details", { className: "graph-as-list" }, h("summary", {}, t("entity.graph_list")), list),
  );
  const expanded = new Set();
  let cy = null;

  // cytoscape measures its container when made, so it is made once the view is in the document.
  function ensure() {
    if (cy) return cy;
    cy = cytoscape({ container: canvas, style: STYLE, minZoom: 0.1, maxZoom: 4 });
    window.fundgraphExplorer.cy = cy;
    // A second tap on the same node soon after the first opens its page (cytoscape's dbltap also fires when the
    // first tap was on something else).
    let lastTap = { id: null, at: 0 };
    cy.on("tap", "node", (event) => {
      const now = Date.now();
      const data = event.target.data();
      if (lastTap.id === data.id && now - lastTap.at < 400) {
        if (onOpen) onOpen(data);
        else location.hash = entityHref(data.kind, data.key);
        return;
      }
      lastTap = { id: data.id, at: now };
      showNode(event.target);
      expand(event.target);
    });
    cy.on("tap", "edge", (event) => {
      lastTap = { id: null, at: 0 };
      showEdge(event.target);
    });
    return cy;
  }

  function add(graph) {
    const fresh = [];
    for (const node of graph.nodes) if (cy.getElementById(node.id).empty()) fresh.push(nodeElement(node));
    for (const edge of graph.edges) if (cy.getElementById(edge.id).empty()) fresh.push(edgeElement(edge));
    const added = cy.add(fresh);
    if (graph.start) cy.getElementById(graph.start).addClass("start");
    relist();
    return added;
  }

  function layout(randomize) {
    cy.layout({
      name: "fcose",
      quality: "default",
      randomize,
      animate: false,
      fit: true,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: () => 110,
      nodeRepulsion: () => 9000,
      numIter: 2500,
    }).run();
  }

  function relist() {
    clear(list);
    cy.edges().forEach((edge) => {
      const data = edge.data();
      const source = cy.getElementById(data.source).data();
      const target = cy.getElementById(data.target).data();
      list.append(
        h(
          "li",
          { "data-type": data.type },
          h("a", { href: entityHref(source.kind, source.key) }, source.name ?? source.key),
          ` —${edgeCaption(data)}→ `,
          h("a", { href: entityHref(target.kind, target.key) }, target.name ?? target.key),
          data.cells.map((cell) => provenance(cell)),
        ),
      );
    });
  }

  async function expand(node) {
    if (expanded.has(node.id())) return;
    expanded.add(node.id());
    try {
      const graph = await api("/graph", { params: { id: node.id(), limit: 200 } });
      const added = add({ ...graph, start: null });
      if (added.nonempty()) layout(false);
    } catch (error) {
      clear(panel).append(errorBox(error));
    }
  }

  function showNode(node) {
    const data = node.data();
    clear(panel).append(
      labelBadge(data.kind),
      h("h3", {}, data.name ?? data.key),
      data.amount ? h("p", {}, money(data.amount)) : null,
      data.year ? h("p", {}, `${t("entity.year")} ${data.year}`) : null,
      h("p", {}, h("a", { href: entityHref(data.kind, data.key), className: "open-entity" }, t("entity.open"), " →")),
    );
  }

  function showEdge(edge) {
    const data = edge.data();
    clear(panel).append(
      h("h3", {}, term("rel", data.type)),
      h("p", {}, edgeCaption(data)),
      h("p", { className: "hint" }, `${cy.getElementById(data.source).data("name")} → ${cy.getElementById(data.target).data("name")}`),
      h("div", { className: "cells" }, data.cells.map((cell) => provenance(cell))),
    );
    panel.querySelectorAll("details.prov").forEach((d) => (d.open = true));
  }

  return {
    element,
    get cy() {
      return cy;
    },
    async load(params) {
      const graph = await api("/graph", { params: { depth: 1, limit: 300, ...params } });
      ensure().elements().remove();
      expanded.clear();
      add(graph);
      if (graph.start) expanded.add(graph.start);
      // The container has its size only once it is in the document.
      requestAnimationFrame(() => {
        cy.resize();
        layout(true);
        element.dataset.ready = "true";
      });
      return graph;
    },
    show(graph) {
      ensure().elements().remove();
      add(graph);
      requestAnimationFrame(() => {
        cy.resize();
        layout(true);
        element.dataset.ready = "true";
      });
    },
    start,
  };
}
