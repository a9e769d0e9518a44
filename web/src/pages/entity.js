import { api } from "../api.js";
import { h } from "../dom.js";
import { fenToWan } from "../format.js";
import { t, term } from "../i18n.js";
import { graphView } from "../graph.js";
import { entityLink, errorBox, labelBadge, loading, money, provenance, readByBadge, table } from "../widgets.js";

const PROFILES = {
  Organization: (key) => api(`/organizations/${encodeURIComponent(key)}`),
  Platform: (key) => api(`/platforms/${encodeURIComponent(key)}`),
  Project: (key) => api(`/projects/${key.split("/").map(encodeURIComponent).join("/")}`),
};

function facts(pairs) {
  return h(
    "dl",
    { className: "facts" },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && !value.length)).map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]),
  );
}

// A hub (a provincial bureau over years) has thousands of projects: the page shows the latest, and says so.
const shownOf = (shown, total) => (total > shown ? h("small", {}, ` ${t("entity.shown_of", { shown, total })}`) : null);

// The server's project_id: a 序号 can repeat in a plan, so an id is never rebuilt from plan_id and seq here.
const projectLink = (row) => entityLink("Project", row.project_id, row.project);

// The columns every list of an entity's projects starts with; each kind adds how the project touches it.
const projectColumns = () => [
  { key: "year", title: t("col.year") },
  { key: "seq", title: t("col.seq") },
  { key: "project", title: t("col.project"), render: projectLink },
  { key: "amount", title: t("col.amount"), numeric: true, render: (row) => money(row.amount) },
];
const projectCsv = ["plan_id", "year", "seq", "project", "amount"];

function organizationSection(profile) {
  return [
    facts([
      [t("entity.kind"), profile.kind],
      [t("entity.aliases"), (profile.aliases || []).join("、")],
      [t("entity.formerly"), (profile.formerly || []).join("、")],
      [t("entity.renamed_to"), profile.renamed_to ? [entityLink("Organization", profile.renamed_to), profile.renamed_on ? ` (${profile.renamed_on})` : ""] : null],
      [t("entity.money_in") + " · " + t("entity.implemented"), [money(fenToWan(profile.implemented_fen)), ` (${profile.implements})`]],
      [t("entity.money_out") + " · " + t("entity.applied"), [money(fenToWan(profile.applied_fen)), ` (${profile.applies_for})`]],
    ]),
    h("h2", {}, t("entity.projects"), shownOf(profile.projects.length, profile.project_count)),
    table(profile.projects, [
      ...projectColumns(),
      { key: "relations", title: t("col.relations"), render: (row) => row.relations.map((r) => term("rel", r)).join("、") },
      { key: "cells", title: t("col.source"), render: (row) => row.cells.map((cell) => provenance(cell)) },
    ], { filename: `${profile.name}.csv`, csvColumns: [...projectCsv, "relations"] }),
  ];
}

function platformSection(profile) {
  return [
    facts([
      [t("entity.owner"), profile.owner ? entityLink("Organization", profile.owner) : null],
      [t("entity.aliases"), (profile.aliases || []).join("、")],
      [t("entity.money_in") + " · " + t("entity.involved"), [money(fenToWan(profile.amount_fen_involved)), ` (${profile.project_count})`]],
    ]),
    h("h2", {}, t("entity.projects"), shownOf(profile.projects.length, profile.project_count)),
    table(profile.projects, [
      ...projectColumns(),
      { key: "roles", title: t("col.roles"), render: (row) => row.roles.map((r) => term("role", r)).join("、") },
      { key: "as_written", title: t("col.source"), render: (row) => provenance(row) },
    ], { filename: `${profile.name}.csv`, csvColumns: [...projectCsv, "roles", "as_written", "row", "col"] }),
  ];
}

function projectSection(profile) {
  const people = (list) => list.map((o) => h("span", { className: "org" }, entityLink("Organization", o.name), o.as_written !== o.name ? ` (${o.as_written})` : "", provenance(o)));
  return [
    facts([
      [t("entity.plan"), entityLink("Plan", profile.plan_id)],
      [t("entity.year"), profile.year],
      [t("entity.seq"), profile.seq],
      [t("entity.allocated"), [money(profile.amount), " ", readByBadge(profile.read_by), provenance(profile.amount_cell, profile.amount_as_written)]],
      [t("entity.approval"), profile.approval],
      [t("entity.applicants"), people(profile.applicants)],
      [t("entity.implementers") + " · " + t("entity.money_out"), people(profile.implementers)],
      [t("entity.platforms"), profile.platforms.map((p) => h("span", { className: "org" }, entityLink("Platform", p.platform), ` ${term("role", p.role)}`, provenance(p)))],
      [t("entity.services"), profile.services.map((s) => entityLink("ServiceType", s)).flatMap((x) => [x, " "])],
      [t("entity.regions"), profile.regions.map((r) => entityLink("Region", r.code, r.name)).flatMap((x) => [x, " "])],
      [t("entity.money_in_text"), (profile.money_in_text || []).map((m) => `${m} ${t("unit.wan")}`).join("、")],
      [t("entity.summary"), profile.summary],
      [t("entity.targets"), profile.targets_text],
    ]),
  ];
}

export async function renderEntity(main, route) {
  const [label, key] = route.parts;
  const heading = h("h1", {}, labelBadge(label), " ", key);
  main.append(heading);
  const body = h("div", { className: "entity" });
  const wait = loading();
  main.append(body, wait);
  const graph = graphView();
  try {
    if (PROFILES[label]) {
      const profile = await PROFILES[label](key);
      if (profile.name) heading.lastChild.textContent = profile.name;
      const section = label === "Organization" ? organizationSection(profile) : label === "Platform" ? platformSection(profile) : projectSection(profile);
      body.append(h("h2", {}, t("entity.facts")), ...section);
    }
  } catch (error) {
    body.append(errorBox(error));
  }
  body.append(h("h2", {}, t("entity.graph")), graph.element);
  try {
    const loaded = await graph.load({ name: key });
    const start = loaded.nodes.find((n) => n.id === loaded.start);
    if (!PROFILES[label] && start) {
      heading.lastChild.textContent = start.name ?? start.key;
      body.prepend(h("h2", {}, t("entity.facts")), facts([[term("label", label), start.name ?? start.key], [t("entity.year"), start.year], [t("col.amount"), start.amount ? [money(start.amount), " ", readByBadge(start.read_by)] : readByBadge(start.read_by)]]));
    }
  } catch (error) {
    graph.element.replaceWith(errorBox(error));
  }
  wait.remove();
}
