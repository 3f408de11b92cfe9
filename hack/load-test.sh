#!/usr/bin/env bash
# Issue 8's load test: a programme of 10,000 participants on a local control plane; once it is settled,
# every minute for ten minutes 10% of the participants change (availability, expertise or goals,
# paused or resumed, a few deleted and created again). Prints, per minute, the reconcile lag, the
# controllers' workqueue depth and reconciles, the processor time of the API server, etcd, the manager
# and the load test, and the manager's memory, and the memory's minimum, maximum and slope.
# The manager runs with the binary's defaults (the chart's); pass its flags to try others.
#
#   hack/load-test.sh                                           # issue 8's size (about 15 minutes on 2 cores)
#   hack/load-test.sh -participants 1000 -rounds 3 -interval 30s    # a short run (about 3 minutes)
#   hack/load-test.sh -kube-api-qps 500 -kube-api-burst 1000        # a manager allowed more API requests
#   hack/load-test.sh -rounds 4 -cpu-profile /tmp/manager.pprof     # and the manager's profile over two rounds
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
export KUBEBUILDER_ASSETS
go build -o bin/manager ./cmd/manager
go run ./hack/load-test -manager bin/manager "$@"
