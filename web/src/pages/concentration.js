import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { api, cached } from "../api.js";
import { h } from "../dom.js";
import { groupDigits, percent } from "../format.js";
import { t } from "../i18n.js";
import { loading, money, table } from "../widgets.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const DIMENSIONS = ["implementer", "applicant", "platform", "service_type", "region", "approval"];
const SHOWN = 25;

export async function renderConcentration(main, route, { go }) {
  const by = route.query.get("by") || "implementer";
  const year = route.query.get("year") || "";
  const split = route.query.get("split") || "equal";
  const canonical = route.query.get("canonical") !== "false";
  const plans = await cached("/plans", { limit: 1000 });
  const years = [...new Set(plans.items.map((p) => p.year))].sort();
  const current = { by, year, split, canonical };
  const change = (name) => (event) => go("concentration", [], { ...current, [name]: event.target.type === "checkbox" ? String(event.target.checked) : event.target.value });
  main.append(
    h("h1", {}, t("conc.title")),
    h(
      "div",
      { className: "filters" },
      h("label", {}, t("conc.by"), " ", h("select", { name: "by", onchange: change("by") }, DIMENSIONS.map((d) => h("option", { value: d, selected: d === by }, t(`by.${d}`))))),
      h("label", {}, t("conc.year"), " ", h("select", { name: "year", onchange: change("year") }, [["", t("conc.all_years")], ...years.map((y) => [String(y), y])].map(([v, text]) => h("option", { value: v, selected: v === year }, text)))),
      h("label", {}, t("conc.split"), " ", h("select", { name: "split", onchange: change("split") }, ["equal", "none"].map((s) => h("option", { value: s, selected: s === split }, t(`conc.split.${s}`))))),
      h("label", {}, h("input", { type: "checkbox", name: "canonical", checked: canonical, onchange: change("canonical") }), " ", t("conc.canonical")),
    ),
  );
  const wait = loading();
  main.append(wait);
  const result = await api("/concentration", { params: { by, year, split, canonical, limit: 1000 } });
  wait.remove();
  const rows = result.items;
  if (!rows.length) {
    main.append(h("p", { className: "notice" }, "—"));
    return;
  }
  const whole = rows[0];
  main.append(
    h(
      "dl",
      { className: "stats" },
      [
        [t("conc.hhi"), String(whole.hhi), "hhi"],
        ["CR1", percent(whole.cr1), "cr1"],
        ["CR3", percent(whole.cr3), "cr3"],
        ["CR5", percent(whole.cr5), "cr5"],
        [t("conc.n"), String(result.total), "n"],
        [t("conc.gini"), Number(whole.gini).toFixed(4), "gini"],
        [t("conc.total"), money(whole.total), "total"],
      ].map(([name, value, id]) => h("div", { "data-stat": id }, h("dt", {}, name), h("dd", {}, value))),
    ),
  );
  if (whole.warning) main.append(h("p", { className: "notice" }, whole.warning));
  const shown = rows.slice(0, SHOWN);
  const canvas = h("canvas", { "aria-label": t("conc.title"), role: "img" });
  main.append(h("div", { className: "chart", style: `height:${Math.max(160, 28 * shown.length + 40)}px` }, canvas));
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: shown.map((r) => r.group ?? "—"),
      datasets: [{ label: t("conc.share"), data: shown.map((r) => Number(r.share) * 100), backgroundColor: "#2f6db5" }],
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } },
      plugins: {
        tooltip: { callbacks: { label: (context) => `${percent(shown[context.dataIndex].share)} · ${groupDigits(shown[context.dataIndex].amount)} ${t("unit.wan")}` } },
      },
    },
  });
  main.append(
    table(rows, [
      { key: "rank", title: t("conc.rank"), numeric: true },
      { key: "group", title: t("conc.group") },
      { key: "amount", title: t("col.amount"), numeric: true, render: (row) => money(row.amount) },
      { key: "share", title: t("conc.share"), numeric: true, render: (row) => percent(row.share) },
      { key: "n", title: t("conc.projects"), numeric: true },
    ], { filename: `concentration-${by}-${year || "all"}.csv`, csvColumns: ["rank", "group", "amount", "amount_fen", "share", "n", "hhi", "cr1", "cr3", "cr5", "gini"] }),
  );
}
