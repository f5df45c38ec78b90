#!/usr/bin/env bash
# The README's test command (`npm test`): static checks, then unit and integration tests
# against a real kube-apiserver + etcd and the strict local AWS (moto with AWS's rules,
# started by the harness).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== typecheck"; npx tsc --noEmit
echo "== lint + format"; npx biome ci .
echo "== dockerfile (hadolint)"; bash scripts/lint-dockerfile.sh
echo "== strict local AWS (ruff, table tests)"; bash scripts/lint-python.sh
echo "== tests"; npx vitest run "$@"
