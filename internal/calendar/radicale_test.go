package calendar

import (
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// radicaleUsers are the test server's users, with their passwords.
var radicaleUsers = testenv.RadicaleUsers

// radicale is a Radicale CalDAV server for one test.
type radicale struct {
	*testenv.Radicale
	t *testing.T
}

// startRadicale starts a server and stops it when the test ends.
func startRadicale(t *testing.T) *radicale {
	return &radicale{Radicale: testenv.RadicaleForTest(t), t: t}
}

func (r *radicale) url(path string) string { return r.URL(path) }

func (r *radicale) stop() { r.Stop() }

// start brings the server back on its address and storage.
func (r *radicale) start() {
	r.t.Helper()
	if err := r.Start(); err != nil {
		r.t.Fatal(err)
	}
}
