#!/usr/bin/env bash
# Build the documentation site (mkdocs.yml, docs/) into build/site/, failing on any warning:
#   ./scripts/docs.sh            mkdocs build --strict
#   ./scripts/docs.sh serve      a live preview (further arguments go to mkdocs serve)
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
export NO_MKDOCS_2_WARNING=1 # the theme's notice about its successor, printed on every build
if [ "${1:-}" = serve ]; then
  shift
  exec mkdocs serve "$@"
fi
exec mkdocs build --strict "$@"
