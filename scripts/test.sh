#!/usr/bin/env bash
# Run the whole test suite: sets up .venv on first use, then runs pytest.
# Extra arguments go to pytest, e.g. ./scripts/test.sh tests/client -k retry
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec python -m pytest "$@"
