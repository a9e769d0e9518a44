"""``fundgraph``: parse and load allocation plans, run named queries and read-only Cypher, manage the local Neo4j."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fundgraph.config import LIMITS, get_settings
from fundgraph.errors import FundgraphError, classify
from fundgraph.jsonable import to_jsonable
from fundgraph.loaders import parse_plans

if TYPE_CHECKING:
    from fundgraph.loaders.explain import Explanation
    from fundgraph.loading import Refused

app = typer.Typer(
    help="fundgraph: a graph knowledge base of public fund-allocation plans (资金分配方案) on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
schema_app = typer.Typer(help="The graph schema (constraints and indexes).", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local Neo4j server fetched from Maven Central (no Docker).", no_args_is_help=True)
entities_app = typer.Typer(
    help="Entity resolution: review candidate merges and record decisions.", no_args_is_help=True
)
keys_app = typer.Typer(help="API keys for `fundgraph serve`, kept in FUNDGRAPH_API_KEYS_FILE.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
app.add_typer(entities_app, name="entities")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(keys_app, name="keys")

# Piped output is not cut to 80 columns: tables of Chinese names need the room.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print a JSON array of row objects.")]
ParamOption = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="A query parameter as key=value; repeat for more.")
]


def main() -> None:
    try:
        app()
    except FundgraphError as exc:
        err.print(f"[bold red]error:[/] {_error_text(exc)}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Only a command that loaded the driver can raise its errors: the others (`parse`) do not load it (1.5 s of
        # their start) to catch one.
        driver = sys.modules.get("neo4j.exceptions")
        if driver is None or not isinstance(exc, (driver.DriverError, driver.Neo4jError)):
            raise
        status, code, message = classify(exc)
        err.print(f"[bold red]error:[/] {message} ({code})", highlight=False, soft_wrap=True)
        sys.exit(4 if status == 503 else 5)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def print_rows(rows: list[dict[str, Any]], columns: list[str] | None = None, title: str | None = None) -> None:
    """A table; columns with one value on every row (a whole's HHI, say) are printed once beneath it."""
    columns = columns or (list(rows[0]) if rows else [])
    constant = [c for c in columns if len(rows) > 1 and len({_cell(r.get(c)) for r in rows}) == 1]
    table = Table(title=title, show_lines=False, title_justify="left")
    shown = [c for c in columns if c not in constant]
    for column in shown:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[_cell(row.get(c), c) for c in shown])
    out.print(table)
    summary = "  ".join(f"{c}: {_cell(rows[0].get(c), c)}" for c in constant if rows[0].get(c) is not None)
    out.print(
        f"{len(rows)} row{'s' if len(rows) != 1 else ''}" + (f"   {summary}" if summary else ""),
        style="dim",
        highlight=False,
        soft_wrap=True,
    )


PERCENT_COLUMNS = frozenset({"share", "cr1", "cr3", "cr5"})


def _cell(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, float) and column in PERCENT_COLUMNS:
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, (dict, list)):
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    return str(value)


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"{pair!r} is not key=value", param_hint="-p")
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


def _positive(value: float | None) -> float | None:
    # The driver reads a zero transaction timeout as none at all, the opposite of what a user asking for 0 means.
    if value is not None and value <= 0:
        raise typer.BadParameter(f"{value:g} is not a number of seconds above 0")
    return value


@contextmanager
def driver_session() -> Iterator[Any]:
    from fundgraph.graph.store import connect

    driver = connect()
    try:
        yield driver
    finally:
        driver.close()


AcceptUnverified = Annotated[
    bool,
    typer.Option(
        "--accept-unverified",
        help="Take a scan whose OCR'd amounts can't be checked (no stated total), marked ocr_unverified.",
    ),
]


