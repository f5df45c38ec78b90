#!/usr/bin/env bash
# Installs ruff (the Python linter and formatter of the strict local AWS, test/strict-aws)
# from PyPI into a virtualenv, once per version. Cached outside the repository under
# $SEAWALL_CACHE (default ~/.cache/seawall). Prints the ruff executable's path on its last line.
set -euo pipefail

RUFF_VERSION="${SEAWALL_RUFF_VERSION:-0.17.5}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
venv="$CACHE/ruff/$RUFF_VERSION"

if [[ -x "$venv/bin/ruff" && -f "$venv/.complete" ]]; then
  echo "$venv/bin/ruff"
  exit 0
fi

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "ruff==$RUFF_VERSION" >&2
touch "$venv/.complete"
echo "$venv/bin/ruff"
