#!/usr/bin/env bash
# nbdev's own CI check: exporting the notebooks and cleaning them must change nothing.
# Compares the working tree before and after, so uncommitted work elsewhere does not trip it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "sync-check: not a git checkout; skipping the nbdev sync check"; exit 0
fi
if [ ! -x .venv/bin/nbdev-export ]; then
  echo "sync-check: .venv is missing (no .venv/bin/nbdev-export)."
  echo "  fix: run 'make setup' (or 'make test', which sets up first)"; exit 1
fi
snapshot() { { git diff HEAD -- nbs mlopslab; git ls-files --others --exclude-standard -- nbs mlopslab | xargs -r md5sum; } | md5sum; }
before=$(snapshot)
.venv/bin/nbdev-export
.venv/bin/nbdev-clean
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "sync-check FAILED: nbdev-export or nbdev-clean changed files under nbs/ or mlopslab/."
  echo "  cause: the package was edited by hand, or a notebook was changed without exporting/cleaning it."
  echo "  fix:   run '.venv/bin/nbdev-export && .venv/bin/nbdev-clean', review 'git diff', commit."
  git status --short -- nbs mlopslab
  exit 1
fi
echo "sync-check: nbdev-export and nbdev-clean leave the tree unchanged"