@app.command()
def parse(
    path: Annotated[
        Path,
        typer.Argument(help="A plan: text (any layout), .html, .docx, .xlsx, .csv, .pdf, .xls, .doc, .odt, a scan."),
    ],
    as_json: JsonFlag = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Print the table found, the header row, each column's role and why.")
    ] = False,
    accept_unverified: AcceptUnverified = False,
    recipe_file: Annotated[
        Path | None,
        typer.Option(
            "--recipe",
            help="Read the document as this reading recipe (YAML) says: table or lines, columns, unit, total.",
        ),
    ] = None,
) -> None:
    """Parse one document and print its plan (one per table), touching no database. With --explain, a document
    that does not read shows its candidate tables and line blocks, for a reading recipe."""
    from fundgraph.loaders.entities import extract_entities
    from fundgraph.loaders.explain import explain_document
    from fundgraph.loaders.recipes import Recipe

    recipe = Recipe.load(recipe_file) if recipe_file is not None else None
    if explain:
        report = explain_document(path, recipe)
        if as_json:
            print_json(report.as_dict())
        else:
            out.print(render_explanation(report))
        if report.refused:
            raise typer.Exit(2)
        return
    plans = parse_plans(path, accept_unverified=accept_unverified, recipe=recipe)
    shown = []
    for plan in plans:
        data = plan.as_dict()
        for project, found in zip(data["projects"], extract_entities(plan).projects, strict=True):
            project["entities"] = found.as_dict()
        shown.append(data)
    if as_json:
        # One table: the plan itself; several: the document with one plan per table (design.md).
        print_json(shown[0] if len(shown) == 1 else {"doc_id": plans[0].doc_id, "path": str(path), "plans": shown})
        return
    for data in shown:
        out.print(f"[bold]{data['title']}[/] ({data['attachment'] or 'no attachment label'}, {data['year']})")
        out.print(
            f"fund: {data['fund']}  programme: {data['programme']}  unit: {data['unit']}  plan_id: {data['plan_id']}"
        )
        print_rows(
            [
                {k: p[k] for k in ("seq", "name", "applicant", "implementer", "amount", "approval")}
                for p in data["projects"]
            ]
        )
        out.print(f"stated total {data['stated_total']}  computed total {data['computed_total']}")
        for problem in data["problems"]:
            out.print(f"[yellow]problem[/] {problem['code']}: {_problem_text(problem)}")


def _problem_text(problem: dict[str, Any]) -> str:
    """A problem's message in FUNDGRAPH_LANG: its template and args, else the English message it was given."""
    from fundgraph.vocabularies import render

    if problem.get("template"):
        return render(problem["template"], problem["args"], get_settings().message_language)
    return str(problem["message"])


def _said(message: dict[str, Any] | None, english: str) -> str:
    """A message (``{code, args}``) in FUNDGRAPH_LANG, else the English text it stands for."""
    from fundgraph.vocabularies import render

    if message is None:
        return english
    return render(message["code"], message["args"], get_settings().message_language)


def _error_text(exc: FundgraphError) -> str:
    """An error in FUNDGRAPH_LANG where it is data (a refused document's), else in English."""
    from fundgraph.errors import ParseError

    return _said(exc.as_message() if isinstance(exc, ParseError) else None, str(exc))


def render_explanation(report: Explanation) -> str:
    """The --explain report as text: per plan, the reading, the header row, each column's role and why."""
    if report.refused:
        return _render_refusal(report)
    lines = [f"{report.path}: {report.reading}"]
    lines.extend(f"  also tried {other}" for other in report.other_readings)
    for plan in report.plans:
        if plan.header_line is not None:
            at = f"line {plan.header_line}"
        else:
            at = f"row {plan.header_row}" + (f", page {plan.header_page}" if plan.header_page else "")
        lines.append(f"table {plan.table}: {plan.title}  (header at {at})")
        for column in plan.columns:
            header = "".join(column.header.split())
            lines.append(f"  column {column.col:>2} {header:<24} {column.role!s:<12} {column.why}")
        lines.extend(f"  -> {decision}" for decision in plan.decisions)
        lines.append(
            f"  {plan.rows} rows, unit {plan.unit} {plan.currency}, stated total {plan.stated_total}, "
            f"computed {plan.computed_total}"
        )
        lines.extend(f"  problem {data['code']}: {_problem_text(data)}" for data in plan.problem_data)
    return "\n".join(lines)


