package testenv

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebhookSecret is the signing secret of a WebhookReceiver, as a Secret holds it.
const WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// WebhookMode is how a WebhookReceiver answers.
type WebhookMode int

// The modes.
const (
	// WebhookAccept answers 204 to every verified delivery.
	WebhookAccept WebhookMode = iota
	// WebhookFail answers the status given to Answer, such as 500.
	WebhookFail
	// WebhookHang accepts the connection and never answers: the sender must time out.
	WebhookHang
)

// ReceivedEvent is one distinct event a WebhookReceiver accepted.
type ReceivedEvent struct {
	Type string
	// First is when it was first accepted; Deliveries counts the accepted copies of it (1 when no
	// duplicate arrived).
	First      time.Time
	Deliveries int
}

// WebhookStats counts what a WebhookReceiver saw.
type WebhookStats struct {
	// Attempts is every request; Invalid those whose signature or timestamp did not verify; Failed
	// those answered with an error status; Hung those never answered.
	Attempts, Invalid, Failed, Hung int
	// Distinct events accepted, and Duplicates: accepted copies of an event already accepted.
	Distinct, Duplicates int
}

// WebhookReceiver is a Standard Webhooks endpoint on loopback that verifies every request's signature
// and timestamp with WebhookSecret (VerifyStandardWebhook) and records the distinct events it accepted
// by webhook-id. It can answer with errors or hang, to play an endpoint that is down.
type WebhookReceiver struct {
	// URL is where to send events.
	URL string
	// Ahead is how far the senders' clock runs ahead of the real one (hack/shifted-manager's); the
	// receiver checks timestamps against the real time moved as far. Set it before the first delivery.
	Ahead time.Duration

	srv      *httptest.Server
	release  chan struct{}
	mu       sync.Mutex
	mode     WebhookMode
	status   int
	received map[string]*ReceivedEvent
	stats    WebhookStats
}

// StartWebhookReceiver starts a receiver that accepts every verified delivery.
func StartWebhookReceiver() *WebhookReceiver {
	r := &WebhookReceiver{release: make(chan struct{}), received: map[string]*ReceivedEvent{}}
	r.srv = httptest.NewServer(r)
	r.URL = r.srv.URL + "/events"
	return r
}

// Close releases hung requests and stops the server.
func (r *WebhookReceiver) Close() {
	close(r.release)
	r.srv.Close()
}

// Answer sets how the receiver answers from now on; status is the error status of WebhookFail.
func (r *WebhookReceiver) Answer(mode WebhookMode, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode, r.status = mode, status
}

func (r *WebhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	r.stats.Attempts++
	if VerifyStandardWebhook(WebhookSecret, req.Header, body, time.Now().Add(r.Ahead)) != nil {
		r.stats.Invalid++
		r.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch r.mode {
	case WebhookFail:
		r.stats.Failed++
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
		return
	case WebhookHang:
		r.stats.Hung++
		r.mu.Unlock()
		// Never answer: wait until the sender gives up or the receiver closes.
		select {
		case <-req.Context().Done():
		case <-r.release:
		}
		return
	}
	defer r.mu.Unlock()
	var event struct{ Type string }
	if err := json.Unmarshal(body, &event); err != nil || event.Type == "" {
		r.stats.Failed++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	id := req.Header.Get("webhook-id")
	if seen, ok := r.received[id]; ok {
		seen.Deliveries++
		r.stats.Duplicates++
	} else {
		r.received[id] = &ReceivedEvent{Type: event.Type, First: time.Now(), Deliveries: 1}
		r.stats.Distinct++
	}
	w.WriteHeader(http.StatusNoContent)
}

// VerifyStandardWebhook checks a request's signature and timestamp as the Standard Webhooks
// specification says, independently of the operator's signer: a webhook-id, a webhook-timestamp
// within five minutes of now, and among the webhook-signature values "v1," and the base64 HMAC-SHA256
// of "id.timestamp.body" keyed with secret, given as a Secret holds it ("whsec_" and base64).
func VerifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return fmt.Errorf("the signing secret: %w", err)
	}
	id, timestamp := h.Get("webhook-id"), h.Get("webhook-timestamp")
	if id == "" {
		return errors.New("no webhook-id")
	}
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %q: %w", timestamp, err)
	}
	if now.Sub(time.Unix(seconds, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("webhook-timestamp %s is more than five minutes from %s", timestamp, now.UTC().Format(time.RFC3339))
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, signature := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(signature), []byte(want)) {
			return nil
		}
	}
	return errors.New("no webhook-signature matches")
}

// Received returns a copy of the distinct events accepted, by id.
func (r *WebhookReceiver) Received() map[string]ReceivedEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]ReceivedEvent, len(r.received))
	for id, e := range r.received {
		out[id] = *e
	}
	return out
}

// Stats returns the receiver's counts.
func (r *WebhookReceiver) Stats() WebhookStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Types counts the distinct events accepted, by type.
func (r *WebhookReceiver) Types() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	counts := map[string]int{}
	for _, e := range r.received {
		counts[e.Type]++
	}
	return counts
}
