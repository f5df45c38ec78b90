#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (no Docker engine needed). Fails on warnings too.
set -euo pipefail
cd "$(dirname "$0")/.."
hadolint="$(bash scripts/install-hadolint.sh | tail -n 1)"
"$hadolint" --failure-threshold warning Dockerfile
echo "hadolint $("$hadolint" --version | awk '{print $NF}'): Dockerfile clean"
