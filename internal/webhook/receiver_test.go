package webhook

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testReceiver is a webhook endpoint on loopback that verifies signatures independently of the signer
// and counts the distinct events it accepted.
type testReceiver interface {
	// url of webhook NAME's endpoint.
	url(webhook string) string
	// script makes the next verified deliveries answer these statuses, with Retry-After when given.
	script(t *testing.T, statuses []int, retryAfter string)
	// stats are the counts so far.
	stats(t *testing.T) receiverStats
}

// specReceiver is a Go receiver that verifies with verifySpec, written from the specification.
type specReceiver struct {
	srv        *httptest.Server
	whsec      string
	mu         sync.Mutex
	statuses   []int
	retryAfter string
	counts     receiverStats
	accepted   map[string]int
}

func startSpecReceiver(t *testing.T, whsec string) *specReceiver {
	r := &specReceiver{whsec: whsec, accepted: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *specReceiver) serve(w http.ResponseWriter, req *http.Request) {
	name, ok := strings.CutPrefix(req.URL.Path, "/hook/")
	body, err := io.ReadAll(req.Body)
	if !ok || err != nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check(req.Header, body); err != nil {
		r.counts.Invalid++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if len(r.statuses) > 0 {
		r.counts.Scripted++
		if r.retryAfter != "" {
			w.Header().Set("Retry-After", r.retryAfter)
		}
		w.WriteHeader(r.statuses[0])
		r.statuses = r.statuses[1:]
		return
	}
	r.accepted[name+"/"+req.Header.Get("webhook-id")]++
	w.WriteHeader(http.StatusNoContent)
}

// check verifies the signature, and that a CloudEvent's id is the webhook-id.
func (r *specReceiver) check(h http.Header, body []byte) error {
	if err := verifySpec(r.whsec, h, body, time.Now()); err != nil {
		return err
	}
	if strings.HasPrefix(h.Get("Content-Type"), "application/cloudevents+json") {
		var ce struct{ SpecVersion, ID string }
		if err := json.Unmarshal(body, &ce); err != nil || ce.SpecVersion != "1.0" || ce.ID != h.Get("webhook-id") {
			return errors.New("CloudEvent id or specversion does not match the headers")
		}
	}
	return nil
}

func (r *specReceiver) url(webhook string) string {
	return r.srv.URL + "/hook/" + webhook
}

func (r *specReceiver) script(_ *testing.T, statuses []int, retryAfter string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses, r.retryAfter = statuses, retryAfter
}

func (r *specReceiver) stats(*testing.T) receiverStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.counts
	for key, n := range r.accepted {
		s.Accepted += n
		s.Distinct = append(s.Distinct, key)
	}
	slices.Sort(s.Distinct)
	return s
}

// receivers starts each kind of receiver with the given secret: the Go one written from the
// specification, and the node one using the standardwebhooks package.
func receivers(whsec string) map[string]func(*testing.T) testReceiver {
	return map[string]func(*testing.T) testReceiver{
		"spec": func(t *testing.T) testReceiver { return startSpecReceiver(t, whsec) },
		"node": func(t *testing.T) testReceiver { return startNodeReceiver(t, whsec) },
	}
}

// statuses is n times the given status.
func statuses(status, n int) []int {
	return slices.Repeat([]int{status}, n)
}
