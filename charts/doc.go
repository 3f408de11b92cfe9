// Package charts holds the operator's Helm chart, reverse-mentoring-operator. It has no Go code: its
// tests lint and render the chart with Helm, which they build from the Go module proxy, and check the
// result against config/ (CRDs, RBAC and the kustomize install in config/default) and the restricted Pod
// Security Standard; install_test.go installs it on a real control plane with kube-controller-manager
// and runs the manager with the chart's ServiceAccount.
package charts
