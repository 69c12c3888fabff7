"""``files.list`` sends its parameters as openai-python's does, whatever their values.

Both clients over one mock handler (see ``conftest``). The range of ``limit`` is the
server's to judge (the emulator answers 400 outside 1..10,000): neither client checks it,
and the spec states no bounds for a mock serving it to enforce.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from .conftest import Reply, Side, Wire, run

PAGE = {"object": "list", "data": [], "has_more": False}
SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


@pytest.mark.parametrize("limit", [0, 1, 20_000])
def test_files_list_sends_every_parameter_as_openai_python(side: Side, limit: int) -> None:
    theirs, ours, their_wire, our_wire = side.pair(Wire(lambda sent: Reply(json=PAGE)))
    params = {"after": "file-x", "limit": limit, "order": "asc", "purpose": "batch"}
    run(theirs.files.list(**params))
    run(ours.files.list(**params))
    sent = [httpx.URL(wire.sent[0].url) for wire in (their_wire, our_wire)]
    assert sorted(sent[1].params.multi_items()) == sorted(sent[0].params.multi_items())
    assert sent[1].path == sent[0].path


def test_the_spec_leaves_the_range_of_limit_to_the_server() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    parameters = spec["paths"]["/files"]["get"]["parameters"]
    (limit,) = [p for p in parameters if p["name"] == "limit"]
    assert limit["schema"] == {"type": "integer"}
