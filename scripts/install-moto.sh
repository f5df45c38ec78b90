#!/usr/bin/env bash
# Installs moto_server (Python moto, from PyPI) into a virtualenv, once per version.
# Cached outside the repository under $SEAWALL_CACHE (default ~/.cache/seawall).
# Prints the path of the moto_server executable on its last line.
set -euo pipefail

MOTO_VERSION="${SEAWALL_MOTO_VERSION:-5.2.5}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
venv="$CACHE/moto/$MOTO_VERSION"

if [[ -x "$venv/bin/moto_server" && -f "$venv/.complete" ]]; then
  echo "$venv/bin/moto_server"
  exit 0
fi

# A half-made virtualenv (an install cut short) is rebuilt from scratch.
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
touch "$venv/.complete"
echo "$venv/bin/moto_server"