def _render_refusal(report: Explanation) -> str:
    refused = _said(report.refusal, report.refused or "")
    lines = [f"refused: {refused}", f"doc_id (a recipe's `document`): {report.doc_id}"]
    for found in report.candidates:
        lines.append(f"candidate: reading {found.reading}, table {found.table} ({found.rows} rows)")
        for number, row in enumerate(found.first_rows, start=1):
            cells = "  ".join(f"[{c.col}] {' '.join(c.text.split())[:24]}" for c in row)
            lines.append(f"  row {number}: {cells}")
    for block in report.line_blocks:
        lines.append(f"lines {block.lines[0]}-{block.lines[1]} split at {block.separator!r}: {block.first[:80]}")
    lines.append(
        "A reading recipe names one of these (its format: fundgraph/loaders/recipes.py): try it with "
        "`fundgraph parse FILE --recipe R.yaml`, then keep it in FUNDGRAPH_RECIPES for `load`"
    )
    return "\n".join(lines)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Plan files or folders of them.")],
    as_json: JsonFlag = False,
    accept_unverified: AcceptUnverified = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Build a new store with neo4j-admin import (the local server only; it is stopped meanwhile).",
        ),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="With --bulk: discard what the store holds instead of refusing.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Load nothing when any document is refused (all or nothing).")
    ] = False,
    no_backup: Annotated[
        bool,
        typer.Option("--no-backup", help="With --bulk --replace: do not back up the store it replaces first."),
    ] = False,
) -> None:
    """Load plans into Neo4j, each document whole or not at all. Every file is checked first; a document that does
    not read is refused (listed with its error, kept as a `refused` Document) and the others load: exit 6 when some
    were refused, 2 when none loaded. A document with several tables loads as several plans.

    Documents are streamed: the check keeps only counts, and each document is parsed again when it is written, so
    memory holds a few documents at a time however large the corpus. New plans are written a group at a time
    (about 2,000 projects a transaction); known plans one by one (fundgraph.loading). With --bulk, an empty local
    store is built by Neo4j's offline importer instead: the same graph, several times faster on a large corpus.
    """
    from fundgraph.loading import expand, load_paths

    if replace and not bulk:
        raise typer.BadParameter("--replace goes with --bulk", param_hint="--replace")
    enabled = len(expand(paths)) > 1
    tasks: dict[str, Any] = {}
    if bulk:
        _bulk_load(
            paths,
            as_json=as_json,
            replace=replace,
            accept_unverified=accept_unverified,
            enabled=enabled,
            strict=strict,
            no_backup=no_backup,
        )
        return
    with driver_session() as driver, _progress(enabled) as progress:

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done)

        report = load_paths(driver, paths, on_progress=on_progress, accept_unverified=accept_unverified, strict=strict)
    if as_json:
        print_json(report.as_dicts())
    else:
        for row in (r.as_dict() for r in report.loaded):
            problems = f", problems: {', '.join(row['problems'])}" if row["problems"] else ""
            out.print(
                f"{row['path']}: {row['status']} {row['plan_id']} ({row['projects']} projects, "
                f"{row['reading']}{problems})"
            )
        _print_refused(report.refused)
    _exit_for_refusals(len(report.refused), len({r.path for r in report.loaded}))


def _print_refused(refused: Sequence[Refused]) -> None:
    """Each refused document's error, in FUNDGRAPH_LANG."""
    lang = get_settings().message_language
    for document in refused:
        err.print(f"[red]refused[/] {document.text(lang)}", highlight=False, soft_wrap=True)


def _exit_for_refusals(refused: int, loaded: int) -> None:
    """Exit 6 when some documents were refused and others loaded, 2 when none could be loaded."""
    if refused:
        err.print(f"{refused} document(s) refused, {loaded} loaded; `fundgraph documents --refused` lists them")
        raise typer.Exit(6 if loaded else 2)


