#!/usr/bin/env bash
# Issue 4's scale benchmark: a programme of PARTICIPANTS (default 10000) on a local control plane, the
# operator's time from apply to Programme Ready against the raw time to create the same objects, and the
# manager's peak memory, measured in one run.
#
#   hack/scale-benchmark.sh            # 10,000 participants
#   PARTICIPANTS=1000 hack/scale-benchmark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
export KUBEBUILDER_ASSETS
go build -o bin/manager ./cmd/manager
go run ./hack/scale-benchmark -participants "${PARTICIPANTS:-10000}" -manager bin/manager
