package webhook

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// receiverDir holds the node checkers and their npm packages.
const receiverDir = "testdata/receiver"

// npmInstall is the command that installs the node checkers' packages, from the repository root.
const npmInstall = "npm ci --prefix internal/webhook/testdata/receiver"

// requireNode skips the test when node or the checkers' packages are missing, and fails it instead
// under CI=true, where they are installed (testenv.SkipOutsideCI, as every other promised check).
func requireNode(t testing.TB) {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errWebhooks := os.Stat(filepath.Join(receiverDir, "node_modules", "standardwebhooks"))
	_, errCards := os.Stat(filepath.Join(receiverDir, "node_modules", "adaptivecards"))
	if errNode == nil && errWebhooks == nil && errCards == nil {
		return
	}
	testenv.SkipOutsideCI(t, "node and the checkers' npm packages are needed: install Node.js and run `%s`", npmInstall)
}

// endings records how requireNode ended a test: like testing.T, Fatal and Skip end the goroutine.
type endings struct {
	testing.TB
	fatal, skip bool
}

func (e *endings) Helper()                        {}
func (e *endings) Fatal(args ...any)              { e.FailNow() }
func (e *endings) Fatalf(format string, a ...any) { e.FailNow() }
func (e *endings) FailNow()                       { e.fatal = true; runtime.Goexit() }
func (e *endings) Skip(args ...any)               { e.SkipNow() }
func (e *endings) Skipf(format string, a ...any)  { e.SkipNow() }
func (e *endings) SkipNow()                       { e.skip = true; runtime.Goexit() }

// run runs check as a test of its own goroutine and reports how it ended.
func (e *endings) run(check func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(e)
	}()
	<-done
}

// TestRequireNodeFailsInCI: without node (an empty PATH), requireNode skips on a developer's machine
// and fails under CI=true, exactly as testenv.SkipOutsideCI does for the other prerequisites. (Caught,
// as mutations: requireNode calling t.Skip whatever CI says, which would let the node checkers' tests
// pass silently in CI; and the former os.Getenv("CI") != "" test, which failed under CI=false.)
func TestRequireNodeFailsInCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for ci, wantFail := range map[string]bool{"": false, "false": false, "true": true} {
		t.Setenv("CI", ci)
		e := &endings{TB: t}
		e.run(requireNode)
		if e.fatal != wantFail || e.skip == wantFail {
			t.Errorf("CI=%q without node: failed %v, skipped %v; want it to %s", ci, e.fatal, e.skip,
				map[bool]string{true: "fail", false: "skip"}[wantFail])
		}
	}
}

// nodeReceiver is receiver.js running on loopback.
type nodeReceiver struct {
	base string
}

// startNodeReceiver starts receiver.js with the given secret and stops it when the test ends.
func startNodeReceiver(t *testing.T, whsec string) *nodeReceiver {
	t.Helper()
	requireNode(t)
	cmd := exec.Command("node", "receiver.js")
	cmd.Dir = receiverDir
	cmd.Env = append(os.Environ(), "WEBHOOK_SECRET="+whsec)
	cmd.Stderr = testWriter{t}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	port, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		t.Fatalf("receiver.js did not start: %q, %v", line, err)
	}
	return &nodeReceiver{base: "http://127.0.0.1:" + port}
}

func (r *nodeReceiver) url(webhook string) string {
	return r.base + "/hook/" + webhook
}

func (r *nodeReceiver) script(t *testing.T, statuses []int, retryAfter string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"statuses": statuses, "retryAfter": retryAfter})
	resp, err := http.Post(r.base+"/script", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
}

func (r *nodeReceiver) stats(t *testing.T) receiverStats {
	t.Helper()
	resp, err := http.Get(r.base + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var s receiverStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkCards runs card.js over Teams messages and returns, for each, the problems the adaptivecards
// package found.
func checkCards(t *testing.T, messages [][]byte) [][]string {
	t.Helper()
	requireNode(t)
	cmd := exec.Command("node", "card.js")
	cmd.Dir = receiverDir
	cmd.Stdin = bytes.NewReader(append(append([]byte("["), bytes.Join(messages, []byte(","))...), ']'))
	cmd.Stderr = testWriter{t}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("card.js: %v", err)
	}
	var problems [][]string
	if err := json.Unmarshal(out, &problems); err != nil || len(problems) != len(messages) {
		t.Fatalf("card.js answered %s (%v)", out, err)
	}
	return problems
}

// testWriter sends a child process's stderr to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// receiverStats are a receiver's counts.
type receiverStats struct {
	// Accepted deliveries, duplicates included.
	Accepted int `json:"accepted"`
	// Distinct "webhook/event id" pairs accepted.
	Distinct []string `json:"distinct"`
	// Invalid deliveries: signature or body did not verify.
	Invalid int `json:"invalid"`
	// Scripted failures answered.
	Scripted int `json:"scripted"`
}