def _bulk_load(
    paths: list[Path],
    *,
    as_json: bool,
    replace: bool,
    accept_unverified: bool,
    enabled: bool,
    strict: bool,
    no_backup: bool,
) -> None:
    from fundgraph.backup import dated_folder
    from fundgraph.graph.store import connect
    from fundgraph.loading import bulk_load

    settings = get_settings()
    if not settings.is_local:
        raise FundgraphError(
            f"--bulk runs neo4j-admin on the local server's files, and NEO4J_URI ({settings.neo4j_uri}) is not "
            "on this machine: load transactionally (without --bulk)"
        )
    tasks: dict[str, Any] = {}
    with _progress(enabled) as progress:

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done)

        result = bulk_load(
            _local_server(),
            lambda _server: connect(settings),
            paths,
            replace=replace,
            accept_unverified=accept_unverified,
            on_progress=on_progress,
            database=settings.neo4j_database,
            strict=strict,
            backup_into=None if no_backup else dated_folder(settings),
        )
    if as_json:
        print_json(result.as_dict())
    else:
        seconds = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
        out.print(
            f"bulk: {result.plans} plans, {result.projects} projects; {result.nodes:,} nodes, "
            f"{result.relationships:,} relationships ({seconds})"
        )
        if result.backup:
            out.print(f"the store it replaced is backed up in {result.backup} (`fundgraph restore` brings it back)")
        for path in result.skipped:
            out.print(f"{path}: unchanged (the same plan, already in this load)")
        _print_refused(result.refused)
    _exit_for_refusals(len(result.refused), result.documents)


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled or not err.is_terminal,
    )
    with progress:
        yield progress


@app.command()
def documents(
    as_json: JsonFlag = False,
    refused: Annotated[bool, typer.Option("--refused", help="Only the documents that could not be read.")] = False,
    unverified: Annotated[
        bool, typer.Option("--unverified", help="Only those read whose money checks against nothing.")
    ] = False,
    problems: Annotated[bool, typer.Option("--problems", help="Only those read with problems.")] = False,
) -> None:
    """List the documents loads have seen, with their status: verified (the money reconciles with a stated total),
    unverified, problems, or refused (with the error)."""
    from fundgraph.queries import run_query

    chosen = [name for name, on in (("refused", refused), ("unverified", unverified), ("problems", problems)) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("give one of --refused, --unverified, --problems")
    with driver_session() as driver:
        result = run_query(driver, "documents", {"status": chosen[0] if chosen else None})
    rows = result.rows
    if result.truncated:
        err.print(f"[yellow]only the first {len(rows)} documents are listed[/]")
    for row in rows:
        row["problems"] = sorted({json.loads(p)["code"] for p in row.pop("problems") or []})
        row["refusal"] = json.loads(row["refusal"]) if row.get("refusal") else None
    if as_json:
        print_json(rows)
        return
    shown = [
        {
            "path": row["path"],
            "status": row["status"],
            "plans": len(row["plans"]),
            "problems": ", ".join(row["problems"]),
            "error": _said(row["refusal"], row["error"] or ""),
        }
        for row in rows
    ]
    print_rows(shown, ["path", "status", "plans", "problems", "error"])


@app.command()
def plans(as_json: JsonFlag = False) -> None:
    """List the loaded plans with their plan_id."""
    from fundgraph.graph.store import list_plans

    with driver_session() as driver:
        rows = list_plans(driver)
    print_json(rows) if as_json else print_rows(rows)


@app.command()
def synth(
    target: Annotated[Path, typer.Argument(metavar="OUT", help="A folder to write the plans into.")],
    projects: Annotated[int, typer.Option(help="How many projects in all.")] = 1000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same plans.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="txt (Word text export), csv or xlsx.")] = "txt",
) -> None:
    """Write synthetic plans with the shape of real ones (skewed money, shared platforms, aliases, 合计 rows)."""
    from fundgraph.synth import generate, render_csv, render_word_text, render_xlsx

    if fmt not in {"txt", "csv", "xlsx"}:
        raise typer.BadParameter("txt, csv or xlsx", param_hint="--format")
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for count, plan in enumerate(generate(projects, seed=seed), start=1):
        path = target / f"synth-{seed}-{count:06d}.{fmt}"
        if fmt == "xlsx":
            path.write_bytes(render_xlsx(plan))
        else:
            path.write_text(render_word_text(plan) if fmt == "txt" else render_csv(plan), encoding="utf-8")
    out.print(f"{count} plans with {projects} projects written to {target}")


