#!/usr/bin/env bash
# The README's test command (`npm test`): static checks, then unit and integration tests
# against a real kube-apiserver + etcd and the strict local AWS (moto with AWS's rules,
# started by the harness).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Node 24 from the npm `node` package, also when this script is run without npm.
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== typecheck"; npx tsc --noEmit
echo "== lint + format"; npx biome ci .
echo "== dockerfile (hadolint)"; bash scripts/lint-dockerfile.sh
echo "== strict local AWS (ruff, table tests)"; bash scripts/lint-python.sh
echo "== DQDL conformance: Deequ's answers (computed once per corpus, then cached)"
node test/conformance/deequ-baseline.ts
echo "== tests"; npx vitest run "$@"
