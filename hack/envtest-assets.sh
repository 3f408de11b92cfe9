#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy (no release downloads), caches them by
# version outside the work tree, and prints the folder that holds them: the value for KUBEBUILDER_ASSETS.
#
#   KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go test ./...
#
# Progress goes to stderr; only the folder goes to stdout. A cold build takes several minutes on 2 cores.
set -euo pipefail

KUBERNETES_VERSION=${KUBERNETES_VERSION:-1.36.3}
ETCD_VERSION=${ETCD_VERSION:-3.6.8}
CACHE_ROOT=${ENVTEST_ASSETS_CACHE:-${XDG_DATA_HOME:-$HOME/.local/share}/reverse-mentoring-operator/envtest}
ASSETS="$CACHE_ROOT/k8s-$KUBERNETES_VERSION-etcd-$ETCD_VERSION"

log() { printf '[envtest-assets] %s\n' "$*" >&2; }

if [[ -x "$ASSETS/kube-apiserver" && -x "$ASSETS/kubectl" && -x "$ASSETS/etcd" ]]; then
  echo "$ASSETS"
  exit 0
fi

mkdir -p "$ASSETS"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0

# Runs a long build in the background and prints a progress line every 30 seconds.
with_progress() {
  local what=$1; shift
  local started=$SECONDS
  "$@" >"$work/build.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if (( (SECONDS - started) % 30 < 5 )) && kill -0 "$pid" 2>/dev/null; then
      log "still building $what ($((SECONDS - started))s)"
    fi
  done
  if ! wait "$pid"; then
    cat "$work/build.log" >&2
    log "building $what failed"
    exit 1
  fi
  log "built $what in $((SECONDS - started))s"
}

build_kubernetes() {
  local mod="$work/kubernetes" v="v0.${KUBERNETES_VERSION#1.}"
  mkdir -p "$mod"
  {
    echo "module envtestassets/kubernetes"
    echo "go 1.26"
    echo "require k8s.io/kubernetes v$KUBERNETES_VERSION"
    echo "replace ("
    # Every staging module, pinned to the matching published version (k8s.io/kubernetes replaces them
    # with relative paths that do not exist outside its own repository).
    curl -fsSL "${GOPROXY_URL:-https://proxy.golang.org}/k8s.io/kubernetes/@v/v$KUBERNETES_VERSION.mod" |
      sed -n '/^replace (/,/^)/p' | grep '=> ./staging' | awk -v v="$v" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >"$mod/go.mod"
  cat >"$mod/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  local pkg=k8s.io/component-base/version
  local minor=${KUBERNETES_VERSION#1.}; minor=${minor%%.*}
  local ldflags="-s -w -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean"
  log "resolving k8s.io/kubernetes v$KUBERNETES_VERSION"
  (cd "$mod" && go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$mod" && with_progress kube-apiserver go build -tags tools -ldflags "$ldflags" -o "$ASSETS/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
  (cd "$mod" && with_progress kubectl go build -tags tools -ldflags "$ldflags" -o "$ASSETS/kubectl" k8s.io/kubernetes/cmd/kubectl)
}

build_etcd() {
  local mod="$work/etcd" v="v$ETCD_VERSION"
  mkdir -p "$mod"
  cat >"$mod/go.mod" <<MOD
module envtestassets/etcd
go 1.26
require go.etcd.io/etcd/server/v3 $v
replace (
	go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 $v
	go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 $v
	go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 $v
	go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 $v
)
MOD
  cat >"$mod/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  log "resolving go.etcd.io/etcd/server/v3 $v"
  (cd "$mod" && go mod tidy >/dev/null 2>&1)
  (cd "$mod" && with_progress etcd go build -ldflags "-s -w" -o "$ASSETS/etcd" .)
}

log "building envtest binaries into $ASSETS (a cold build takes several minutes)"
[[ -x "$ASSETS/etcd" ]] || build_etcd
[[ -x "$ASSETS/kube-apiserver" && -x "$ASSETS/kubectl" ]] || build_kubernetes
echo "$ASSETS"
