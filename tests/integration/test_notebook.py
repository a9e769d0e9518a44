"""notebooks/explore.ipynb runs top to bottom, headless, with and without a server."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _run(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Any:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    return notebook


def _text(notebook: Any) -> str:
    return "\n".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_the_notebook_runs_with_the_server(
    monkeypatch: pytest.MonkeyPatch, driver: Any, cli_env: dict[str, str]
) -> None:
    notebook = _run(monkeypatch, cli_env)
    text = _text(notebook)
    assert "11 projects, 3901 万元" in text and "project-platform roles drawn" in text
    assert "around the SME financing platform" in text and "['created']" in text
    pictures = [o for cell in notebook.cells for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert pictures, "the platform-project graph was not drawn"


def test_the_notebook_runs_without_a_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from fundgraph.localserver import free_port

    notebook = _run(
        monkeypatch, {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "FUNDGRAPH_NEO4J_HOME": str(tmp_path)}
    )
    assert "no server" in _text(notebook)
