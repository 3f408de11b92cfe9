package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// maxResponseBody is how much of a response is read (and discarded) so the connection can be reused.
const maxResponseBody = 64 << 10

// Options configure a Sender.
type Options struct {
	// Timeout of a whole request, from dialling to the end of the response. Default 10s; dialling and
	// the TLS handshake have 5s each within it.
	Timeout time.Duration
	// CABundle holds PEM certificates trusted in addition to the system's roots.
	CABundle []byte
	// AllowLoopback lets webhooks reach loopback and unspecified addresses, for local development and
	// tests. Link-local and metadata addresses are refused regardless.
	AllowLoopback bool
	// UserAgent sent with every request. Default "reverse-mentoring-operator".
	UserAgent string
	// Now reads the clock, for Retry-After dates and durations. Default time.Now.
	Now func() time.Time
}

// Sender posts requests to webhook endpoints. It follows no redirect, uses no proxy, verifies TLS and
// refuses the addresses its guard refuses. A Sender is safe for concurrent use.
type Sender struct {
	client    *http.Client
	transport *http.Transport
	userAgent string
	now       func() time.Time
}

// NewSender is a Sender with the given options. It fails only when CABundle holds no certificate.
func NewSender(opts Options) (*Sender, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if len(opts.CABundle) > 0 && !roots.AppendCertsFromPEM(opts.CABundle) {
		return nil, errors.New("the CA bundle holds no PEM certificate")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "reverse-mentoring-operator"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	guard := netguard.Guard{AllowLoopback: opts.AllowLoopback}
	transport := &http.Transport{
		DialContext:           guard.DialContext(&net.Dialer{Timeout: min(5*time.Second, opts.Timeout)}),
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   min(5*time.Second, opts.Timeout),
		ResponseHeaderTimeout: opts.Timeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	client := &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &Sender{client: client, transport: transport, userAgent: opts.UserAgent, now: opts.Now}, nil
}

// Send posts req to the endpoint at rawURL and classifies the outcome. It never returns the URL, which
// may hold a token, in the Result.
func (s *Sender) Send(ctx context.Context, rawURL string, req Request) Result {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Result{Outcome: OutcomeFailed, Message: "invalid URL: an http or https URL is needed"}
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return Result{Outcome: OutcomeFailed, Message: "invalid URL"}
	}
	for name, values := range req.Header {
		httpReq.Header[name] = values
	}
	httpReq.Header.Set("User-Agent", s.userAgent)

	start := s.now()
	r := s.post(httpReq)
	r.Duration = s.now().Sub(start)
	return r
}

// post sends the request and classifies the response or the error.
func (s *Sender) post(req *http.Request) Result {
	resp, err := s.client.Do(req)
	if err != nil {
		return errorResult(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	_ = resp.Body.Close()
	return responseResult(resp.StatusCode, resp.Header, s.now())
}

// Close releases the Sender's idle connections.
func (s *Sender) Close() {
	s.transport.CloseIdleConnections()
}
