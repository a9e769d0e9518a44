"""The findings report: one self-contained HTML page (no network, no scripts) an auditor can file or mail.

It holds the findings with their evidence cells, a share-by-implementer chart, a platform × project matrix and a
picture of the platform–project graph, all drawn as inline SVG and tables.
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver

from fundgraph.audit.findings import Finding
from fundgraph.graph.schema import load_schema
from fundgraph.graph.store import read
from fundgraph.queries import get_query
from fundgraph.vocabularies import label
from fundgraph.vocabularies import render as message

ROLE_COLOURS = {name: spec["colour"] for name, spec in load_schema().vocabulary("roles").items()}
SEVERITY_COLOURS = {name: spec["colour"] for name, spec in load_schema().vocabulary("severities").items()}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2rem;color:#212529}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dee2e6}
.finding{border-left:4px solid;padding:.4rem .8rem;margin:.8rem 0;background:#f8f9fa}
.sev{font-weight:bold;text-transform:uppercase;font-size:.8rem}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #dee2e6;padding:.25rem .5rem;vertical-align:top}
th{background:#f1f3f5}.cell{font-family:monospace;font-size:.8rem;color:#495057}.meta{color:#868e96;font-size:.85rem}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}
"""


def write_report(
    driver: Driver,
    findings: list[Finding],
    path: Path,
    *,
    year: int | None = None,
    plan_id: str | None = None,
    lang: str = "en",
) -> Path:
    filters = {"year": year, "plan_id": plan_id}
    concentration = _run(driver, "concentration", {**filters, "by": "implementer"})
    platforms = _run(driver, "platforms_shared_by_projects", {**filters, "min_projects": 1})
    plans = _run(driver, "plans", {"year": year})
    page = render(findings, concentration, platforms, plans, year=year, plan_id=plan_id, lang=lang)
    path.write_text(page, encoding="utf-8")
    return path


def _run(driver: Driver, name: str, given: dict[str, Any]) -> list[dict[str, Any]]:
    query = get_query(name)
    names = {p.name for p in query.params}
    return read(driver, query.cypher, query.bind({k: v for k, v in given.items() if k in names})).rows


def render(
    findings: list[Finding],
    concentration: list[dict[str, Any]],
    platforms: list[dict[str, Any]],
    plans: list[dict[str, Any]],
    *,
    year: int | None = None,
    plan_id: str | None = None,
    lang: str = "en",
) -> str:
    """The report, its findings and headings in ``lang`` (en or zh)."""
    if plan_id:
        scope = message("report_scope_plan", {"plan": plan_id}, lang)
    else:
        scope = message("report_scope_year", {"year": year}, lang) if year else message("report_scope_all", {}, lang)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_COLOURS}
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "plans": len(plans),
        "titles": "; ".join(str(p["title"]) for p in plans),
        "count": len(findings),
        **counts,
    }
    title = message("report_title", {"scope": scope}, lang)
    parts = [
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='meta'>{_e(message('report_meta', meta, lang))}</p>",
        f"<h2 id='findings'>{_e(message('report_findings', {}, lang))}</h2>",
        *(_finding(f, lang) for f in findings),
        f"<h2 id='concentration'>{_e(message('report_concentration', {}, lang))}</h2>",
        _bar_chart(concentration),
        f"<h2 id='matrix'>{_e(message('report_matrix', {}, lang))}</h2>",
        _matrix(platforms),
        f"<h2 id='graph'>{_e(message('report_graph', {}, lang))}</h2>",
        _graph(platforms),
        "</body></html>",
    ]
    return "\n".join(parts)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _head(code: str, lang: str) -> str:
    return "<tr>" + "".join(f"<th>{_e(name)}</th>" for name in message(code, {}, lang).split("|")) + "</tr>"


def _finding(finding: Finding, lang: str = "en") -> str:
    colour = SEVERITY_COLOURS[finding.severity]
    projects = "".join(
        f"<tr><td>{_e(p.year)}</td><td>{_e(p.seq)}</td><td>{_e(p.name)}</td><td>{_e(p.amount)}</td></tr>"
        for p in finding.projects
    )
    evidence = "".join(
        "<tr><td class='cell'>"
        + _e(
            message("report_cell", {"file": Path(c.path or "?").name, "row": c.row, "col": c.col, "line": c.line}, lang)
        )
        + "</td>"
        f"<td>{_e(c.text)}</td></tr>"
        for c in finding.evidence
    )
    return (
        f"<div class='finding' data-rule='{_e(finding.rule)}' style='border-color:{colour}'>"
        f"<span class='sev' style='color:{colour}'>{_e(label('severities', finding.severity, lang))}</span> "
        f"<code title='{_e(finding.rule)}'>{_e(label('rules', finding.rule, lang))}</code> — "
        f"<span class='sentence'>{_e(finding.sentence(lang))}</span>"
        + (f"<table>{_head('report_projects_head', lang)}{projects}</table>" if projects else "")
        + (f"<table>{_head('report_evidence_head', lang)}{evidence}</table>" if evidence else "")
        + "</div>"
    )


