# Shared by scripts/*.sh: make sure .venv exists and holds this project with its dev extra.
# Re-installs only when pyproject.toml or spec/codegen-constraints.txt changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OPENAI_UPLOADS_VENV:-$ROOT/.venv}"
PYTHON_BIN="$(command -v python3.11 || command -v python3)"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PYTHON_BIN" -m venv "$VENV"
fi
stamp="$VENV/.openai-uploads-installed"
want="$(cat "$ROOT/pyproject.toml" "$ROOT/spec/codegen-constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing openai-uploads[dev] into $VENV (first run takes a minute)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  # The generator's lock file constrains the dev environment too, so that codegen.sh
  # can run from it (and generate byte-identical output) instead of a venv of its own.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$ROOT/spec/codegen-constraints.txt" -e "$ROOT[dev]"
  echo "$want" >"$stamp"
fi
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
