package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kubeconfigTo writes a kubeconfig for an API server at server; nothing needs to listen there.
func kubeconfigTo(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	config := `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "` + server + `"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOutsideAClusterLeaderElectionFailsInOneLine runs the manager binary as `make run` would without
// --leader-election-namespace: it must stop at once with one line that names the fix. Before
// --leader-election-namespace existed, controller-runtime failed here with "unable to find leader
// election namespace" followed by a stack trace of a dozen lines.
func TestOutsideAClusterLeaderElectionFailsInOneLine(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "manager")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(binary, append([]string{"--kubeconfig=" + kubeconfigTo(t, "https://127.0.0.1:1"),
			"--metrics-bind-address=0", "--health-probe-bind-address=0", "--feed-bind-address=0"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		return stderr.String(), err
	}

	stderr, err := run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("err = %v, want exit code 1; stderr:\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "--leader-election-namespace=NAMESPACE") {
		t.Errorf("stderr has %d lines, want one that names --leader-election-namespace:\n%s", len(lines), stderr)
	}

	stderr, err = run("--watch-namespaces=mentoring,Not_A_Namespace")
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); err == nil || len(lines) != 1 || !strings.Contains(stderr, `\"Not_A_Namespace\" is not a namespace name`) {
		t.Errorf("a bad --watch-namespaces: err = %v, stderr:\n%s\nwant one line naming the bad name", err, stderr)
	}
}
