#!/usr/bin/env bash
# Copies what controller-gen generates into the Helm chart, so that the chart installs the same API and
# permissions as config/: the CRDs (config/crd/bases/*.yaml to the chart's crds/, byte for byte, removing
# CRDs that no longer exist) and the ClusterRole (config/rbac/role.yaml to the chart's files/role.yaml,
# whose rules templates/rbac.yaml renders). Run it after `make manifests`; charts/chart_test.go fails
# when the chart is out of sync.
set -euo pipefail
cd "$(dirname "$0")/.."

chart=charts/reverse-mentoring-operator
rm -f "$chart"/crds/*.yaml
cp config/crd/bases/*.yaml "$chart/crds/"
cp config/rbac/role.yaml "$chart/files/role.yaml"
