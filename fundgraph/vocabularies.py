"""Every vocabulary defined once (``vocabularies.yaml``): platform roles, severities, the kinds of node and the
findings' rules, each term with its ``zh`` and ``en`` labels. A foundation, so that the loaders, the graph, the
findings and the API read the same words.

>>> list(vocabulary("severities"))
['high', 'medium', 'low']
>>> label("roles", "maintains", "zh"), label("rules", "totals", "en")
('运维', 'totals disagree')
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from fundgraph.errors import SchemaError

Vocabularies = dict[str, dict[str, dict[str, Any]]]


@cache
def vocabularies() -> Vocabularies:
    """Every vocabulary by name, each term's spec in the file's order; SchemaError when a term lacks a label."""
    data: Vocabularies = yaml.safe_load(
        resources.files("fundgraph").joinpath("vocabularies.yaml").read_text(encoding="utf-8")
    )
    for name, terms in data.items():
        for term, spec in terms.items():
            if not isinstance(spec, dict) or not spec.get("zh") or not spec.get("en"):
                raise SchemaError(f"vocabulary {name}: {term} needs its zh and en labels")
    return data


def vocabulary(name: str) -> dict[str, dict[str, Any]]:
    """One vocabulary's terms in their order, each with its spec."""
    return vocabularies()[name]


def label(name: str, term: str, language: str) -> str:
    """A term's label in ``zh`` or ``en``; the term itself when the vocabulary does not have it."""
    spec = vocabulary(name).get(term)
    return str(spec[language]) if spec else term


def service_roles() -> tuple[str, ...]:
    """The roles that are work on a platform's running, compared across plans (duplicate_service, the tallies).

    >>> service_roles()
    ('builds', 'operates', 'maintains', 'secures', 'upgrades')
    """
    return tuple(name for name, spec in vocabulary("roles").items() if spec.get("service"))


def stated_roles() -> tuple[str, ...]:
    """The roles a reader can find in a project's text (every role but the mapping's own, ``implied`` ones).

    >>> stated_roles()
    ('builds', 'operates', 'maintains', 'secures', 'upgrades', 'integrates', 'hosted_on')
    """
    return tuple(name for name, spec in vocabulary("roles").items() if not spec.get("implied"))


def hosting_role() -> str:
    """The role of a project that runs on a platform rather than working on it: never counted as the platform's.

    >>> hosting_role()
    'hosted_on'
    """
    return next(name for name, spec in vocabulary("roles").items() if spec.get("hosting"))


LANGUAGES = ("en", "zh")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_LIST_SEPARATOR = {"en": ", ", "zh": "、"}


def placeholders(template: str) -> list[str]:
    """The arguments a message template names.

    >>> placeholders("序号 {seq}: {applicant} applies")
    ['seq', 'applicant']
    """
    return _PLACEHOLDER.findall(template)


def render(code: str, args: dict[str, Any], lang: str = "en") -> str:
    """A message (``messages`` in vocabularies.yaml) in ``en`` or ``zh``: each ``{name}`` is its argument, a list
    joined (a list of messages one after another), a ``{code, args}`` mapping rendered as a message of its own, a
    ``{vocabulary, term}`` mapping the term's label;
    SchemaError for an unknown code or language, or an argument the template names and ``args`` lacks.

    >>> render("pass_through", {"seq": "3", "applicant": "甲", "implementer": "乙"}, "en")
    '序号 3: 甲 applies, 乙 carries it out'
    >>> render("pass_through", {"seq": "3", "applicant": "甲", "implementer": "乙"}, "zh")
    '序号 3：由甲申报，乙实施'
    >>> render("in_year", {"year": 2024}, "zh"), render("projects_listed", {"seqs": ["6", "7"]}, "zh")
    ('在2024年', '序号6、7的项目')
    """
    if lang not in LANGUAGES:
        raise SchemaError(f"unknown language {lang!r}; the languages are {', '.join(LANGUAGES)}")
    spec = vocabulary("messages").get(code)
    if spec is None:
        raise SchemaError(f"no message {code!r} in vocabularies.yaml")

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in args:
            raise SchemaError(f"message {code}: no argument {name}")
        return _shown(args[name], lang)

    return _PLACEHOLDER.sub(value, str(spec[lang]))


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, dict) and "code" in value:
        return render(str(value["code"]), dict(value.get("args") or {}), lang)
    if isinstance(value, dict) and "term" in value:  # a vocabulary's term, by its label
        return label(str(value["vocabulary"]), str(value["term"]), lang)
    if isinstance(value, list | tuple):
        if all(isinstance(v, dict) and "code" in v for v in value):  # messages, one after another
            return "".join(_shown(v, lang) for v in value)
        return _LIST_SEPARATOR[lang].join(_shown(v, lang) for v in value)
    return "" if value is None else str(value)
