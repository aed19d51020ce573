#!/usr/bin/env bash
# Install the Debian packages in .ci/debian-packages.txt when this machine can (root with apt-get); otherwise
# say in one line why not and carry on: the tests that need them skip with that reason.
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(grep -v '^\s*#' .ci/debian-packages.txt | grep -v '^\s*$')
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system packages: not root or no apt-get, skipping ${missing[*]} (tests that need them will skip)"; exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/tmp/mlopslab-apt.log 2>&1; then
  echo "system packages: apt-get failed (see /tmp/mlopslab-apt.log); tests that need them will skip"
fi
exit 0
