# Shared by scripts/_env.sh and .ci/run: find a working interpreter for a Python version.
#
#   find_python 3.13   prints the path of a python3.13 that runs, or returns 1
#
# Looks on PATH first, then under pyenv ($PYENV_ROOT, `pyenv root`, ~/.pyenv) for the
# newest installed 3.13.x. Every candidate is run once: a pyenv shim for a version that is
# installed but not selected is on PATH yet fails when started, and is passed over.

find_python() {
  local want="$1" candidate root
  local -a candidates=()
  if candidate="$(command -v "python$want" 2>/dev/null)"; then
    candidates+=("$candidate")
  fi
  for root in "${PYENV_ROOT:-}" "$(pyenv root 2>/dev/null || true)" "$HOME/.pyenv"; do
    [ -n "$root" ] && [ -d "$root/versions" ] || continue
    while IFS= read -r candidate; do
      candidates+=("$candidate")
    done < <(printf '%s\n' "$root/versions/$want"*/bin/"python$want" | sort -rV)
  done
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate" ] || continue
    if "$candidate" -c "import sys; sys.exit('%d.%d' % sys.version_info[:2] != '$want')" \
      >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# python_version PYTHON: prints MAJOR.MINOR of that interpreter.
python_version() {
  "$1" -c "import sys; print('%d.%d' % sys.version_info[:2])"
}
