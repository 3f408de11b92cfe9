package webhook

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newSender is a Sender for the tests' loopback receivers, reading Retry-After dates against t0.
func newSender(t *testing.T, opts Options) *Sender {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	s, err := NewSender(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// secretPath is a URL path holding a token, as webhook URLs often do; results must never show it.
const secretPath = "/hook/T0KEN-s3cr3t?token=s3cr3t"

// assertNoURL fails when a result shows any part of the secret path.
func assertNoURL(t *testing.T, r Result) {
	t.Helper()
	if strings.Contains(r.Message, "s3cr3t") || strings.Contains(r.Message, "T0KEN") {
		t.Errorf("result %q shows the URL", r.Message)
	}
}

func TestSenderClassifiesResponses(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		want       Result
	}{
		{"ok", 200, "", Result{Outcome: OutcomeDelivered, StatusCode: 200, Message: "HTTP 200"}},
		{"accepted", 202, "", Result{Outcome: OutcomeDelivered, StatusCode: 202, Message: "HTTP 202"}},
		{"server error", 500, "", Result{Outcome: OutcomeRetry, StatusCode: 500, Message: "HTTP 500"}},
		{"unavailable, retry in seconds", 503, "120", Result{Outcome: OutcomeRetry, StatusCode: 503, RetryAfter: 2 * time.Minute, Message: "HTTP 503, retry after 2m0s"}},
		{"too many, retry at a date", 429, t0.Add(90 * time.Second).Format(http.TimeFormat), Result{Outcome: OutcomeRetry, StatusCode: 429, RetryAfter: 90 * time.Second, Message: "HTTP 429, retry after 1m30s"}},
		{"too many, date in the past", 429, t0.Add(-time.Hour).Format(http.TimeFormat), Result{Outcome: OutcomeRetry, StatusCode: 429, Message: "HTTP 429"}},
		{"too many, nonsense", 429, "soon", Result{Outcome: OutcomeRetry, StatusCode: 429, Message: "HTTP 429"}},
		{"request timeout", 408, "", Result{Outcome: OutcomeRetry, StatusCode: 408, Message: "HTTP 408"}},
		{"bad request", 400, "", Result{Outcome: OutcomeFailed, StatusCode: 400, Message: "HTTP 400"}},
		{"unauthorized", 401, "", Result{Outcome: OutcomeFailed, StatusCode: 401, Message: "HTTP 401"}},
		{"not found", 404, "", Result{Outcome: OutcomeFailed, StatusCode: 404, Message: "HTTP 404"}},
		{"gone", 410, "", Result{Outcome: OutcomeGone, StatusCode: 410, Message: "HTTP 410"}},
		{"redirect", 308, "", Result{Outcome: OutcomeFailed, StatusCode: 308, Message: "HTTP 308 (redirects are not followed)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var redirected atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/elsewhere" {
					redirected.Add(1)
					return
				}
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				if tc.status == 308 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			got := newSender(t, Options{AllowLoopback: true}).Send(context.Background(), srv.URL+secretPath, Request{Body: []byte("{}")})
			got.Duration = 0
			if got != tc.want {
				t.Errorf("Send = %+v, want %+v", got, tc.want)
			}
			if redirected.Load() != 0 {
				t.Error("the redirect was followed")
			}
			assertNoURL(t, got)
		})
	}
}

func TestSenderSendsTheRequest(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body = make([]byte, r.ContentLength)
		_, _ = r.Body.Read(body)
		_, _ = w.Write(make([]byte, 2*maxResponseBody)) // more than the Sender reads
	}))
	defer srv.Close()
	req, err := Build(StandardWebhooks, pairingEvents()[0], mustSecret(t, testSecret), t0)
	if err != nil {
		t.Fatal(err)
	}
	res := newSender(t, Options{AllowLoopback: true, UserAgent: "test-agent"}).Send(context.Background(), srv.URL+"/hook", req)
	if res.Outcome != OutcomeDelivered || res.Class() != "2xx" {
		t.Fatalf("Send = %+v", res)
	}
	if got.Method != http.MethodPost || got.UserAgent() != "test-agent" || string(body) != string(req.Body) {
		t.Errorf("request = %s %q %q", got.Method, got.UserAgent(), body)
	}
	if err := verifySpec(testSecret, got.Header, body, t0); err != nil {
		t.Errorf("received signature: %v", err)
	}
}

