#!/usr/bin/env python3
"""Re-extract the reference contract excerpt from a full official OpenAI OpenAPI document.

    python scripts/extract_reference.py path/to/openapi.yaml --out EXCERPT.yaml \\
        [--source "commit ..."]

``path/to/openapi.yaml`` is OpenAI's whole spec (the openai-openapi repository's
``openapi.yaml``). The excerpt is not kept in this repository: point the contract tests
at it with ``OPENAI_UPLOADS_REFERENCE=EXCERPT.yaml`` (by default they read
``../shared/reference/openai-uploads-spec-excerpt.yaml`` beside the checkout).

The excerpt keeps what tests/spec/test_contract_with_reference.py compares: the path
items of the Uploads operations, every component schema they reference (transitively),
``Error`` / ``ErrorResponse`` (the error shape), ``CreateFileRequest`` (for the purpose
list), the ``TooManyRequests`` response and the security schemes. Values are copied as
they are; only the selection and the header comment are the script's.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

import yaml

OPERATIONS = ("createUpload", "addUploadPart", "completeUpload", "cancelUpload")
EXTRA_SCHEMAS = ("Error", "ErrorResponse", "CreateFileRequest")
EXTRA_RESPONSES = ("TooManyRequests",)


def refs_in(node: Any) -> set[str]:
    """Every local ``$ref`` target below ``node``."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            found.add(ref)
        for value in node.values():
            found |= refs_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs_in(value)
    return found


def lookup(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(full: dict[str, Any]) -> dict[str, Any]:
    """The excerpt of ``full`` (a parsed OpenAPI document)."""
    paths: dict[str, Any] = {}
    for path, item in full["paths"].items():
        ids = {op.get("operationId") for op in item.values() if isinstance(op, dict)}
        if ids & set(OPERATIONS):
            paths[path] = item
    missing = set(OPERATIONS) - {
        op.get("operationId")
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict)
    }
    if missing:
        raise SystemExit(f"the document has no operation {sorted(missing)}")
    components = full.get("components", {})
    schemas: dict[str, Any] = {}
    responses: dict[str, Any] = {
        name: components["responses"][name]
        for name in EXTRA_RESPONSES
        if name in components.get("responses", {})
    }
    pending = refs_in(paths) | refs_in(responses)
    pending |= {f"#/components/schemas/{name}" for name in EXTRA_SCHEMAS}
    done: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in done:
            continue
        done.add(ref)
        _, kind, name = ref[2:].split("/", 2)
        target = lookup(full, ref)
        if kind == "schemas":
            schemas[name] = target
        elif kind == "responses":
            responses[name] = target
        pending |= refs_in(target)
    excerpt: dict[str, Any] = {"paths": paths, "components": {"schemas": schemas}}
    if responses:
        excerpt["components"]["responses"] = responses
    if "securitySchemes" in components:
        excerpt["components"]["securitySchemes"] = components["securitySchemes"]
    return excerpt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("full_spec", type=Path, help="OpenAI's whole openapi.yaml")
    parser.add_argument("--out", type=Path, required=True, help="where to write the excerpt")
    parser.add_argument(
        "--source", default="", help='where the document came from, e.g. "commit <sha>"'
    )
    args = parser.parse_args(argv)
    raw = args.full_spec.read_bytes()
    full = yaml.safe_load(raw)
    excerpt = extract(full)
    version = full.get("info", {}).get("version", "?")
    header = [
        "# Excerpt of OpenAI's OpenAPI document, written by scripts/extract_reference.py.",
        f"# Source: {args.source or args.full_spec.name} (info.version {version}, "
        f"sha256 {hashlib.sha256(raw).hexdigest()[:16]}).",
        "# Only the Uploads paths and the component schemas they reference (plus "
        + ", ".join(EXTRA_SCHEMAS)
        + ").",
    ]
    body = yaml.safe_dump(excerpt, sort_keys=False, allow_unicode=True, width=100)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    print(
        f"wrote {args.out} ({len(excerpt['paths'])} paths, "
        f"{len(excerpt['components']['schemas'])} schemas)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
