#!/usr/bin/env bash
# Builds promtool (Prometheus's rule checker and rule unit-test runner) from its Go module,
# once per version. The alerts test runs `promtool check rules` and `promtool test rules`
# on the PrometheusRule Seawall ships. A cold build takes several minutes (Prometheus
# pulls in every service-discovery client); it is cached outside the repository under
# $SEAWALL_CACHE (default ~/.cache/seawall), keyed by version. Prints the path of the
# binary on its last line.
set -euo pipefail

# Prometheus 3.x is published to the Go module proxy as v0.3xx.y.
PROMETHEUS_MODULE_VERSION="${SEAWALL_PROMETHEUS_MODULE_VERSION:-0.316.0}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
dest="$CACHE/promtool/v$PROMETHEUS_MODULE_VERSION"

if [[ -x "$dest/promtool" ]]; then
  echo "$dest/promtool"
  exit 0
fi

command -v go >/dev/null || { echo "install-promtool: go is required to build promtool" >&2; exit 1; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-promtool: building promtool (module v$PROMETHEUS_MODULE_VERSION; cold build takes several minutes)" >&2
# `go install` into a scratch GOBIN, then an atomic move: a build cut short leaves no
# half-written binary in the cache.
GOBIN="$work" GOFLAGS=-mod=mod go install -trimpath -ldflags='-s -w' \
  "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_MODULE_VERSION" >&2
mv "$work/promtool" "$dest/promtool.tmp"
mv "$dest/promtool.tmp" "$dest/promtool"

echo "$dest/promtool"
