#!/usr/bin/env bash
# Builds kubeconform (the Kubernetes manifest validator platform teams run in CI) from its
# Go module, once per version. The JSON Schema agreement test runs it with the schemas in
# schemas/ against the same corpus the API server judges. Cached outside the repository
# under $SEAWALL_CACHE (default ~/.cache/seawall), keyed by version. Prints the path of the
# binary on its last line.
set -euo pipefail

KUBECONFORM_VERSION="${SEAWALL_KUBECONFORM_VERSION:-0.8.0}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
dest="$CACHE/kubeconform/v$KUBECONFORM_VERSION"

if [[ -x "$dest/kubeconform" ]]; then
  echo "$dest/kubeconform"
  exit 0
fi

command -v go >/dev/null || { echo "install-kubeconform: go is required to build kubeconform" >&2; exit 1; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-kubeconform: building kubeconform v$KUBECONFORM_VERSION" >&2
# `go install` into a scratch GOBIN, then an atomic move: a build cut short leaves no
# half-written binary in the cache.
GOBIN="$work" GOFLAGS=-mod=mod go install -trimpath -ldflags='-s -w' \
  "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" >&2
mv "$work/kubeconform" "$dest/kubeconform.tmp"
mv "$dest/kubeconform.tmp" "$dest/kubeconform"

echo "$dest/kubeconform"
