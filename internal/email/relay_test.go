package email

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

const (
	relayUser     = "office@example.org"
	relayPassword = "s3cret-Pa55"
)

// relayFor is a Relay for the test server with the right credentials, changed by configure.
func relayFor(t *testing.T, server *testenv.SMTPServer, configure func(*Config)) *Relay {
	t.Helper()
	cfg := Config{Address: server.Addr, Username: relayUser, Password: relayPassword, CABundle: server.CA, AllowLoopback: true, PerMinute: 6000}
	if server.CA == nil {
		cfg.TLS = NoTLS
	}
	configure(&cfg)
	relay, err := NewRelay(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return relay
}

// TestRelayDeliversInEveryTLSMode sends a message in each TLS mode, with and without
// authentication, and checks the server received it as written.
func TestRelayDeliversInEveryTLSMode(t *testing.T) {
	messages, _ := derive(t, activePairing(t))
	m := messages[3]
	for _, tc := range []struct {
		tls  string
		auth bool
	}{{"None", false}, {"None", true}, {"StartTLS", true}, {"StartTLS", false}, {"Implicit", true}} {
		opts := testenv.SMTPOptions{TLS: tc.tls}
		if tc.auth {
			opts.Username, opts.Password = relayUser, relayPassword
		}
		server := testenv.SMTPForTest(t, opts)
		relay := relayFor(t, server, func(c *Config) {
			c.TLS = TLSMode(tc.tls)
			if !tc.auth {
				c.Username, c.Password = "", ""
			}
		})
		if res := relay.Send(context.Background(), m); res.Outcome != OutcomeDelivered || res.Message != "SMTP 250" {
			t.Fatalf("%s, auth %v: %+v", tc.tls, tc.auth, res)
		}
		got, err := server.Messages()
		if err != nil || len(got) != 1 || got[0].MailFrom != m.From.Email || !slices.Equal(got[0].RcptTos, []string{m.To.Email}) {
			t.Fatalf("%s, auth %v: the server received %+v (%v)", tc.tls, tc.auth, got, err)
		}
		files, err := server.MessageFiles()
		if err != nil {
			t.Fatal(err)
		}
		checkParsed(t, m, pythonParse(t, files...)[0])
	}
}

// TestRelayClassifiesWhatTheRelaySays plays every answer and failure a relay gives and checks each is
// retried, refused or reported as a setting to fix, as the issue asks, with a result that names no
// address and no credential.
func TestRelayClassifiesWhatTheRelaySays(t *testing.T) {
	server := testenv.SMTPForTest(t, testenv.SMTPOptions{TLS: "StartTLS", Username: relayUser, Password: relayPassword})
	plain := testenv.SMTPForTest(t, testenv.SMTPOptions{})
	messages, _ := derive(t, activePairing(t))
	m := messages[1]
	none := func(*Config) {}
	tests := []struct {
		name      string
		server    *testenv.SMTPServer
		fault     func() error
		configure func(*Config)
		outcome   Outcome
		problem   Problem
		result    string
	}{
		{"accepted", server, nil, none, OutcomeDelivered, "", "SMTP 250"},
		{"wrong password", server, nil, func(c *Config) { c.Password = "wrong" }, OutcomeRetry, ProblemAuthentication, "SMTP 535 5.7.8 at AUTH"},
		{"credentials refused", server, func() error { return server.Answer("AUTH", 535) }, none, OutcomeRetry, ProblemAuthentication, "SMTP 535 5.7.8 at AUTH"},
		{"no credentials where required", server, nil, func(c *Config) { c.Username = "" }, OutcomeRetry, ProblemAuthentication, "SMTP 530 5.7.0 at MAIL"},
		{"sender refused", server, func() error { return server.Answer("MAIL", 550) }, none, OutcomeRetry, ProblemSender, "SMTP 550 5.1.1 at MAIL"},
		{"recipient refused", server, func() error { return server.RefuseRecipient(m.To.Email, 550) }, none, OutcomeFailed, "", "SMTP 550 5.1.1 at RCPT"},
		{"recipient busy", server, func() error { return server.RefuseRecipient(m.To.Email, 450) }, none, OutcomeRetry, "", "SMTP 450 4.2.1 at RCPT"},
		{"try later", server, func() error { return server.Answer("DATA", 451) }, none, OutcomeRetry, "", "SMTP 451 4.3.0 at DATA"},
		{"message refused", server, func() error { return server.Answer("DATA", 554) }, none, OutcomeFailed, "", "SMTP 554 5.7.1 at DATA"},
		{"certificate not trusted", server, nil, func(c *Config) { c.CABundle = nil }, OutcomeRetry, "", "TLS: certificate signed by an unknown authority"},
		{"no STARTTLS offered", plain, nil, func(c *Config) { c.TLS = StartTLS }, OutcomeRetry, ProblemTLS, "the relay does not offer STARTTLS"},
		{"TLS spoken to a plain server", plain, nil, func(c *Config) { c.TLS = ImplicitTLS }, OutcomeRetry, "", "TLS: the server did not answer in TLS"},
		{"loopback outside development", server, nil, func(c *Config) { c.AllowLoopback = false }, OutcomeRetry, ProblemAddress, "refused: address 127.0.0.1 is loopback"},
		{"relay down", server, func() error { server.Stop(); return nil }, none, OutcomeRetry, "", "connection refused"},
	}
	for _, tt := range tests {
		if tt.fault != nil {
			if err := tt.fault(); err != nil {
				t.Fatal(err)
			}
		}
		res := relayFor(t, tt.server, tt.configure).Send(context.Background(), m)
		if res.Outcome != tt.outcome || res.Problem != tt.problem || res.Message != tt.result {
			t.Errorf("%s: %+v, want %s %q %q", tt.name, res, tt.outcome, tt.problem, tt.result)
		}
		for _, secret := range []string{"example.org", relayPassword, "office", "Grace", "Ada"} {
			if strings.Contains(res.Message, secret) {
				t.Errorf("%s: the result %q holds %q", tt.name, res.Message, secret)
			}
		}
		if err := server.AnswerNormally(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewRelayRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{Address: "smtp.example.org"}, "the relay's address is not host:port"},
		{Config{Address: "smtp.example.org:25", TLS: NoTLS}, "tls: None is only for a relay on loopback; use StartTLS or Implicit"},
		{Config{Address: "smtp.example.org:587", TLS: "SSL"}, `tls "SSL" is not StartTLS, Implicit or None`},
		{Config{Address: "smtp.example.org:587", CABundle: []byte("not PEM")}, "the CA bundle holds no PEM certificate"},
	} {
		if _, err := NewRelay(tt.cfg); err == nil || err.Error() != tt.want {
			t.Errorf("%+v: err = %v, want %q", tt.cfg, err, tt.want)
		}
	}
	if _, err := NewRelay(Config{Address: "127.0.0.1:2525", TLS: NoTLS}); err != nil {
		t.Errorf("a loopback relay without TLS is refused: %v", err)
	}
}
