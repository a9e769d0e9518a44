"""The parsed plan: typed records with exact money and provenance, and the problems found while reading them."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from fundgraph.loaders.notice import Notice
from fundgraph.money import format_wan, normalize
from fundgraph.vocabularies import render


@dataclass(frozen=True)
class Source:
    """Where a value came from: the document's content hash and its table, row, column and text line."""

    doc_id: str
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        # Page, box and confidence only where the format has them (PDF, images), so text provenance reads as before.
        out = asdict(self)
        for name in ("page", "box", "confidence"):
            if out[name] is None:
                del out[name]
        if "box" in out:
            out["box"] = list(out["box"])
        return out


@dataclass(frozen=True)
class Problem:
    """Something an auditor must see that does not stop the plan loading (a total that disagrees, ...)."""

    code: str
    message: str  # in English; with ``args``, the message ``template`` (vocabularies.yaml) renders it in zh or en
    where: Source
    args: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    template: str = ""

    @classmethod
    def of(cls, code: str, where: Source, *, template: str = "", **args: Any) -> Problem:
        """A problem whose message is data: the template ``problem_<code>`` (or ``template``) and its args (JSON:
        money as decimal strings)."""
        template = template or f"problem_{code}"
        return cls(code, render(template, args, "en"), where, args, template)

    def as_dict(self) -> dict[str, Any]:
        shown = {"code": self.code, "message": self.message, "where": self.where.as_dict()}
        if self.template:
            shown |= {"template": self.template, "args": self.args}
        return shown

    def text(self, lang: str = "en") -> str:
        """The message in ``en`` or ``zh`` (English where it has no template)."""
        return render(self.template, self.args, lang) if self.template else self.message


@dataclass(frozen=True)
class Target:
    """One measure of a numbered performance target (``item``); ranges set ``value`` to ``value_max``."""

    text: str
    metric: str | None = None
    comparator: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    value_max: Decimal | None = None
    comparator_text: str | None = None
    item: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "metric": self.metric,
            "comparator": self.comparator,
            "value": None if self.value is None else format_wan(self.value),
            "unit": self.unit,
            "value_max": None if self.value_max is None else format_wan(self.value_max),
            "comparator_text": self.comparator_text,
            "item": self.item,
        }


@dataclass(frozen=True)
class Project:
    """One funded row of a plan; ``amount`` is exact, in 万元, and None where the row's amount cell is blank (missing,
    not zero: the plan carries an ``amount_missing`` problem for it)."""

    seq: str
    name: str
    applicant: str | None
    implementer: str | None
    amount: Decimal | None
    amount_text: str
    approval: str | None
    summary: str | None
    targets_text: str | None
    targets: tuple[Target, ...]
    source: Source
    cells: dict[str, Source] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    place: str | None = None  # a recipient table's place column (乡镇, 县区) when the row is named by something else

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "name": self.name,
            "applicant": self.applicant,
            "implementer": self.implementer,
            "amount": None if self.amount is None else format_wan(self.amount),
            "amount_text": self.amount_text,
            "approval": self.approval,
            "summary": self.summary,
            "targets": [t.as_dict() for t in self.targets],
            "source": self.source.as_dict(),
            "cells": {name: src.as_dict() for name, src in self.cells.items()},
            "extra": dict(self.extra),
            "place": self.place,
        }

    def fingerprint_fields(self) -> list[str | None]:
        return [
            self.seq,
            self.name,
            self.applicant,
            self.implementer,
            None if self.amount is None else format_wan(self.amount),
            self.approval,
            # Line breaks inside a cell are layout (a PDF wraps where Word did not), not content.
            _squash(self.summary),
            _squash(self.targets_text),
        ]


