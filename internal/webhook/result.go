package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// Outcome is what an attempt means for its delivery.
type Outcome string

// The outcomes.
const (
	// OutcomeDelivered: the receiver accepted the event (2xx).
	OutcomeDelivered Outcome = "Delivered"
	// OutcomeRetry: try again later (5xx, 408, 429, timeouts, network and TLS errors).
	OutcomeRetry Outcome = "Retry"
	// OutcomeFailed: do not try this event again (other 4xx, 3xx, a refused address, an invalid URL).
	OutcomeFailed Outcome = "Failed"
	// OutcomeGone: the endpoint answered 410 Gone; the event failed and the webhook should be disabled.
	OutcomeGone Outcome = "Gone"
)

// Result is the outcome of one delivery attempt. Its Message never holds the URL or a secret.
type Result struct {
	// Outcome says whether to retry.
	Outcome Outcome
	// StatusCode of the response, 0 without one.
	StatusCode int
	// RetryAfter is the delay the receiver asked for with Retry-After, 0 without one.
	RetryAfter time.Duration
	// Refused is true when the address guard refused the endpoint's address; the Outcome is Failed.
	Refused bool
	// Message says what happened, such as "HTTP 503", "timeout" or
	// "refused: address 169.254.169.254 is link-local/metadata".
	Message string
	// Duration of the attempt, for metrics.
	Duration time.Duration
}

// Class is a bounded label for metrics: "2xx", "3xx", "4xx", "5xx", "refused" or "error".
func (r Result) Class() string {
	switch {
	case r.Refused:
		return "refused"
	case r.StatusCode >= 200 && r.StatusCode < 600:
		return strconv.Itoa(r.StatusCode/100) + "xx"
	}
	return "error"
}

// responseResult classifies a response. Retry-After, in seconds or as an HTTP date, is read for the
// statuses that are retried.
func responseResult(code int, header http.Header, now time.Time) Result {
	r := Result{StatusCode: code, Message: "HTTP " + strconv.Itoa(code)}
	switch {
	case code >= 200 && code < 300:
		r.Outcome = OutcomeDelivered
	case code == http.StatusGone:
		r.Outcome = OutcomeGone
	case code >= 300 && code < 400:
		r.Outcome = OutcomeFailed
		r.Message += " (redirects are not followed)"
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		r.Outcome = OutcomeFailed
	default:
		r.Outcome = OutcomeRetry
		r.RetryAfter = retryAfter(header.Get("Retry-After"), now)
		if r.RetryAfter > 0 {
			r.Message += ", retry after " + r.RetryAfter.String()
		}
	}
	return r
}

// maxRetryAfterSeconds keeps an absurd Retry-After from overflowing a Duration.
const maxRetryAfterSeconds = 7 * 24 * 60 * 60

// retryAfter reads a Retry-After value: delay-seconds or an HTTP date. It is 0 when absent, invalid or
// in the past.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), maxRetryAfterSeconds)) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfterSeconds*time.Second)
	}
	return 0
}

// errorResult classifies an error from sending a request. It names the kind of failure only: the
// error's own text may hold the URL.
func errorResult(err error) Result {
	var refused *netguard.RefusedError
	if errors.As(err, &refused) {
		return Result{Outcome: OutcomeFailed, Refused: true, Message: refused.Error()}
	}
	return Result{Outcome: OutcomeRetry, Message: NetworkFailure(err)}
}

// NetworkFailure names a transient network or TLS failure in a few words, never with the address
// or URL that the error itself may hold.
func NetworkFailure(err error) string {
	var (
		dnsErr      *net.DNSError
		netErr      net.Error
		unknownCA   x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "DNS: host not found"
		}
		return "DNS lookup failed"
	case errors.As(err, &unknownCA):
		return "TLS: certificate signed by an unknown authority"
	case errors.As(err, &hostnameErr):
		return "TLS: certificate not valid for the host"
	case errors.As(err, &invalidErr):
		return "TLS: certificate expired or not yet valid"
	case errors.As(err, &verifyErr):
		return "TLS: certificate not verified"
	case errors.As(err, &recordErr):
		return "TLS: the server did not answer in TLS"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	return "network error"
}