def _bar_chart(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No projects.</p>"
    width, bar, gap, label = 900, 22, 8, 330
    height = len(rows) * (bar + gap) + 40
    bars = []
    for i, row in enumerate(rows):
        y = 10 + i * (bar + gap)
        length = (width - label - 120) * (row["share"] or 0)
        bars.append(
            f"<text x='{label - 8}' y='{y + 16}' text-anchor='end' font-size='13'>{_e(row['group'])}</text>"
            f"<rect x='{label}' y='{y}' width='{length:.1f}' height='{bar}' fill='#1c7ed6'/>"
            f"<text x='{label + length + 6:.1f}' y='{y + 16}' font-size='12'>{_e(row['amount'])} "
            f"({row['share']:.2%})</text>"
        )
    first = rows[0]
    summary = (
        f"<p class='meta'>N = {len(rows)} groups, total {_e(first['total'])} 万元; HHI {_e(first['hhi'])}, "
        f"CR1 {first['cr1']:.2%}, CR3 {first['cr3']:.2%}, CR5 {first['cr5']:.2%}, Gini {first['gini'] or 0:.3f}"
        + (f"; {_e(first['warning'])}" if first["warning"] else "")
        + "</p>"
    )
    return (
        f"<svg width='{width}' height='{height}' role='img' aria-label='share by implementer'>{''.join(bars)}</svg>"
        + summary
    )


def _matrix(platforms: list[dict[str, Any]]) -> str:
    if not platforms:
        return "<p>No platform is named.</p>"
    columns = sorted(
        {(p["year"], p["plan_id"], p["seq"]) for row in platforms for p in row["projects"]},
        key=lambda k: (k[0] or 0, k[1], int(k[2]) if str(k[2]).isdigit() else 0),
    )
    head = "".join(f"<th title='{_e(c[1])}'>{_e(c[0])}<br>{_e(c[2])}</th>" for c in columns)
    body = []
    for row in platforms:
        roles = {(p["year"], p["plan_id"], p["seq"]): p["roles"] for p in row["projects"]}
        cells = "".join(
            "<td>"
            + " ".join(f"<span style='color:{ROLE_COLOURS.get(r, '#000')}'>{_e(r)}</span>" for r in roles.get(c, []))
            + "</td>"
            for c in columns
        )
        body.append(f"<tr><th style='text-align:left'>{_e(row['platform'])}</th>{cells}</tr>")
    return f"<table class='matrix'><tr><th>platform \\ year, 序号</th>{head}</tr>{''.join(body)}</table>"


def _graph(platforms: list[dict[str, Any]]) -> str:
    """Platforms on the left, projects on the right, one line per role, coloured by role."""
    if not platforms:
        return "<p>No platform is named.</p>"
    projects = sorted(
        {(p["year"], p["plan_id"], p["seq"], p["project"]) for row in platforms for p in row["projects"]},
        key=lambda k: (k[0] or 0, k[1], int(k[2]) if str(k[2]).isdigit() else 0),
    )
    step = 34
    height = max(len(platforms), len(projects)) * step + 40
    left, right = 300, 620
    place_y = {row["platform"]: 30 + i * (height - 40) / max(1, len(platforms)) for i, row in enumerate(platforms)}
    project_y = {p[:3]: 30 + i * (height - 40) / max(1, len(projects)) for i, p in enumerate(projects)}
    lines, labels = [], []
    for row in platforms:
        for p in row["projects"]:
            roles = p["roles"] or ["mentioned"]
            for offset, role in enumerate(roles):
                shift = (offset - (len(roles) - 1) / 2) * 3
                y1, y2 = place_y[row["platform"]] + shift, project_y[(p["year"], p["plan_id"], p["seq"])] + shift
                lines.append(
                    f"<line x1='{left}' y1='{y1:.1f}' x2='{right}' y2='{y2:.1f}' stroke='{ROLE_COLOURS.get(role)}' "
                    f"stroke-width='{1.5 + math.log10(max(1, p['amount_fen'] / 1e6)):.1f}' opacity='0.8'>"
                    f"<title>{_e(role)}: {_e(p['amount'])} 万元</title></line>"
                )
    for name, y in place_y.items():
        labels.append(
            f"<circle cx='{left}' cy='{y:.1f}' r='6' fill='#343a40'/>"
            f"<text x='{left - 10}' y='{y + 4:.1f}' text-anchor='end' font-size='12'>{_e(name)}</text>"
        )
    for (year, _plan, seq, name), y in zip(projects, project_y.values(), strict=True):
        labels.append(
            f"<rect x='{right - 5}' y='{y - 5:.1f}' width='10' height='10' fill='#495057'/>"
            f"<text x='{right + 10}' y='{y + 4:.1f}' font-size='12'>{_e(year)} · {_e(seq)} {_e(name)}</text>"
        )
    legend = "".join(
        f"<span><i class='swatch' style='background:{c}'></i>{_e(r)}</span>" for r, c in ROLE_COLOURS.items()
    )
    return (
        f"<svg width='1200' height='{height}' role='img' aria-label='platform project graph'>"
        f"{''.join(lines)}{''.join(labels)}</svg><p class='legend'>{legend}</p>"
    )
