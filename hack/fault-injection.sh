#!/usr/bin/env bash
# Issue 8's fault injection: the operator killed with SIGKILL 20 times while it rolls out a programme of
# 1,000 participants with CalDAV and webhooks, outages of CalDAV (minutes), the webhook receiver (500,
# then hanging) and kube-apiserver (etcd kept), and two replicas with leader election whose leader is
# killed. Prints what the conditions said and a table of the figures; exits non-zero when a promise
# was broken. Needs Radicale (make test-deps) and, for the leader scenario, root (the manager finds its
# lease namespace only in a cluster, so each replica runs in a mount namespace that provides it).
#
#   hack/fault-injection.sh                                    # issue 8's sizes (about 40 minutes on 2 cores, most of it Radicale's writes)
#   hack/fault-injection.sh -participants 200 -kills 5 -caldav-outage 20s -webhook-failing 15s \
#     -webhook-hanging 30s -apiserver-outage 10s                # a short run (about 5 minutes)
#   hack/fault-injection.sh -scenarios kills -seed 7           # one scenario, other kill moments
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
export KUBEBUILDER_ASSETS
go build -o bin/manager ./cmd/manager
go run ./hack/fault-injection -manager bin/manager "$@"
