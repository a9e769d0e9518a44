"""Every vocabulary defined once (``vocabularies.yaml``): platform roles, severities, the kinds of node and the
findings' rules, each term with its ``zh`` and ``en`` labels. A foundation, so that the loaders, the graph, the
findings and the API read the same words.

>>> list(vocabulary("severities"))
['high', 'medium', 'low']
>>> label("roles", "maintains", "zh"), label("rules", "totals", "en")
('运维', 'totals disagree')
"""

from __future__ import annotations

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
