package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// TLSMode is how the connection to the relay is protected, spelled as the API's EmailTLS.
type TLSMode string

// The TLS modes.
const (
	// StartTLS requires the relay to offer STARTTLS before anything else is sent.
	StartTLS TLSMode = "StartTLS"
	// ImplicitTLS speaks TLS from the first byte.
	ImplicitTLS TLSMode = "Implicit"
	// NoTLS sends in plain text, to a relay on loopback only.
	NoTLS TLSMode = "None"
)

// Config is a programme's relay.
type Config struct {
	// Address of the relay, host:port.
	Address string
	// TLS mode; StartTLS when empty.
	TLS TLSMode
	// Username and Password for SMTP authentication; none when Username is empty.
	Username, Password string
	// CABundle holds PEM certificates trusted in addition to the system's roots.
	CABundle []byte
	// AllowLoopback lets the relay be on a loopback address (local development and tests).
	// Link-local and metadata addresses are refused regardless.
	AllowLoopback bool
	// Timeout of one message, from dialling to the relay's answer to its data. Default 30s.
	Timeout time.Duration
	// PerMinute is the most messages sent in a minute. Default 30.
	PerMinute int
	// Now reads the clock, for the rate limit and durations. Default time.Now.
	Now func() time.Time
}

// Relay hands messages to a programme's SMTP relay, one connection per message: through the address
// guard, with TLS verified, authenticated when credentials are given, within the rate limit. Share one
// Relay among a programme's pairings, so they share its rate limit. A Relay is safe for concurrent use.
type Relay struct {
	cfg      Config
	host     string
	tls      *tls.Config
	throttle *throttle
}

// NewRelay checks the settings and returns their Relay. Its errors name the setting to fix and never
// hold a credential.
func NewRelay(cfg Config) (*Relay, error) {
	host, port, err := net.SplitHostPort(cfg.Address)
	if err != nil || host == "" || port == "" {
		return nil, errors.New("the relay's address is not host:port")
	}
	if cfg.TLS == "" {
		cfg.TLS = StartTLS
	}
	switch cfg.TLS {
	case StartTLS, ImplicitTLS:
	case NoTLS:
		if !isLoopback(host) {
			return nil, errors.New("tls: None is only for a relay on loopback; use StartTLS or Implicit")
		}
	default:
		return nil, fmt.Errorf("tls %q is not StartTLS, Implicit or None", cfg.TLS)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if len(cfg.CABundle) > 0 && !roots.AppendCertsFromPEM(cfg.CABundle) {
		return nil, errors.New("the CA bundle holds no PEM certificate")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Relay{
		cfg: cfg, host: host,
		tls:      &tls.Config{RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12},
		throttle: newThrottle(cfg.PerMinute),
	}, nil
}

// isLoopback is true for localhost and loopback IP addresses.
func isLoopback(host string) bool {
	addr, err := netip.ParseAddr(host)
	return host == "localhost" || (err == nil && addr.IsLoopback())
}

// Send hands one message to the relay and classifies the outcome.
func (r *Relay) Send(ctx context.Context, m Message) Result {
	start := r.cfg.Now()
	body, err := m.Compose(start)
	if err != nil {
		return Result{Outcome: OutcomeFailed, Message: "the message cannot be written: " + err.Error()}
	}
	res := r.send(ctx, m.From.Email, m.To.Email, body)
	res.Duration = r.cfg.Now().Sub(start)
	return res
}

// send runs one SMTP session: connect, TLS, hello, authenticate, MAIL, RCPT, DATA.
func (r *Relay) send(ctx context.Context, from, to string, body []byte) Result {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	guard := netguard.Guard{AllowLoopback: r.cfg.AllowLoopback}
	conn, err := guard.DialContext(&net.Dialer{Timeout: min(10*time.Second, r.cfg.Timeout)})(ctx, "tcp", r.cfg.Address)
	if err != nil {
		return classify(stepConnect, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	c, res, ok := r.open(ctx, conn, helloName(from))
	if !ok {
		return res
	}
	defer c.Close()
	if r.cfg.Username != "" {
		if res, ok := r.authenticate(c); !ok {
			return res
		}
	}
	if err := c.Mail(from, nil); err != nil {
		return classify(stepMail, err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return classify(stepRcpt, err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(stepData, err)
	}
	if _, err := w.Write(body); err != nil {
		return classify(stepData, err)
	}
	if err := w.Close(); err != nil {
		return classify(stepData, err)
	}
	_ = c.Quit()
	return Result{Outcome: OutcomeDelivered, Code: 250, Message: "SMTP 250"}
}

// open starts the SMTP session on conn in the configured TLS mode and says hello as the sender's
// domain: relays such as Google's refuse a client that calls itself localhost.
func (r *Relay) open(ctx context.Context, conn net.Conn, hello string) (*smtp.Client, Result, bool) {
	var c *smtp.Client
	switch r.cfg.TLS {
	case ImplicitTLS:
		tlsConn := tls.Client(conn, r.tls)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			return nil, classify(stepConnect, err), false
		}
		c = smtp.NewClient(tlsConn)
	case StartTLS:
		var err error
		if c, err = smtp.NewClientStartTLS(conn, r.tls); err != nil {
			if strings.Contains(err.Error(), "doesn't support STARTTLS") {
				return nil, Result{Outcome: OutcomeRetry, Problem: ProblemTLS, Message: "the relay does not offer STARTTLS"}, false
			}
			return nil, classify(stepConnect, err), false
		}
	default:
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout, c.SubmissionTimeout = r.cfg.Timeout, r.cfg.Timeout
	// Hello says EHLO, which after STARTTLS is the first thing sent encrypted: it meets the handshake's
	// errors too.
	if err := c.Hello(hello); err != nil {
		c.Close()
		return nil, classify(stepConnect, err), false
	}
	return c, Result{}, true
}

// authenticate logs in with PLAIN, or LOGIN where the relay offers only that (as Microsoft 365 does).
func (r *Relay) authenticate(c *smtp.Client) (Result, bool) {
	ok, mechanisms := c.Extension("AUTH")
	if !ok {
		return Result{Outcome: OutcomeRetry, Problem: ProblemAuthentication, Message: "the relay offers no authentication; remove credentialsSecretRef or use another relay"}, false
	}
	offered := strings.Fields(strings.ToUpper(mechanisms))
	var mechanism sasl.Client
	switch {
	case slices.Contains(offered, sasl.Plain):
		mechanism = sasl.NewPlainClient("", r.cfg.Username, r.cfg.Password)
	case slices.Contains(offered, sasl.Login):
		mechanism = sasl.NewLoginClient(r.cfg.Username, r.cfg.Password)
	default:
		return Result{Outcome: OutcomeRetry, Problem: ProblemAuthentication, Message: "the relay offers neither AUTH PLAIN nor LOGIN"}, false
	}
	if err := c.Auth(mechanism); err != nil {
		return classify(stepAuth, err), false
	}
	return Result{}, true
}

// helloName is the domain of the sender address.
func helloName(from string) string {
	if _, domain, ok := strings.Cut(from, "@"); ok && domain != "" {
		return domain
	}
	return "localhost"
}

// Admit asks the rate limit for a message: zero when it may go now, or how long to wait. A message
// told to wait keeps its turn: asked again after the wait, it goes.
func (r *Relay) Admit(id string) time.Duration {
	return r.throttle.admit(id, r.cfg.Now())
}
