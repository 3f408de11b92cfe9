package testenv

import (
	"bytes"
	"errors"
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

// debianPython is Debian's interpreter, the one that sees the python3-radicale and python3-aiosmtpd
// packages.
const debianPython = "/usr/bin/python3"

// RadicaleUsers are the users of a Radicale started here, with their passwords.
var RadicaleUsers = map[string]string{"mentoring": "s3cret-Pa55", "intruder": "other-pass"}

// Radicale is a Radicale CalDAV server on a loopback port, with htpasswd authentication, each user
// owning their own collections, and its storage in a folder of its own. It keeps its address and
// storage across Stop and Start, so tests can take it down and bring it back.
type Radicale struct {
	// Addr is host:port.
	Addr    string
	dir     string
	cmd     *exec.Cmd
	logs    lockedBuffer
	stopped chan struct{}
}

// StartRadicale starts a server keeping its storage and users in dir.
func StartRadicale(dir string) (*Radicale, error) {
	if err := exec.Command(debianPython, "-c", "import radicale").Run(); err != nil {
		return nil, fmt.Errorf("radicale is not installed: apt-get install -y --no-install-recommends python3-radicale (%w)", err)
	}
	var users strings.Builder
	for name, password := range RadicaleUsers {
		fmt.Fprintf(&users, "%s:%s\n", name, password)
	}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(users.String()), 0o600); err != nil {
		return nil, err
	}
	addr, err := FreeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	r := &Radicale{Addr: addr, dir: dir}
	return r, r.Start()
}

// RadicaleForTest starts a server for a test and stops it when the test ends, printing its log if the
// test failed. Without Radicale the test fails: CI installs it.
func RadicaleForTest(t testing.TB) *Radicale {
	t.Helper()
	r, err := StartRadicale(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Stop()
		if t.Failed() {
			t.Logf("Radicale's log:\n%s", r.Logs())
		}
	})
	return r
}

// FreeLoopbackAddr returns a loopback address whose port was free a moment ago.
func FreeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Start runs the server on its address and storage and waits until it answers.
func (r *Radicale) Start() error {
	r.cmd = exec.Command(debianPython, "-m", "radicale",
		"--config", // no configuration file: only these options
		"--server-hosts", r.Addr,
		"--auth-type", "htpasswd",
		"--auth-htpasswd-filename", filepath.Join(r.dir, "users"),
		"--auth-htpasswd-encryption", "plain",
		"--auth-delay", "0",
		"--rights-type", "owner_only",
		"--web-type", "none",
		"--storage-filesystem-folder", filepath.Join(r.dir, "collections"),
		"--logging-level", "info",
	)
	r.cmd.Stdout, r.cmd.Stderr = &r.logs, &r.logs
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("starting Radicale: %w", err)
	}
	r.stopped = make(chan struct{})
	go func(cmd *exec.Cmd, stopped chan struct{}) {
		_ = cmd.Wait()
		close(stopped)
	}(r.cmd, r.stopped)
	for deadline := time.Now().Add(15 * time.Second); ; {
		resp, err := http.Get(r.URL("/"))
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-r.stopped:
			return errors.New("radicale exited:\n" + r.Logs())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("radicale did not answer on %s within 15s:\n%s", r.Addr, r.Logs())
		}
	}
}

// Stop ends the server and waits for it.
func (r *Radicale) Stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.stopped
	r.cmd = nil
}

// URL is the server's URL for a path.
func (r *Radicale) URL(path string) string { return "http://" + r.Addr + path }

// Items returns the calendar objects a user's collection holds, by file name, read from the server's
// storage: what is really there, whatever the server answers.
func (r *Radicale) Items(user, collection string) (map[string]string, error) {
	folder := filepath.Join(r.dir, "collections", "collection-root", user, collection)
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	items := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		content, err := os.ReadFile(filepath.Join(folder, e.Name()))
		if err != nil {
			return nil, err
		}
		items[e.Name()] = string(content)
	}
	return items, nil
}

// Logs is what the server printed.
func (r *Radicale) Logs() string { return r.logs.String() }

// lockedBuffer collects a process's output.
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
