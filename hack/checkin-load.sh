#!/usr/bin/env bash
# Issue 19's whole-manager benchmark: PARTICIPANTS (default 10000) people settle into pairings, then
# everybody in a pairing answers the open check-in on their personal page, PEOPLE (default 16) at the
# same moment, against the manager's controllers and participant-facing server (hack/shifted-manager:
# the manager on a clock six weeks ahead, inside the first check-in). The floor, the same number of
# Pairing status writes with the manager stopped, is measured in the same run.
#
#   hack/checkin-load.sh
#   PARTICIPANTS=1000 hack/checkin-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
export KUBEBUILDER_ASSETS
go build -o bin/shifted-manager ./hack/shifted-manager
go run ./hack/checkin-load -participants "${PARTICIPANTS:-10000}" -people "${PEOPLE:-16}" -manager bin/shifted-manager "$@"
