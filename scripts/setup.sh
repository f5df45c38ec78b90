#!/usr/bin/env bash
# Installs everything the tests and the demo need. Idempotent and cached: npm packages
# (when package-lock.json changed), moto in a virtualenv (the strict local AWS runs on
# it), ruff for that Python, and built from their Go modules: kube-apiserver + etcd, helm
# (chart tests), kubeconform (JSON Schema tests) and promtool (alert rule tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x node_modules/.bin/vitest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/install-moto.sh >/dev/null
bash scripts/install-ruff.sh >/dev/null
bash scripts/install-kube.sh >/dev/null
bash scripts/install-helm.sh >/dev/null
bash scripts/install-kubeconform.sh >/dev/null
bash scripts/install-promtool.sh >/dev/null
# Deequ (PySpark + the deequ and dqdl jars) for the DQDL conformance suite.
bash scripts/install-deequ.sh >/dev/null