@dataclass(frozen=True)
class Plan:
    """A fund-allocation plan as its document states it."""

    doc_id: str
    path: str
    format: str
    title: str | None
    attachment: str | None
    year: int | None
    fund: str | None
    programme: str | None
    region: str | None
    unit: str
    stated_total: Decimal | None
    stated_total_source: Source | None
    stated_total_text: str | None
    notes: tuple[str, ...]
    projects: tuple[Project, ...]
    problems: tuple[Problem, ...]
    currency: str = "CNY"  # ISO 4217; amounts are in 万 of this currency (新台币千元 tables are TWD)
    table: int | None = None  # the table's index in a document that holds several, else None
    # How the reader and the plan decided (which column is the amount and why), for `parse --explain`.
    decisions: tuple[str, ...] = field(default=(), compare=False)
    amount_column: int | None = field(default=None, compare=False)
    # "machine", or "recipe" when a person's reading recipe chose the table and columns (fundgraph.loaders.recipes).
    read_by: str = field(default="machine", compare=False)
    # The document's own 文号, date, issuers and citations (fundgraph.loaders.notice), the same for each of its plans.
    notice: Notice | None = field(default=None, compare=False)

    @property
    def status(self) -> str:
        """``verified`` when the rows add up to a total the document states and nothing is wrong; ``unverified``
        when the money checks against nothing (no stated total, a unit or column assumed); ``problems`` otherwise.

        A refused document has no plan: its status, ``refused``, is the loader's (fundgraph.loading)."""
        codes = {p.code for p in self.problems}
        if codes - UNVERIFIED_CODES:
            return "problems"
        if codes or self.stated_total is None or self.stated_total != self.computed_total:
            return "unverified"
        return "verified"

    @property
    def computed_total(self) -> Decimal:
        return normalize(sum((p.amount for p in self.projects if p.amount is not None), Decimal(0)))

    @property
    def missing_amounts(self) -> int:
        """Rows kept with no amount (a blank cell, a dump's row that adds up to nothing)."""
        return sum(1 for p in self.projects if p.amount is None)

    @property
    def read_confidence(self) -> float | None:
        """How surely the cells were read: the mean OCR confidence of the cells of a scan, None for text."""
        scores = [c.confidence for p in self.projects for c in p.cells.values() if c.confidence is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    @property
    def plan_id(self) -> str:
        """Known by what the plan says it is (fund, programme, year, attachment, title), not by its bytes; a plan that
        says none of these is known by its rows and total (its version), so that it is the same plan in any format
        or encoding."""
        identity: list[object] = [self.fund, self.programme, self.year, self.attachment, _title_key(self.title)]
        if self.table is not None:
            identity.append(self.table)
        if not any(identity):
            identity = ["rows", self.version]
        digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()[:12]
        return f"plan-{self.year or 'na'}-{digest}"

    @property
    def version(self) -> str:
        """A hash of the rows and the stated total: equal for the same plan in any format, new when rows change."""
        rows = [p.fingerprint_fields() for p in self.projects]
        total = None if self.stated_total is None else format_wan(self.stated_total)
        payload = json.dumps([rows, total], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "plan_id": self.plan_id,
            "version": self.version,
            "read_confidence": self.read_confidence,
            "path": self.path,
            "format": self.format,
            "title": self.title,
            "attachment": self.attachment,
            "year": self.year,
            "fund": self.fund,
            "programme": self.programme,
            "region": self.region,
            "unit": self.unit,
            "currency": self.currency,
            "table": self.table,
            "stated_total": None if self.stated_total is None else format_wan(self.stated_total),
            "computed_total": format_wan(self.computed_total),
            "notes": list(self.notes),
            "projects": [p.as_dict() for p in self.projects],
            "problems": [p.as_dict() for p in self.problems],
            "status": self.status,
            "read_by": self.read_by,
            "notice": self.notice.as_dict() if self.notice is not None else None,
        }


# Problems that say only that the money could not be checked (nothing is known to be wrong): such a plan is
# ``unverified``; any other problem (a total that disagrees, a cut text, a missing amount) makes it ``problems``.
UNVERIFIED_CODES = frozenset(
    {"no_stated_total", "amount_column_unverified", "total_unverified", "ocr_unverified", "unit_assumed"}
)
# Document statuses from best to worst; a document's is its worst plan's.
STATUSES = ("verified", "unverified", "problems", "refused")


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of several statuses.

    >>> worst_status(["verified", "problems", "unverified"])
    'problems'
    """
    return max(statuses, key=STATUSES.index, default="verified")


_BRACKETS = str.maketrans({**dict.fromkeys("（〈〔【［「『", "("), **dict.fromkeys("）〉〕】］」』", ")")})


def _title_key(title: str | None) -> str | None:
    """A title as identity: width, spacing and the kind of bracket don't make another plan (a scan reads （ as 〈
    or (, a web page as either).

    >>> _title_key("2024年 促进（重点）方案") == _title_key("2024年促进〈重点)方案")
    True
    """
    if title is None:
        return None
    return "".join(unicodedata.normalize("NFKC", title).translate(_BRACKETS).split())


def _squash(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())
