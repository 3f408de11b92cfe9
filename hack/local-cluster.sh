#!/usr/bin/env bash
# Starts or stops a local control plane: a real etcd and kube-apiserver on loopback, with the CRDs
# installed, no cluster or container needed.
#
#   hack/local-cluster.sh start   # builds the binaries if needed; writes .local-cluster/kubeconfig
#   hack/local-cluster.sh stop    # stops them and removes the state
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${LOCAL_CLUSTER_DIR:-$PWD/.local-cluster}
log() { printf '[local-cluster] %s\n' "$*" >&2; }

start() {
  if [[ -f "$STATE/pid" ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    log "already running; kubeconfig: $STATE/kubeconfig"
    return
  fi
  rm -rf "$STATE"
  mkdir -p "$STATE"
  KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
  export KUBEBUILDER_ASSETS
  log "building the control plane launcher"
  go build -o "$STATE/local-cluster" ./hack/local-cluster
  log "starting etcd and kube-apiserver on loopback"
  nohup "$STATE/local-cluster" "$STATE" >"$STATE/log" 2>&1 </dev/null &
  echo $! >"$STATE/pid"
  for _ in $(seq 1 120); do
    [[ -f "$STATE/kubeconfig" ]] && break
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      cat "$STATE/log" >&2
      log "the control plane failed to start"
      exit 1
    fi
    sleep 0.5
  done
  [[ -f "$STATE/kubeconfig" ]] || { cat "$STATE/log" >&2; log "timed out waiting for the control plane"; exit 1; }
  log "ready; use it with: export KUBECONFIG=$STATE/kubeconfig PATH=$KUBEBUILDER_ASSETS:\$PATH"
}

stop() {
  if [[ -f "$STATE/pid" ]]; then
    pid=$(cat "$STATE/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$STATE"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
