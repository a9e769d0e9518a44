import "./style.css";
import { api, cached, getKey, setKey, takeKeyFromUrl } from "./api.js";
import { clear, h } from "./dom.js";
import { currentLanguage, initialLanguage, setLanguage, setVocabularies, t } from "./i18n.js";
import { errorBox } from "./widgets.js";
import { renderConcentration } from "./pages/concentration.js";
import { renderConsole } from "./pages/console.js";
import { renderDocument } from "./pages/document.js";
import { renderDocuments, renderReview } from "./pages/documents.js";
import { renderHome } from "./pages/home.js";
import { renderNotice } from "./pages/notice.js";
import { renderEntity } from "./pages/entity.js";
import { renderFindings } from "./pages/findings.js";
import { renderQueries } from "./pages/queries.js";
import { renderSearch } from "./pages/search.js";

const state = { session: null };
// Tests and curious auditors can reach the live graph through window.fundgraphExplorer.
window.fundgraphExplorer = { state, cy: null };

const ROUTES = [
  { name: "home", render: renderHome },
  { name: "search", render: renderSearch },
  { name: "entity", render: renderEntity, hidden: true },
  { name: "findings", render: renderFindings },
  { name: "documents", render: renderDocuments },
  { name: "concentration", render: renderConcentration },
  { name: "queries", render: renderQueries },
  { name: "console", render: renderConsole, auditor: true },
  // Opened from a cited cell and from the documents page.
  { name: "document", render: renderDocument, hidden: true },
  // A notice's chain up and down: opened from a level finding, a document, another notice.
  { name: "notice", render: renderNotice, hidden: true },
  { name: "review", render: renderReview, auditor: true, hidden: true, readers: "doc.auditors" },
];

export function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || "home", parts: parts.slice(1), query: new URLSearchParams(query) };
}

export function go(name, parts = [], query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const path = [name, ...parts.map((p) => encodeURIComponent(p))].join("/");
  const target = `#/${path}${search.toString() ? "?" + search : ""}`;
  if (location.hash === target) render();
  else location.hash = target;
}

function navigation(route) {
  const links = ROUTES.filter((r) => !r.hidden && (!r.auditor || state.session?.cypher)).map((r) =>
    h("a", { href: `#/${r.name}`, className: route.name === r.name ? "active" : "", "data-nav": r.name }, t(`nav.${r.name}`)),
  );
  const other = currentLanguage() === "zh" ? "en" : "zh";
  return h(
    "header",
    { className: "top" },
    h("a", { href: "#/home", className: "brand" }, t("app.title")),
    h("nav", {}, links),
    h(
      "div",
      { className: "account" },
      state.session ? h("span", { className: "who" }, t("key.signed_in", { name: state.session.name, role: t(`role.${state.session.role}`) })) : null,
      h("button", { type: "button", className: "link", "data-lang": other, onclick: () => { setLanguage(other); render(); } }, t("lang.switch")),
      state.session ? h("button", { type: "button", className: "link", onclick: signOut }, t("key.sign_out")) : null,
    ),
  );
}

function signOut() {
  setKey(null);
  state.session = null;
  render();
}

function keyForm(message) {
  const input = h("input", { type: "password", name: "key", autocomplete: "off", required: true, size: 40, "aria-label": t("key.title") });
  const form = h(
    "form",
    {
      className: "key-form",
      onsubmit: async (event) => {
        event.preventDefault();
        setKey(input.value.trim());
        await start();
      },
    },
    h("h1", {}, t("key.title")),
    message ? h("p", { className: "error" }, message) : null,
    h("p", { className: "hint" }, t("key.help")),
    input,
    " ",
    h("button", { type: "submit" }, t("key.submit")),
  );
  return form;
}

const root = () => document.getElementById("app");

async function render() {
  const route = parseRoute();
  const main = h("main", { id: "page", "data-route": route.name });
  clear(root()).append(navigation(route), main);
  const page = ROUTES.find((r) => r.name === route.name) || ROUTES[0];
  if (page.auditor && !state.session?.cypher) {
    main.append(h("p", { className: "notice" }, t(page.readers || "console.readers")));
    return;
  }
  try {
    await page.render(main, route, { go, state });
  } catch (error) {
    main.append(errorBox(error));
  }
}

async function start() {
  if (!getKey()) {
    clear(root()).append(keyForm());
    return;
  }
  try {
    state.session = await api("/session");
    setVocabularies((await cached("/schema")).vocabularies);
  } catch (error) {
    setKey(null);
    clear(root()).append(keyForm(error.status === 401 ? t("key.invalid") : error.message));
    return;
  }
  await render();
}

// A link carrying a key (#/route?key=…) followed in an open page: the key is taken as on a first load.
window.addEventListener("hashchange", () => {
  if (takeKeyFromUrl()) start();
  else if (state.session) render();
});
window.addEventListener("fundgraph:unauthorised", () => {
  setKey(null);
  state.session = null;
  clear(root()).append(keyForm(t("key.invalid")));
});

setLanguage(initialLanguage());
takeKeyFromUrl();
start();
