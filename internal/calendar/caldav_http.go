package calendar

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// maxResponseBytes bounds what is read of a response: a calendar-query answer holds one event.
const maxResponseBytes = 8 << 20

// request is one WebDAV request to the server.
type request struct {
	method, href, depth  string
	body                 []byte
	contentType          string // application/xml when empty
	ifMatch, ifNoneMatch string
}

// response is a server's answer, its body read.
type response struct {
	method, href string
	status       int
	header       http.Header
	body         []byte
}

// do sends the request to the href, resolved against the collection's URL on the same server, and
// reads the answer. Only failures to get an answer are errors here; statuses are the caller's.
func (c *CalDAV) do(ctx context.Context, r request) (response, error) {
	target, err := c.resolve(r.href)
	if err != nil {
		return response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target.String(), bytes.NewReader(r.body))
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", r.method, r.href, err)
	}
	r.setHeaders(req.Header)
	c.authorize(req)
	resp, err := c.client.Do(req)
	if err != nil {
		return response{}, transportError(r.method, r.href, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return response{}, transportError(r.method, r.href, err)
	}
	return response{method: r.method, href: r.href, status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// setHeaders sets the request's WebDAV headers.
func (r request) setHeaders(h http.Header) {
	if len(r.body) > 0 {
		h.Set("Content-Type", cmp.Or(r.contentType, "application/xml; charset=utf-8"))
	}
	for name, value := range map[string]string{"Depth": r.depth, "If-Match": r.ifMatch, "If-None-Match": r.ifNoneMatch} {
		if value != "" {
			h.Set(name, value)
		}
	}
}

// resolve turns an href (a path, or a URL from the server) into a URL on the collection's server,
// refusing any other server so that the credentials never go elsewhere.
func (c *CalDAV) resolve(href string) (*url.URL, error) {
	ref, err := url.Parse(href)
	if err != nil {
		return nil, fmt.Errorf("invalid href %q", href)
	}
	target := c.base.ResolveReference(ref)
	if target.Scheme != c.base.Scheme || target.Host != c.base.Host {
		return nil, fmt.Errorf("href %q is not on the calendar's server", href)
	}
	return target, nil
}

// err classifies an unexpected status: 401 and 403 are ErrUnauthorized, 412 ErrConflict, 408, 429
// and 5xx ErrUnreachable; anything else is permanent. The body is left out: it may echo data.
func (r response) err() error {
	var kind error
	switch {
	case r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
		kind = ErrUnauthorized
	case r.status == http.StatusPreconditionFailed:
		kind = ErrConflict
	case r.status == http.StatusRequestTimeout || r.status == http.StatusTooManyRequests || r.status >= 500:
		kind = ErrUnreachable
	default:
		return fmt.Errorf("%s %s: unexpected answer %d %s", r.method, r.href, r.status, http.StatusText(r.status))
	}
	return fmt.Errorf("%w: %s %s answered %d %s", kind, r.method, r.href, r.status, http.StatusText(r.status))
}

// transportError classifies a failure to get an answer: an untrusted certificate is permanent (a
// person must fix the CA bundle); connection errors and timeouts are ErrUnreachable.
func transportError(method, href string, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // its text repeats the URL
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return fmt.Errorf("%s %s: the server's certificate is not trusted: %w", method, href, err)
	}
	if netguard.IsRefused(err) {
		return fmt.Errorf("%s %s: %w", method, href, err)
	}
	return fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, href, err)
}

// newHTTPClient returns a client with the timeout that also trusts the PEM bundle, when given, dials
// only addresses the guard allows and follows no redirect.
func newHTTPClient(caBundle []byte, timeout time.Duration, guard netguard.Guard) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = guard.DialContext(&net.Dialer{Timeout: min(timeout, 10*time.Second)})
	if len(caBundle) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caBundle) {
			return nil, errors.New("the CA bundle holds no PEM certificate")
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: transport, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, nil
}

// authorizer returns what sets the Authorization header: bearer with a token, basic with a username,
// nothing without credentials.
func authorizer(cfg CalDAVConfig) func(*http.Request) {
	switch {
	case cfg.Token != "":
		header := "Bearer " + cfg.Token
		return func(r *http.Request) { r.Header.Set("Authorization", header) }
	case cfg.Username != "":
		user, password := cfg.Username, cfg.Password
		return func(r *http.Request) { r.SetBasicAuth(user, password) }
	}
	return func(*http.Request) {}
}
