package calendar

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// radicalePython is Debian's interpreter, the one that sees the python3-radicale package.
const radicalePython = "/usr/bin/python3"

// radicale is a Radicale CalDAV server run by a test on a loopback port, with htpasswd
// authentication, each user owning their own collections, and its storage in a temporary folder.
type radicale struct {
	t       *testing.T
	addr    string // host:port, kept across restarts
	dir     string
	cmd     *exec.Cmd
	logs    *lockedBuffer
	stopped chan struct{}
}

// Users of the test server, with their passwords.
var radicaleUsers = map[string]string{"mentoring": "s3cret-Pa55", "intruder": "other-pass"}

// startRadicale starts a server and stops it when the test ends. Without Radicale the test fails:
// CI installs it.
func startRadicale(t *testing.T) *radicale {
	t.Helper()
	if err := exec.Command(radicalePython, "-c", "import radicale").Run(); err != nil {
		t.Fatalf("Radicale is not installed: apt-get install -y --no-install-recommends python3-radicale (%v)", err)
	}
	dir := t.TempDir()
	var users strings.Builder
	for name, password := range radicaleUsers {
		fmt.Fprintf(&users, "%s:%s\n", name, password)
	}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(users.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &radicale{t: t, addr: freeLoopbackAddr(t), dir: dir, logs: &lockedBuffer{}}
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			t.Logf("Radicale's log:\n%s", r.logs.String())
		}
	})
	r.start()
	return r
}

// freeLoopbackAddr returns a loopback address whose port was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs the server on its address and storage and waits until it answers.
func (r *radicale) start() {
	r.t.Helper()
	r.cmd = exec.Command(radicalePython, "-m", "radicale",
		"--config", // no configuration file: only these options
		"--server-hosts", r.addr,
		"--auth-type", "htpasswd",
		"--auth-htpasswd-filename", filepath.Join(r.dir, "users"),
		"--auth-htpasswd-encryption", "plain",
		"--auth-delay", "0",
		"--rights-type", "owner_only",
		"--web-type", "none",
		"--storage-filesystem-folder", filepath.Join(r.dir, "collections"),
		"--logging-level", "info",
	)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("starting Radicale: %v", err)
	}
	r.stopped = make(chan struct{})
	go func(cmd *exec.Cmd, stopped chan struct{}) {
		_ = cmd.Wait()
		close(stopped)
	}(r.cmd, r.stopped)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(r.url("/"))
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-r.stopped:
			r.t.Fatalf("Radicale exited:\n%s", r.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("Radicale did not answer on %s within 15s:\n%s", r.addr, r.logs.String())
		}
	}
}

// stop ends the server process this test started, and waits for it.
func (r *radicale) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.stopped
	r.cmd = nil
}

// url is the server's URL for a path.
func (r *radicale) url(path string) string { return "http://" + r.addr + path }

// lockedBuffer collects a process's output for the test log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
