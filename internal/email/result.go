package email

import (
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Outcome is what an attempt means for its message: delivered, retried or failed for good.
type Outcome = webhook.Outcome

// The outcomes.
const (
	OutcomeDelivered = webhook.OutcomeDelivered
	OutcomeRetry     = webhook.OutcomeRetry
	OutcomeFailed    = webhook.OutcomeFailed
)

// Problem is a setting of the programme's email that only a person can fix, spelled as the API's
// condition reason. Messages that meet one stay pending, so none is lost while it is fixed.
type Problem string

// The problems.
const (
	// ProblemAuthentication: the relay refused the credentials (535) or demands some (530).
	ProblemAuthentication Problem = "AuthenticationFailed"
	// ProblemSender: the relay refused the sender address (5xx to MAIL FROM), as Microsoft 365 does
	// when the credentials may not send as email.from.
	ProblemSender Problem = "SenderRefused"
	// ProblemTLS: the relay did not offer STARTTLS although tls is StartTLS.
	ProblemTLS Problem = "TLSUnavailable"
	// ProblemAddress: the guard refused the relay's address (link-local, metadata, or loopback
	// outside development).
	ProblemAddress Problem = "AddressRefused"
)

// Result is the outcome of one attempt to hand a message to the relay. Its Message names the SMTP
// reply code and the step, never the server's text, which may hold an address.
type Result struct {
	// Outcome says whether to retry.
	Outcome Outcome
	// Code is the SMTP reply code, 0 without one.
	Code int
	// Problem is set when a person must fix a setting; the Outcome is then Retry.
	Problem Problem
	// Message says what happened, such as "SMTP 250", "SMTP 550 5.1.1 at RCPT" or "connection refused".
	Message string
	// Duration of the attempt, for metrics.
	Duration time.Duration
}

// Class is a bounded label for metrics: "2xx", "4xx", "5xx", the problem, or "error".
func (r Result) Class() string {
	switch {
	case r.Problem != "":
		return string(r.Problem)
	case r.Code >= 200 && r.Code < 600:
		return fmt.Sprintf("%dxx", r.Code/100)
	}
	return "error"
}

// step is the SMTP command an error answered.
type step string

const (
	stepConnect step = "connect"
	stepAuth    step = "AUTH"
	stepMail    step = "MAIL"
	stepRcpt    step = "RCPT"
	stepData    step = "DATA"
)

// classify turns an error at a step into a Result: 4xx and network errors are retried; 535, 530 and
// any 5xx to AUTH mean the credentials; a 5xx to MAIL FROM means the sender; any other 5xx refuses this
// message for good.
func classify(at step, err error) Result {
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		r := Result{Code: smtpErr.Code, Message: smtpMessage(smtpErr, at)}
		switch {
		case smtpErr.Code == 535 || smtpErr.Code == 530 || (at == stepAuth && smtpErr.Code >= 500):
			r.Outcome, r.Problem = OutcomeRetry, ProblemAuthentication
		case smtpErr.Code >= 400 && smtpErr.Code < 500:
			r.Outcome = OutcomeRetry
		case at == stepMail:
			r.Outcome, r.Problem = OutcomeRetry, ProblemSender
		default:
			r.Outcome = OutcomeFailed
		}
		return r
	}
	var refused *netguard.RefusedError
	if errors.As(err, &refused) {
		return Result{Outcome: OutcomeRetry, Problem: ProblemAddress, Message: refused.Error()}
	}
	return Result{Outcome: OutcomeRetry, Message: webhook.NetworkFailure(err)}
}

// smtpMessage is "SMTP 550 5.1.1 at RCPT": the code, the enhanced code when the server gave one, and
// the step.
func smtpMessage(e *smtp.SMTPError, at step) string {
	s := fmt.Sprintf("SMTP %03d", e.Code)
	if c := e.EnhancedCode; c != smtp.NoEnhancedCode && c != smtp.EnhancedCodeNotSet {
		s += fmt.Sprintf(" %d.%d.%d", c[0], c[1], c[2])
	}
	return s + " at " + string(at)
}