@app.command()
def export(
    target: Annotated[Path, typer.Argument(metavar="OUT", help="The file to write (a folder for csv).")],
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, json (node-link) or csv.")] = "graphml",
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan and what its projects touch.")] = None,
    around: Annotated[str | None, typer.Option(help="Only the neighbourhood of this entity (name or key).")] = None,
    depth: Annotated[int, typer.Option(min=1, max=3, help="Steps around --around (1-3).")] = 1,
) -> None:
    """Export the graph (or a plan, or an entity's neighbourhood) for Gephi, yEd, networkx or spreadsheets."""
    from fundgraph import to_networkx
    from fundgraph.graph.nxsink import export as write

    if fmt not in {"graphml", "gexf", "json", "csv"}:
        raise typer.BadParameter("graphml, gexf, json or csv", param_hint="--format")
    with driver_session() as driver:
        graph = to_networkx(driver, plan_id=plan, around=around, depth=depth)
    written = write(graph, fmt, target)
    out.print(f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges written to {', '.join(written)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API (and /docs). With no key configured, a one-time auditor key is made and printed."""
    import uvicorn

    from fundgraph.api import create_app
    from fundgraph.api.auth import keys_from_environment, one_time_key
    from fundgraph.api.logging import serve_log_config

    keys = keys_from_environment()
    if not keys:
        key = one_time_key()
        keys = [key]
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        out.print("No FUNDGRAPH_API_KEYS configured: a one-time auditor key was made for this run.", highlight=False)
        # After '#': a fragment never reaches a server, so the key sits in no access log (the page takes it out).
        out.print(f"    http://{shown}:{port}/#key={key.key}", highlight=False, soft_wrap=True)
        out.print(
            f"    or send `Authorization: Bearer {key.key}`; API docs at http://{shown}:{port}/docs",
            highlight=False,
            soft_wrap=True,
        )
    # The API's own request log (path without query string, request id, key name) stands in for uvicorn's access log.
    uvicorn.run(
        create_app(keys), host=host, port=port, log_level="info", log_config=serve_log_config(), access_log=False
    )


@keys_app.command("new")
def keys_new(
    name: Annotated[str, typer.Argument(help="Who or what the key is for (no spaces, ':', ',' or '#').")],
    role: Annotated[str, typer.Option("--role", help="reader (lookups, analytics) or auditor (also ad-hoc Cypher).")],
) -> None:
    """Make a key (256 random bits), append name:role:key to FUNDGRAPH_API_KEYS_FILE and print it, once."""
    from fundgraph.api.auth import new_key

    key = new_key(name, role)
    err.print(
        f"A {key.role} key for {key.name!r} was added to {get_settings().api_keys_file}; it is shown once, here:",
        highlight=False,
        soft_wrap=True,
    )
    sys.stdout.write(key.key + "\n")


@app.command()
def versions(
    plan_id: Annotated[str, typer.Argument(help="A plan_id from `fundgraph plans`.")],
    as_json: JsonFlag = False,
) -> None:
    """List what changed between the loaded versions of a plan (projects added, removed, changed)."""
    from fundgraph.graph.store import plan_history

    with driver_session() as driver:
        history = plan_history(driver, plan_id)
    if as_json:
        print_json(history)
        return
    if not history:
        out.print(f"{plan_id} has been loaded in one version only")
    for entry in history:
        out.print(f"[bold]{entry['from']} -> {entry['to']}[/] (document {entry['doc_id'][:12]}...)")
        for row in entry["added"]:
            out.print(f"  + {row['seq']} {row['name']} {row['amount']}")
        for row in entry["removed"]:
            out.print(f"  - {row['seq']} {row['name']} {row['amount']}")
        for row in entry["changed"]:
            out.print(f"  ~ {row['seq']} {row['field']}: {row['old']} -> {row['new']}")


@app.command()
def findings(
    year: Annotated[int | None, typer.Option(help="Only plans of this year (the plan's year).")] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan_id.")] = None,
    as_json: JsonFlag = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule (repeat for more).")] = None,
    severity: Annotated[str | None, typer.Option(help="Only findings of this severity: high, medium or low.")] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds each rule's query may take (default 600).", callback=_positive)
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="The findings' language: en or zh (default: FUNDGRAPH_LANG, else en).")
    ] = None,
) -> None:
    """Run the red-flag rules: overlaps, duplicate services, cross-year work, reconciliation, money in text ..."""
    from fundgraph.audit.findings import FINDINGS_TIMEOUT_S, run_findings, select_rules
    from fundgraph.vocabularies import LANGUAGES

    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(f"unknown language {lang!r}; the languages are {', '.join(LANGUAGES)}")
    language = lang or get_settings().message_language
    select_rules(rule, severity)  # an unknown rule or severity is refused before connecting
    with driver_session() as driver:
        found = run_findings(
            driver,
            year=year,
            plan_id=plan,
            rules=rule,
            severity=severity,
            timeout=FINDINGS_TIMEOUT_S if timeout is None else timeout,
        )
        if html is not None:
            from fundgraph.audit.report import write_report

            write_report(driver, found, html, year=year, plan_id=plan, lang=language)
            err.print(f"report written to {html}")
    if as_json:
        print_json([f.as_dict() for f in found])
        return
    if html is not None:
        return
    colours = {"high": "bold red", "medium": "yellow", "low": "cyan"}
    for finding in found:
        out.print(
            f"[{colours[finding.severity]}]{finding.severity:<6}[/] {finding.rule:<24} {finding.sentence(language)}",
            highlight=False,
            soft_wrap=True,
        )
        for cell in finding.evidence[:4]:
            where = ", ".join(
                f"{k} {v}" for k, v in (("row", cell.row), ("column", cell.col), ("line", cell.line)) if v is not None
            )
            text = " ".join((cell.text or "").split())
            out.print(f"{'':32} {Path(cell.path or '?').name} {where}: {text[:90]}", style="dim", highlight=False)
    out.print(f"{len(found)} findings", style="dim")


@entities_app.command("review")
def entities_review(
    paths: Annotated[list[Path] | None, typer.Argument(help="Plans to review (default: data/plans).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List names the reference data does not resolve, with the entity each may be, a score and the reasons."""
    from fundgraph.config import project_root
    from fundgraph.loaders.entities.reference import load_reference
    from fundgraph.loaders.entities.review import candidates
    from fundgraph.loading import expand

    files = expand(paths or [project_root() / "data" / "plans"])
    found = candidates([plan for f in files for plan in parse_plans(f)], load_reference())
    rows = [c.as_dict() for c in found]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["reasons"] = "; ".join(row["reasons"])
        row["seen_in"] = ", ".join(row["seen_in"][:3]) + (" ..." if len(row["seen_in"]) > 3 else "")
    print_rows(rows, ["kind", "name", "into", "score", "reasons", "seen_in"])
    out.print(
        "Decide with `fundgraph entities decide merge NAME INTO` or `... decide apart NAME OTHER`; a platform found "
        "by its form: `... decide confirm NAME` or `... decide reject NAME`."
    )


@entities_app.command("decide")
def entities_decide(
    action: Annotated[
        str,
        typer.Argument(
            help="merge (NAME is OTHER), apart (they are different), or for a platform found by its form: "
            "confirm (it is a platform) or reject (it is not)."
        ),
    ],
    name: Annotated[str, typer.Argument(help="The name as written.")],
    other: Annotated[str, typer.Argument(help="The canonical name to merge into, or the one to keep apart from.")] = "",
    platform: Annotated[bool, typer.Option("--platform", help="The names are platforms, not organisations.")] = False,
) -> None:
    """Record a review decision (file: FUNDGRAPH_ENTITY_DECISIONS, default data/entity_decisions.yaml)."""
    from fundgraph.loaders.entities.review import record_decision

    if action not in {"merge", "apart", "confirm", "reject"}:
        raise typer.BadParameter("the action is merge, apart, confirm or reject", param_hint="ACTION")
    if action in {"merge", "apart"} and not other:
        raise typer.BadParameter(f"{action} needs the OTHER name", param_hint="OTHER")
    kind = "platforms" if platform or action in {"confirm", "reject"} else "organizations"
    path = record_decision(kind, action, name, other)
    out.print(f"recorded in {path}; reload the plans that name {name!r} to apply it")


@schema_app.command("apply")
def schema_apply() -> None:
    """Create the schema's constraints and indexes (idempotent), and bring a store written by an older fundgraph up
    to date (tallies, the Alias index; generic words such as 平台 taken out of platforms' names)."""
    from fundgraph.graph.store import apply_schema, drop_generic_aliases

    with driver_session() as driver:
        statements = apply_schema(driver)
        dropped = drop_generic_aliases(driver)
    out.print(f"{len(statements)} constraints and indexes in place")
    if dropped:
        out.print(f"generic words no longer kept as platform names: {', '.join(dropped)}")


@schema_app.command("show")
def schema_show() -> None:
    """Print the statements that the schema generates."""
    from fundgraph.graph.schema import load_schema

    for statement in load_schema().ddl():
        out.print(statement + ";", highlight=False, soft_wrap=True)


@app.command()
def queries(as_json: JsonFlag = False) -> None:
    """List the named queries with their parameters."""
    from fundgraph.queries import catalogue

    rows = [
        {
            "name": q.name,
            "description": q.description,
            "params": ", ".join(f"{p.name}: {p.type}" + ("" if p.required else f" = {p.default}") for p in q.params),
            "example": " ".join(f"{k}={v}" for k, v in q.example.items()),
        }
        for q in catalogue().values()
    ]
    print_json(rows) if as_json else print_rows(rows)


TimeoutOption = Annotated[float, typer.Option(help="Seconds before the query is cut off.", callback=_positive)]
LimitOption = Annotated[int, typer.Option(help="At most this many rows are fetched.")]


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A name from `fundgraph queries`.")],
    param: ParamOption = None,
    as_json: JsonFlag = False,
    timeout: TimeoutOption = LIMITS.timeout_s,
    limit: LimitOption = LIMITS.row_cap,
) -> None:
    """Run a named query from the catalogue."""
    from fundgraph.queries import get_query, run_query

    with driver_session() as driver:
        result = run_query(driver, name, parse_params(param), timeout=timeout, row_cap=limit)
    _show(result, as_json, title=get_query(name).description)


@app.command()
def cypher(
    statement: Annotated[str | None, typer.Argument(help="A read-only Cypher statement.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Run a .cypher file instead.")] = None,
    param: ParamOption = None,
    as_json: JsonFlag = False,
    timeout: TimeoutOption = LIMITS.timeout_s,
    limit: LimitOption = LIMITS.row_cap,
) -> None:
    """Run read-only Cypher (writes, LOAD CSV, PROFILE and unlisted procedures are refused)."""
    from fundgraph.graph.guard import run_guarded
    from fundgraph.queries import parse_query_text

    if (statement is None) == (file is None):
        raise typer.BadParameter("give either a statement or --file")
    given = parse_params(param)
    if file is not None:
        named = parse_query_text(file.read_text(encoding="utf-8"), file.stem)
        text = named.cypher
        params: dict[str, Any] = named.bind(given) if named.params else given
    else:
        text, params = str(statement), given
    with driver_session() as driver:
        byte_cap = get_settings().cypher_byte_cap
        result = run_guarded(driver, text, params, timeout=timeout, row_cap=limit, byte_cap=byte_cap)
    _show(result, as_json)


def _show(result: Any, as_json: bool, title: str | None = None) -> None:
    if as_json:
        print_json(result.rows)
    else:
        print_rows(result.rows, result.columns, title=title)
    if result.truncated:
        err.print(f"[yellow]only the first {len(result.rows)} rows are shown (--limit)[/]")


def _local_server() -> Any:
    from fundgraph.localserver import LocalServer

    settings = get_settings()
    return LocalServer(
        home=settings.neo4j_home,
        jars=settings.neo4j_jars,
        port=settings.bolt_port,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
        transaction_memory=settings.neo4j_transaction_memory,
    )


@neo4j_app.command("fetch")
def neo4j_fetch() -> None:
    """Fetch Neo4j Community and APOC from Maven Central into .neo4j/ (skipped when already there)."""
    from fundgraph.localserver import NEO4J_VERSION, fetch

    server = _local_server()
    with err.status(f"fetching Neo4j {NEO4J_VERSION} with Maven ..."):
        fetched = fetch(server.jar_dir)
    out.print(f"Neo4j {NEO4J_VERSION} {'fetched' if fetched else 'already fetched'} in {server.jar_dir}")


@app.command()
def backup(
    target: Annotated[Path, typer.Argument(help="A new folder for the backup.")],
    as_json: JsonFlag = False,
) -> None:
    """Back up the whole knowledge base of the local server: the store (the server is stopped for the dump), the
    entity decisions and the reading recipes, with a manifest of sha256s and counts."""
    from fundgraph.backup import backup as run_backup
    from fundgraph.graph.store import connect

    settings = get_settings()
    with err.status(f"backing up into {target} ..."):
        manifest = run_backup(_local_server(), lambda _server: connect(settings), target, settings)
    if as_json:
        print_json(manifest.as_dict())
        return
    size = sum(entry["bytes"] for entry in manifest.files.values())
    out.print(
        f"backed up the store ({sum(manifest.nodes.values()):,} labelled nodes, "
        f"{sum(manifest.relationships.values()):,} relationships) into {target} ({size / 2**20:.1f} MiB, "
        f"{len(manifest.files)} files)"
    )


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A folder `fundgraph backup` wrote.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace what the store holds (refused without it).")
    ] = False,
) -> None:
    """Restore a backup into the local server: every file checked against the manifest first, then the store
    loaded, the files put back, the schema applied and the counts compared."""
    from fundgraph.backup import restore as run_restore
    from fundgraph.graph.store import connect

    settings = get_settings()
    with err.status(f"restoring {source} ..."):
        manifest = run_restore(_local_server(), lambda _server: connect(settings), source, settings, replace=replace)
    out.print(
        f"restored {source}: {sum(manifest.relationships.values()):,} relationships, the counts as backed up "
        f"(fundgraph {manifest.fundgraph}, Neo4j {manifest.neo4j})"
    )


