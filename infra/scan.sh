#!/usr/bin/env bash
# Static security scan of every Terraform module under infra/ with checkov.
#
# checkov pins an old `packaging` that breaks pytest, so it lives in its own virtual environment
# (.venv-checkov at the project root, git-ignored by `.venv-*/`), created here on first use.
# Usage: bash infra/scan.sh            (the Makefile's `make infra-scan` runs exactly this)
#        bash infra/scan.sh --install-only   (only create .venv-checkov; `make test` does this first)
# Every skipped check carries its reason next to the resource: `#checkov:skip=CKV_...:reason`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${CHECKOV_VENV:-.venv-checkov}"
PYTHON="${PYTHON:-python3}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
if [ ! -x "$VENV/bin/checkov" ]; then
  echo "scan: installing checkov $CHECKOV_VERSION into $VENV (once; it stays out of .venv)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
if [ "${1:-}" = "--install-only" ]; then exit 0; fi
echo "scan: $("$VENV/bin/checkov" --version 2>/dev/null | tail -1) on infra/"
# --framework terraform: the modules (HCL); cloud-init and the price sheet are not Terraform.
exec "$VENV/bin/checkov" --directory infra --framework terraform --compact --quiet \
  --skip-download "$@"
