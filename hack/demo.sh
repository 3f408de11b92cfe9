#!/usr/bin/env bash
# The README's first command (`make demo`): runs the operator against an embedded local control plane
# with the sample programme, then shows what an admin sees. No cluster needed.
#
#   make demo              # stays up until Ctrl-C, so you can explore with kubectl
#   DEMO_ONCE=1 make demo  # prints and exits (CI runs it this way)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=$ROOT/.local-cluster
SAMPLE=${DEMO_SAMPLE:-config/samples/digital-leaders}
NAMESPACE=${DEMO_NAMESPACE:-mentoring-demo}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  step "Stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  hack/local-cluster.sh stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Building the operator and the kubectl plugin"
make --no-print-directory build
step "Building (first time only: several minutes) and starting kube-apiserver and etcd"
hack/local-cluster.sh start
ASSETS=$(hack/envtest-assets.sh)
export KUBECONFIG=$STATE/kubeconfig PATH=$ROOT/bin:$ASSETS:$PATH

step "Starting the operator (logs in $STATE/manager.log)"
bin/manager --leader-elect=false --metrics-bind-address=0 --health-probe-bind-address=127.0.0.1:0 \
  >"$STATE/manager.log" 2>&1 &
pids+=($!)

step "Applying the sample programme from $SAMPLE into namespace $NAMESPACE"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -n "$NAMESPACE" -k "$SAMPLE"

step "Waiting for the programme to be Ready"
programme=$(kubectl get programmes -n "$NAMESPACE" -o jsonpath='{.items[0].metadata.name}')
if ! kubectl wait -n "$NAMESPACE" --for=condition=Ready --timeout=180s "programme/$programme"; then
  tail -n 50 "$STATE/manager.log"
  exit 1
fi
kubectl wait -n "$NAMESPACE" --for=condition=Ready --timeout=120s pairings --all >/dev/null

step "kubectl get programmes,participants,pairings -n $NAMESPACE"
kubectl get programmes,participants,pairings -n "$NAMESPACE" -o wide

step "kubectl mentoring status $programme -n $NAMESPACE"
kubectl mentoring status "$programme" -n "$NAMESPACE"

cat <<EOF

Explore it yourself:
  export KUBECONFIG=$STATE/kubeconfig PATH=$ROOT/bin:$ASSETS:\$PATH
  kubectl get mentoring -n $NAMESPACE
  kubectl describe programme $programme -n $NAMESPACE
  kubectl mentoring explain -n $NAMESPACE --mentee <name>
  kubectl mentoring plan -f $SAMPLE
EOF

if [[ -n "${DEMO_ONCE:-}" ]]; then
  exit 0
fi
step "The operator keeps running; press Ctrl-C to stop everything"
wait "${pids[0]}"
