#!/usr/bin/env bash
# Builds Helm from the Go module proxy (Helm is no Debian package and release downloads are not
# reachable), caches it by version outside the work tree, and prints its path. charts/chart_test.go runs
# this script; so can you:
#
#   "$(hack/helm.sh)" lint --strict charts/reverse-mentoring-operator
#
# Progress goes to stderr; only the path goes to stdout. A cold build takes about four minutes on 2 cores,
# later calls print the cached path at once and need no network.
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-v3.22.0}
CACHE_ROOT=${XDG_DATA_HOME:-$HOME/.local/share}/reverse-mentoring-operator
DIR="$CACHE_ROOT/helm-$HELM_VERSION"

if [[ -x "$DIR/helm" ]]; then
  echo "$DIR/helm"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
work=$(mktemp -d "$CACHE_ROOT/helm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Stamp what Helm's own release build stamps: its version, and the Kubernetes version of the client-go it
# requires (v0.37 for Helm v3.22: Kubernetes 1.37), which `helm template` and `helm lint` assume. Without
# it they assume Kubernetes 1.20.
pkg=helm.sh/helm/v3
gomod=$(GOFLAGS= go mod download -json "$pkg@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
minor=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod")
ldflags="-X $pkg/internal/version.version=$HELM_VERSION"
for var in pkg/chartutil pkg/lint/rules; do
  ldflags+=" -X $pkg/$var.k8sVersionMajor=1 -X $pkg/$var.k8sVersionMinor=$minor"
done

echo "[helm] building Helm $HELM_VERSION from the Go module proxy" >&2
GOBIN="$work" GOFLAGS= go install -ldflags="$ldflags" "$pkg/cmd/helm@$HELM_VERSION" >&2
mv -T "$work" "$DIR"
echo "$DIR/helm"
