#!/usr/bin/env bash
# Builds the helm CLI from its Go module, once per version.
#
# Used by the chart tests (`helm lint`, `helm template`). Cached outside the repository
# under $SEAWALL_CACHE (default ~/.cache/seawall), keyed by version, so a machine builds
# it once. Prints the path of the helm binary on its last line.
set -euo pipefail

HELM_VERSION="${SEAWALL_HELM_VERSION:-4.3.1}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
dest="$CACHE/helm/v$HELM_VERSION"

if [[ -x "$dest/helm" ]]; then
  echo "$dest/helm"
  exit 0
fi

command -v go >/dev/null || { echo "install-helm: go is required to build helm" >&2; exit 1; }
major="${HELM_VERSION%%.*}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-helm: building helm v$HELM_VERSION (cold build takes a few minutes)" >&2
# `go install` into a scratch GOBIN, then an atomic move: a build cut short leaves no
# half-written binary in the cache.
GOBIN="$work" GOFLAGS=-mod=mod go install -trimpath -ldflags='-s -w' \
  "helm.sh/helm/v$major/cmd/helm@v$HELM_VERSION" >&2
mv "$work/helm" "$dest/helm.tmp"
mv "$dest/helm.tmp" "$dest/helm"

echo "$dest/helm"