@neo4j_app.command("start")
def neo4j_start(timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt.")] = 180.0) -> None:
    """Start the local Neo4j (fetching it first if needed) and wait until Bolt answers."""
    from fundgraph.localserver import fetch

    settings = get_settings()
    if not settings.is_local:
        raise FundgraphError(f"NEO4J_URI ({settings.neo4j_uri}) is not on this machine; nothing to start")
    server = _local_server()
    with err.status("fetching Neo4j with Maven ..."):
        fetch(server.jar_dir)
    with err.status(f"starting Neo4j on {server.uri} ..."):
        started = server.start(timeout=timeout)
    out.print(f"Neo4j {'started' if started else 'already running'} at {server.uri} (pid {server.pid()})")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly."""
    server = _local_server()
    with err.status("stopping Neo4j ..."):
        stopped = server.stop()
    out.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Exit 0 when the configured Neo4j answers, 1 otherwise."""
    from fundgraph.graph.store import connect

    settings = get_settings()
    try:
        driver = connect(settings)
    except FundgraphError as exc:
        out.print(str(exc), highlight=False)
        raise typer.Exit(1) from None
    with driver:
        info = driver.get_server_info()
    pid = _local_server().pid() if settings.is_local else None
    where = f" (pid {pid}, data in {settings.neo4j_home / 'data'})" if pid else ""
    out.print(f"Neo4j {info.agent} is running at {settings.neo4j_uri}{where}", highlight=False)
