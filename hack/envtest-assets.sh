#!/usr/bin/env bash
# Prints the folder that holds kube-apiserver and etcd (and kubectl), the value for KUBEBUILDER_ASSETS:
#
#   KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh) go test ./...
#   hack/envtest-assets.sh kube-controller-manager   # prints the path of a kube-controller-manager
#
# It uses, in this order: KUBEBUILDER_ASSETS when it holds kube-apiserver and etcd; the binaries this
# script built before; the newest release that setup-envtest downloaded (~/.local/share/kubebuilder-envtest);
# and only when there is none of these, builds kube-apiserver, kubectl and etcd from the Go module proxy
# (no release downloads) and caches them by version outside the work tree. setup-envtest's releases have
# no kube-controller-manager: that one is built the same way, on request, and cached beside the others.
#
# Progress goes to stderr; only the folder or path goes to stdout. Measured cold (empty Go module and build
# caches, 2 cores shared with other work): etcd, kube-apiserver and kubectl 17 min, then
# kube-controller-manager 4.6 min more; a warm call takes no time.
set -euo pipefail

KUBERNETES_VERSION=${KUBERNETES_VERSION:-1.36.3}
ETCD_VERSION=${ETCD_VERSION:-3.6.8}
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
CACHE_ROOT=${ENVTEST_ASSETS_CACHE:-$DATA_HOME/reverse-mentoring-operator/envtest}
ASSETS="$CACHE_ROOT/k8s-$KUBERNETES_VERSION-etcd-$ETCD_VERSION"
SETUP_ENVTEST_DIRS=("$DATA_HOME/kubebuilder-envtest/k8s" "$HOME/Library/Application Support/io.kubebuilder.envtest/k8s")

log() { printf '[envtest-assets] %s\n' "$*" >&2; }

want=${1:-folder}
case "$want" in
  folder | kube-controller-manager) ;;
  *) echo "usage: $0 [kube-controller-manager]" >&2; exit 2 ;;
esac

# has_control_plane DIR: whether DIR holds what envtest starts.
has_control_plane() { [[ -x "$1/kube-apiserver" && -x "$1/etcd" ]]; }

# existing_assets prints a folder that already holds kube-apiserver and etcd, or nothing.
existing_assets() {
  if [[ -n "${KUBEBUILDER_ASSETS:-}" ]] && has_control_plane "$KUBEBUILDER_ASSETS"; then
    echo "$KUBEBUILDER_ASSETS"
  elif has_control_plane "$ASSETS" && [[ -x "$ASSETS/kubectl" ]]; then
    echo "$ASSETS"
  else
    local dir
    for dir in "${SETUP_ENVTEST_DIRS[@]}"; do
      [[ -d "$dir" ]] || continue
      # Folders are named VERSION-OS-ARCH, such as 1.33.0-linux-amd64: take the newest complete one.
      for release in $(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -rV); do
        if has_control_plane "$dir/$release"; then
          echo "$dir/$release"
          return
        fi
      done
    done
  fi
}

found=$(existing_assets)
if [[ "$want" == folder && -n "$found" ]]; then
  echo "$found"
  exit 0
fi
if [[ "$want" == kube-controller-manager ]]; then
  for candidate in ${found:+"$found/kube-controller-manager"} "$ASSETS/kube-controller-manager"; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      exit 0
    fi
  done
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

# build_kubernetes COMMAND...: builds the named commands of k8s.io/kubernetes (kube-apiserver, kubectl,
# kube-controller-manager) into $ASSETS.
build_kubernetes() {
  local mod="$work/kubernetes" v="v0.${KUBERNETES_VERSION#1.}" command
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
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for command in "$@"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$command"; done
    printf ')\n'
  } >"$mod/tools.go"
  local pkg=k8s.io/component-base/version
  local minor=${KUBERNETES_VERSION#1.}; minor=${minor%%.*}
  local ldflags="-s -w -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean"
  log "resolving k8s.io/kubernetes v$KUBERNETES_VERSION"
  (cd "$mod" && go mod tidy -e >/dev/null 2>&1 || true)
  for command in "$@"; do
    (cd "$mod" && with_progress "$command" go build -tags tools -ldflags "$ldflags" -o "$ASSETS/$command" "k8s.io/kubernetes/cmd/$command")
  done
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

if [[ "$want" == kube-controller-manager ]]; then
  log "building kube-controller-manager v$KUBERNETES_VERSION into $ASSETS"
  build_kubernetes kube-controller-manager
  echo "$ASSETS/kube-controller-manager"
  exit 0
fi

log "building envtest binaries into $ASSETS (a cold build takes several minutes)"
[[ -x "$ASSETS/etcd" ]] || build_etcd
missing=()
for command in kube-apiserver kubectl; do
  [[ -x "$ASSETS/$command" ]] || missing+=("$command")
done
((${#missing[@]} == 0)) || build_kubernetes "${missing[@]}"
echo "$ASSETS"
