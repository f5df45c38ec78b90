#!/usr/bin/env bash
# The strict local AWS's Python (test/strict-aws): ruff lint and format check, then its
# table tests (the policy evaluator, public-policy detection, replication rule matching,
# CloudTrail record shapes, trail coverage, event patterns)
# with moto's virtualenv python. Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff="$(bash scripts/install-ruff.sh | tail -n 1)"
python="$(dirname "$(bash scripts/install-moto.sh | tail -n 1)")/python"
"$ruff" check test/strict-aws
"$ruff" format --check test/strict-aws
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=test/strict-aws "$python" -m unittest discover -s test/strict-aws/tests -t test/strict-aws -q
