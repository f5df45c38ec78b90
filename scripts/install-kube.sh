#!/usr/bin/env bash
# Builds kube-apiserver and etcd from their Go modules, once per version.
#
# The envtest approach: only the two control-plane processes the operator talks to,
# no kubelet, no controller-manager. Binaries are cached outside the repository under
# $SEAWALL_CACHE (default ~/.cache/seawall), keyed by version, so a machine builds them
# once. Prints the directory holding both binaries on its last line.
set -euo pipefail

K8S_VERSION="${SEAWALL_K8S_VERSION:-1.36.3}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
dest="$CACHE/kube/v$K8S_VERSION"

if [[ -x "$dest/kube-apiserver" && -x "$dest/etcd" ]]; then
  echo "$dest"
  exit 0
fi

command -v go >/dev/null || { echo "install-kube: go is required to build kube-apiserver and etcd" >&2; exit 1; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod

# kubernetes' go.mod lists every staging module (k8s.io/api, k8s.io/apiserver, ...) at
# v0.0.0 and relies on a replace to ./staging. Outside the monorepo each needs a replace
# to its published v0.<minor>.<patch> tag.
gomod="$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
staging_version="v0.${K8S_VERSION#1.}"
etcd_version="$(awk '$1=="go.etcd.io/etcd/server/v3" {print $2}' "$gomod")"

if [[ ! -x "$dest/kube-apiserver" ]]; then
  echo "install-kube: building kube-apiserver v$K8S_VERSION (cold build takes several minutes)" >&2
  mkdir -p "$work/apiserver" && cd "$work/apiserver"
  go mod init seawall.local/kube-apiserver-build >/dev/null 2>&1
  awk '/^[[:space:]]*k8s\.io\/[a-z0-9-]+ v0\.0\.0$/ {print $1}' "$gomod" | sort -u | while read -r m; do
    echo "replace $m => $m $staging_version" >> go.mod
  done
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" >&2
  go build -trimpath -ldflags='-s -w' -o "$dest/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$dest/kube-apiserver.tmp" "$dest/kube-apiserver"
fi

if [[ ! -x "$dest/etcd" ]]; then
  echo "install-kube: building etcd $etcd_version (the version kubernetes v$K8S_VERSION pins)" >&2
  mkdir -p "$work/etcd" && cd "$work/etcd"
  go mod init seawall.local/etcd-build >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@$etcd_version" >&2
  go build -trimpath -ldflags='-s -w' -o "$dest/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$dest/etcd.tmp" "$dest/etcd"
fi

echo "$dest"
