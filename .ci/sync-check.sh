#!/usr/bin/env bash
# nbdev's own CI check: exporting the notebooks and cleaning them must change nothing; and the student
# releases in labs/ must be what `mlopslab release --all` makes of the instructor notebooks today.
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
snapshot() { { git diff HEAD -- nbs mlopslab labs; git ls-files --others --exclude-standard -- nbs mlopslab labs | xargs -r md5sum; } | md5sum; }
before=$(snapshot)
.venv/bin/nbdev-export
.venv/bin/nbdev-clean
.venv/bin/mlopslab release --all >/dev/null
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "sync-check FAILED: nbdev-export, nbdev-clean or 'mlopslab release --all' changed files under nbs/, mlopslab/ or labs/."
  echo "  cause: the package or a release was edited by hand, or a notebook was changed without exporting/cleaning/releasing it."
  echo "  fix:   run '.venv/bin/nbdev-export && .venv/bin/nbdev-clean && .venv/bin/mlopslab release --all', review 'git diff', commit."
  git status --short -- nbs mlopslab labs
  exit 1
fi
echo "sync-check: nbdev-export, nbdev-clean and mlopslab release --all leave the tree unchanged"
