#!/usr/bin/env bash
# Issue 16's latency of a small change: PARTICIPANTS (default 2000, then 10000) people settle, then
# JOINS (default 20) newcomers join one at a time; for each, the time until its Pairing exists and the
# manager's CPU for it. It runs the current manager and, in the same run, the manager of BEFORE (a git
# revision, default eb743f6: before incremental matching), so the two are compared side by side.
#
#   hack/join-latency.sh                      # 2,000 and 10,000 participants
#   SIZES=2000 JOINS=10 hack/join-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)
export KUBEBUILDER_ASSETS
before=${BEFORE:-eb743f6}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
go build -o bin/manager ./cmd/manager
git worktree add --detach "$work/before" "$before" >/dev/null
(cd "$work/before" && go build -o "$work/manager-before" ./cmd/manager)
for size in ${SIZES:-2000 10000}; do
  for manager in bin/manager "$work/manager-before"; do
    echo "== $size participants, manager $([[ $manager == bin/manager ]] && echo "now" || echo "$before")"
    go run ./hack/join-latency -participants "$size" -joins "${JOINS:-20}" -manager "$manager"
  done
done
