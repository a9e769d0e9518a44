"""Extraction gives the same graph elements in every process: nothing may hang on the order of a set of strings,
which Python salts per process (PYTHONHASHSEED). Two 1M bulk loads of one corpus once disagreed on 24 findings
because a plan naming 吉林省社会信用管理系统 and 吉林市社会信用管理系统 merged them into whichever a set gave first."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from fundgraph.graph.elements import plan_elements
from fundgraph.loaders import parse_bytes
from fundgraph.synth import generate, render_word_text

ROOT = Path(__file__).resolve().parent.parent.parent

# Printed by a child process: every node and edge of the corpus notices and some generated plans, one JSON line
# each, without the load timestamp.
DUMP = """
import json, sys
from pathlib import Path
from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes, parse_plans
from fundgraph.graph.elements import plan_elements
from fundgraph.synth import generate, render_word_text

plans = []
for f in sorted(Path(sys.argv[1]).glob("*.txt")):
    try:
        plans += parse_plans(f)
    except ParseError:  # a notice refused as it should be: nothing to extract
        pass
plans += [parse_bytes(render_word_text(s).encode(), f"synth-{i}.txt") for i, s in enumerate(generate(3000, seed=9))]
plans += [parse_bytes(sys.argv[2].encode(), "jilin.txt")]
for plan in plans:
    elements = plan_elements(plan)
    for n in elements.nodes:
        props = {k: v for k, v in n.props.items() if k != "loaded_at"}
        print(json.dumps(["N", n.label, n.key, props], ensure_ascii=False, sort_keys=True, default=str))
    for e in elements.edges:
        print(json.dumps(["E", e.type, e.start, e.end, e.props], ensure_ascii=False, sort_keys=True, default=str))
"""


def _jilin() -> str:
    """A plan of 吉林省 whose first two projects build the province's and the city of 吉林's own systems."""
    plan = next(iter(generate(40, seed=3)))
    rows = list(plan.rows)
    for i, place in enumerate(("吉林省", "吉林市")):
        platform = f"{place}社会信用管理系统"
        rows[i] = dataclasses.replace(
            rows[i], name=f"{platform}建设（2025年）项目", summary=f"本项目建设{platform}，服务实体经济发展。"
        )
    return render_word_text(dataclasses.replace(plan, province="吉林省", rows=rows))


def test_a_province_and_its_namesake_city_keep_their_own_platforms() -> None:
    elements = plan_elements(parse_bytes(_jilin().encode(), "jilin.txt"))
    concerns = {
        (e.start.rsplit("/", 1)[1], e.end)
        for e in elements.edges
        if e.type == "CONCERNS" and "社会信用管理系统" in e.end
    }
    assert concerns == {("1", "platform:吉林省社会信用管理系统"), ("2", "platform:吉林市社会信用管理系统")}


def test_extraction_does_not_depend_on_string_hashing() -> None:
    corpus = ROOT / "tests" / "fixtures" / "corpus"
    outputs = []
    for seed in ("1", "4"):
        run = subprocess.run(
            [sys.executable, "-c", DUMP, str(corpus), _jilin()],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(run.stdout)
    assert outputs[0].count("\n") > 50_000  # the corpus and the generated plans were read
    assert outputs[0] == outputs[1], next(
        (a, b) for a, b in zip(outputs[0].splitlines(), outputs[1].splitlines(), strict=False) if a != b
    )
    json.loads(outputs[0].splitlines()[0])  # lines of JSON, as printed
