# Shared by scripts/*.sh: make sure .venv exists and holds this project with its `all` extra
# and its `dev` dependency group ([dependency-groups] in pyproject.toml, PEP 735).
# Re-installs only when pyproject.toml or spec/codegen-constraints.txt changed since the last install.
#
#   OPENAI_UPLOADS_PYTHON  the interpreter to build the venv from: a path, or a version such
#                          as 3.13 (found on PATH or under pyenv); default 3.11, else python3
#   OPENAI_UPLOADS_VENV    where the venv lives; default .venv
# A venv built from another Python version than the one asked for is built anew.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OPENAI_UPLOADS_VENV:-$ROOT/.venv}"
source "$ROOT/scripts/_python.sh"
case "${OPENAI_UPLOADS_PYTHON:-}" in
  "") PYTHON_BIN="$(find_python 3.11 || command -v python3)" ;;
  [0-9]*)
    if ! PYTHON_BIN="$(find_python "$OPENAI_UPLOADS_PYTHON")"; then
      echo "setup: Python $OPENAI_UPLOADS_PYTHON not found (looked on PATH and under pyenv)" >&2
      exit 1
    fi
    ;;
  *) PYTHON_BIN="$OPENAI_UPLOADS_PYTHON" ;;
esac

if [ -x "$VENV/bin/python" ] && [ -n "${OPENAI_UPLOADS_PYTHON:-}" ] &&
  [ "$(python_version "$VENV/bin/python")" != "$(python_version "$PYTHON_BIN")" ]; then
  echo "setup: $VENV holds Python $(python_version "$VENV/bin/python"), not $(python_version "$PYTHON_BIN"): building it anew" >&2
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PYTHON_BIN" -m venv "$VENV"
fi
stamp="$VENV/.openai-uploads-installed"
want="$(cat "$ROOT/pyproject.toml" "$ROOT/spec/codegen-constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing openai-uploads[all] and the dev group into $VENV (first run takes a minute)" >&2
  # `--group` needs pip 25.1 or newer: the venv's own pip is upgraded first when older.
  if ! "$VENV/bin/python" - <<'PY'
import sys
from importlib.metadata import version
sys.exit(tuple(int(p) for p in version("pip").split(".")[:2]) < (25, 1))
PY
  then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
  fi
  # The generator's lock file constrains the dev environment too, so that codegen.sh
  # can run from it (and generate byte-identical output) instead of a venv of its own.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$ROOT/spec/codegen-constraints.txt" -e "$ROOT[all]" --group "$ROOT/pyproject.toml:dev"
  echo "$want" >"$stamp"
fi
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
