package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// The API server starts on the first test that needs it and stops after the last test.
var (
	envOnce   sync.Once
	sharedEnv *testenv.Env
	envErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedEnv != nil {
		if err := sharedEnv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping envtest:", err)
		}
	}
	os.Exit(code)
}

// cluster starts (once) a real API server with the CRDs and returns it with a kubeconfig for it.
func cluster(t *testing.T) (*testenv.Env, string) {
	t.Helper()
	envOnce.Do(func() { sharedEnv, envErr = testenv.Start() })
	if envErr != nil {
		t.Fatalf("starting envtest: %v", envErr)
	}
	kubeconfig, err := sharedEnv.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return sharedEnv, kubeconfig
}

// result is what one run of the command printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// kubectlMentoring runs the plugin in process through its cobra root, with stdin as standard input.
func kubectlMentoring(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// mustRun runs the plugin and fails the test unless it succeeds.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := kubectlMentoring(t, "", args...)
	if r.code != 0 {
		t.Fatalf("kubectl mentoring %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// sample is the folder of the realistic sample programme.
func sample() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "config", "samples", "digital-leaders")
}

// beforeEnrolmentCloses is a date on which the sample programme enrols: before its start.
const beforeEnrolmentCloses = "2027-01-04"
