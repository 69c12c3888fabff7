#!/usr/bin/env bash
# Regenerate generated/openai_uploads_client from spec/openapi.yaml.
#
#   ./codegen.sh          regenerate in place
#   ./codegen.sh --check  regenerate into a temporary folder and fail, naming the files,
#                         when generated/ differs (stale or edited by hand)
#
# The generator, its formatter and their whole dependency tree are locked in
# spec/codegen-constraints.txt so that the output is reproducible. They are installed into
# .codegen-venv/ (or the active environment is used, when it has exactly those versions)
# the first time this runs on a machine. After openapi-python-client, spec/sdk_codegen.py
# writes openai_uploads_client/sdk.py from the spec and spec/client.yaml.
set -euo pipefail

GENERATOR_VERSION="0.29.1"
RUFF_VERSION="0.17.5"
PACKAGE="openai_uploads_client"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) echo "usage: ./codegen.sh [--check]" >&2; exit 2 ;;
esac

LOCK="spec/codegen-constraints.txt"

have_pinned_tools() {
  # Every line of the lock file is installed in this environment, at exactly that version.
  local bin="$1"
  [ -x "$bin/openapi-python-client" ] && [ -x "$bin/ruff" ] || return 1
  [ "$("$bin/ruff" --version 2>/dev/null)" = "ruff $RUFF_VERSION" ] || return 1
  "$bin/python" - "$root/$LOCK" <<'PY' 2>/dev/null
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, pinned = line.split("==")
    try:
        if version(name) != pinned:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

tools=""
if [ -n "${VIRTUAL_ENV:-}" ] && have_pinned_tools "$VIRTUAL_ENV/bin"; then
  tools="$VIRTUAL_ENV/bin"
elif have_pinned_tools "$root/.venv/bin"; then
  tools="$root/.venv/bin"
else
  tools="$root/.codegen-venv/bin"
  if ! have_pinned_tools "$tools"; then
    echo "codegen: installing $LOCK (openapi-python-client==$GENERATOR_VERSION, ruff==$RUFF_VERSION) into .codegen-venv/" >&2
    python3 -m venv "$root/.codegen-venv"
    "$tools/python" -m pip install --quiet --disable-pip-version-check -r "$root/$LOCK"
  fi
fi

generate_into() {
  # $1: a folder that must not exist yet; the package is written into it.
  # The post-hooks call `ruff`: put the pinned one first on PATH.
  PATH="$tools:$PATH" "$tools/openapi-python-client" generate \
    --path spec/openapi.yaml \
    --config spec/config.yaml \
    --meta none \
    --output-path "$1" \
    --fail-on-warning >/dev/null
  # PEP 561 marker: the generated package ships its type hints.
  : >"$1/py.typed"
  # What the hand-written client derives from the spec (request keyword arguments, the
  # operation table, the public response types), formatted by the same pinned ruff.
  "$tools/python" spec/sdk_codegen.py spec/openapi.yaml spec/client.yaml "$1"
  PATH="$tools:$PATH" ruff check --isolated --no-cache --fix-only --extend-select=I --quiet "$1/sdk.py"
  PATH="$tools:$PATH" ruff format --isolated --no-cache --quiet "$1/sdk.py"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
generate_into "$tmp/$PACKAGE"

if [ "$mode" = "check" ]; then
  if ! diff -r -q -x __pycache__ -x "*.pyc" "$tmp/$PACKAGE" "generated/$PACKAGE" >"$tmp/diff.txt" 2>&1; then
    echo "codegen: generated/$PACKAGE does not match spec/ (stale or edited by hand):" >&2
    sed -e "s#$tmp/$PACKAGE#<fresh>#g" "$tmp/diff.txt" >&2
    echo "codegen: run ./codegen.sh and commit the result." >&2
    exit 1
  fi
  echo "codegen: generated/$PACKAGE is up to date."
  exit 0
fi

mkdir -p generated
rm -rf "generated/$PACKAGE"
cp -R "$tmp/$PACKAGE" "generated/$PACKAGE"
echo "codegen: wrote generated/$PACKAGE"
