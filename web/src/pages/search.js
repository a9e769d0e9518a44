import { api } from "../api.js";
import { h } from "../dom.js";
import { t, term } from "../i18n.js";
import { entityLink, labelBadge, loading } from "../widgets.js";

const ORDER = ["Platform", "Organization", "Project", "Plan", "Fund", "Region"];

export function entityKey(kind, hit) {
  return kind === "Organization" || kind === "Platform" || kind === "ServiceType" ? hit.name : hit.key;
}

export async function renderSearch(main, route, { go }) {
  const q = route.query.get("q") || "";
  const input = h("input", { type: "search", name: "q", value: q, placeholder: t("search.placeholder"), autofocus: true, "aria-label": t("nav.search") });
  main.append(
    h(
      "form",
      { className: "search-form", role: "search", onsubmit: (event) => { event.preventDefault(); go("search", [], { q: input.value.trim() }); } },
      input,
      h("button", { type: "submit" }, t("search.button")),
    ),
  );
  if (!q) {
    main.append(h("p", { className: "hint" }, t("search.hint")));
    return;
  }
  const wait = loading();
  main.append(wait);
  const result = await api("/search", { params: { q, limit: 100 } });
  wait.remove();
  if (!result.items.length) {
    main.append(h("p", { className: "notice" }, t("search.none", { q })));
    return;
  }
  const groups = new Map();
  for (const hit of result.items) {
    if (!groups.has(hit.kind)) groups.set(hit.kind, []);
    groups.get(hit.kind).push(hit);
  }
  const kinds = [...groups.keys()].sort((a, b) => (ORDER.indexOf(a) + 99) % 99 - (ORDER.indexOf(b) + 99) % 99);
  for (const kind of kinds) {
    main.append(
      h(
        "section",
        { className: "search-group", "data-kind": kind },
        h("h2", {}, labelBadge(kind), ` ${term("label", kind)} (${groups.get(kind).length})`),
        h(
          "ul",
          { className: "hits" },
          // Which kind of match the hit is (the words as written in a name, in a description, or some of them):
          // scores rank hits within a kind, not across kinds.
          groups.get(kind).map((hit) =>
            h(
              "li",
              { "data-match": hit.match },
              entityLink(kind, entityKey(kind, hit), hit.name),
              h("span", { className: "score" }, ` ${t(`search.match.${hit.match}`)} · ${t("search.score")} ${hit.score.toFixed(2)}`),
            ),
          ),
        ),
      ),
    );
  }
}