func TestSenderRefusesLinkLocalMetadataAndLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, tc := range []struct {
		name, host    string
		allowLoopback bool
		want          string
	}{
		{"metadata", "169.254.169.254", true, "refused: address 169.254.169.254 is link-local/metadata"},
		{"other link-local", "169.254.10.1", true, "refused: address 169.254.10.1 is link-local/metadata"},
		{"AWS IPv6 metadata", "[fd00:ec2::254]", true, "refused: address fd00:ec2::254 is link-local/metadata"},
		{"IPv6 link-local", "[fe80::1]", true, "refused: address fe80::1 is link-local/metadata"},
		{"metadata as IPv4-mapped IPv6", "[::ffff:169.254.169.254]", true, "refused: address 169.254.169.254 is link-local/metadata"},
		{"Alibaba metadata", "100.100.100.200", true, "refused: address 100.100.100.200 is link-local/metadata"},
		{"loopback", "127.0.0.1", false, "refused: address 127.0.0.1 is loopback"},
		{"IPv6 loopback", "[::1]", false, "refused: address ::1 is loopback"},
		{"unspecified", "0.0.0.0", false, "refused: address 0.0.0.0 is unspecified"},
		// A name is checked once resolved, at the address actually dialled.
		{"a name for loopback", "localhost", false, "refused: address "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sender := newSender(t, Options{AllowLoopback: tc.allowLoopback})
			res := sender.Send(context.Background(), "http://"+tc.host+":"+port+secretPath, Request{})
			if res.Outcome != OutcomeFailed || !res.Refused || res.Class() != "refused" || !strings.HasPrefix(res.Message, tc.want) {
				t.Errorf("Send = %+v, want a refusal %q", res, tc.want)
			}
			assertNoURL(t, res)
		})
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver was reached %d times", hits.Load())
	}
	// Allowed, loopback is reached.
	if res := newSender(t, Options{AllowLoopback: true}).Send(context.Background(), srv.URL, Request{}); res.Outcome != OutcomeDelivered {
		t.Errorf("with loopback allowed: %+v", res)
	}
}

func TestSenderNetworkFailures(t *testing.T) {
	blocked := make(chan struct{})
	defer close(blocked)
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-blocked:
		}
	}))
	defer hanging.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		url  string
		want Result
	}{
		// The hanging server never answers: only the Sender's own timeout ends the request.
		{"timeout", context.Background(), hanging.URL + secretPath, Result{Outcome: OutcomeRetry, Message: "timeout"}},
		{"connection refused", context.Background(), closed.URL + secretPath, Result{Outcome: OutcomeRetry, Message: "connection refused"}},
		{"cancelled", cancelled, hanging.URL + secretPath, Result{Outcome: OutcomeRetry, Message: "cancelled"}},
		{"not http", context.Background(), "ftp://example.org" + secretPath, Result{Outcome: OutcomeFailed, Message: "invalid URL: an http or https URL is needed"}},
		{"no host", context.Background(), "https://" + secretPath, Result{Outcome: OutcomeFailed, Message: "invalid URL: an http or https URL is needed"}},
		{"unparsable", context.Background(), "http://[s3cr3t" + secretPath, Result{Outcome: OutcomeFailed, Message: "invalid URL: an http or https URL is needed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sender := newSender(t, Options{AllowLoopback: true, Timeout: 50 * time.Millisecond})
			got := sender.Send(tc.ctx, tc.url, Request{})
			got.Duration = 0
			if got != tc.want {
				t.Errorf("Send = %+v, want %+v", got, tc.want)
			}
			assertNoURL(t, got)
		})
	}
}

func TestSenderVerifiesTLSWithAnExtraCA(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake the untrusting client aborts
	srv.StartTLS()
	defer srv.Close()
	bundle := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})

	withCA := newSender(t, Options{AllowLoopback: true, CABundle: bundle})
	if res := withCA.Send(context.Background(), srv.URL+secretPath, Request{}); res.Outcome != OutcomeDelivered {
		t.Errorf("with the CA bundle: %+v, want delivered", res)
	}
	without := newSender(t, Options{AllowLoopback: true})
	res := without.Send(context.Background(), srv.URL+secretPath, Request{})
	if res.Outcome != OutcomeRetry || res.Message != "TLS: certificate signed by an unknown authority" || res.Class() != "error" {
		t.Errorf("without the CA bundle: %+v, want a TLS failure", res)
	}
	assertNoURL(t, res)

	if _, err := NewSender(Options{CABundle: []byte("not PEM")}); err == nil || err.Error() != "the CA bundle holds no PEM certificate" {
		t.Errorf("NewSender with a bad bundle: %v", err)
	}
}
