package testenv

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

//go:embed smtpserver.py
var smtpServerScript []byte

// SMTPOptions configure an SMTPServer.
type SMTPOptions struct {
	// TLS is "None" (the default), "StartTLS" (required before anything else) or "Implicit"; with TLS
	// the server presents a certificate for 127.0.0.1 and localhost signed by its own CA (SMTPServer.CA).
	TLS string
	// Username and Password, when set, are required: AUTH PLAIN or LOGIN, over TLS unless TLS is None.
	Username, Password string
}

// SMTPServer is a real SMTP server on a loopback port (Debian's python3-aiosmtpd, run by
// /usr/bin/python3) that stores every message it accepts as received, and answers with SMTP errors on
// demand. It keeps its address and store across Stop and Start, to play a relay that goes down and
// comes back.
type SMTPServer struct {
	// Addr is host:port.
	Addr string
	// CA is the PEM certificate that signed the server's certificate, when it speaks TLS.
	CA   []byte
	dir  string
	opts SMTPOptions
	cmd  *exec.Cmd
	logs lockedBuffer
	done chan struct{}
}

// ReceivedMessage is one message the server accepted: its envelope and its bytes as received.
type ReceivedMessage struct {
	MailFrom string   `json:"mailFrom"`
	RcptTos  []string `json:"rcptTos"`
	Data     []byte   `json:"-"`
}

// StartSMTP starts a server keeping its store in dir.
func StartSMTP(dir string, opts SMTPOptions) (*SMTPServer, error) {
	if err := exec.Command(debianPython, "-c", "import aiosmtpd").Run(); err != nil {
		return nil, fmt.Errorf("aiosmtpd is not installed: apt-get install -y python3-aiosmtpd (%w)", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "smtpserver.py"), smtpServerScript, 0o600); err != nil {
		return nil, err
	}
	if opts.TLS == "" {
		opts.TLS = "None"
	}
	s := &SMTPServer{dir: dir, opts: opts}
	if opts.TLS != "None" {
		var err error
		if s.CA, err = writeTestCertificate(dir); err != nil {
			return nil, err
		}
	}
	addr, err := FreeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	s.Addr = addr
	return s, s.Start()
}

// SMTPForTest starts a server for a test and stops it when the test ends, printing its log if the test
// failed. Without aiosmtpd the test fails: CI installs it.
func SMTPForTest(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	s, err := StartSMTP(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("SMTP server's log:\n%s\ncommands:\n%s", s.logs.String(), strings.Join(s.Commands(), "\n"))
		}
	})
	return s
}

// Start runs the server on its address and store and waits until it greets.
func (s *SMTPServer) Start() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	args := []string{filepath.Join(s.dir, "smtpserver.py"), "--port", port, "--dir", s.dir, "--tls", s.opts.TLS}
	if s.opts.Username != "" {
		args = append(args, "--username", s.opts.Username, "--password", s.opts.Password)
	}
	s.cmd = exec.Command(debianPython, args...)
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting the SMTP server: %w", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.cmd, s.done)
	for deadline := time.Now().Add(15 * time.Second); ; {
		if s.greets() {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("the SMTP server exited:\n" + s.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the SMTP server did not greet on %s within 15s:\n%s", s.Addr, s.logs.String())
		}
	}
}

// greets reports whether the server answers a connection with its 220 greeting.
func (s *SMTPServer) greets() bool {
	conn, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	if s.opts.TLS == "Implicit" {
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(s.CA)
		conn = tls.Client(conn, &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	}
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "220")
}

// Stop ends the server and waits for it; connections are refused until Start.
func (s *SMTPServer) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Answer makes the server answer every later command of the step ("AUTH", "MAIL" or "DATA") with the
// code, such as 451 or 535; 0 answers normally again.
func (s *SMTPServer) Answer(step string, code int) error {
	return s.setFault(func(f map[string]any) { f[step] = code })
}

// RefuseRecipient makes the server answer RCPT TO the address with the code, such as 550.
func (s *SMTPServer) RefuseRecipient(address string, code int) error {
	return s.setFault(func(f map[string]any) {
		rcpt, _ := f["RCPT"].(map[string]any)
		if rcpt == nil {
			rcpt = map[string]any{}
		}
		rcpt[address] = code
		f["RCPT"] = rcpt
	})
}

// AnswerNormally forgets every Answer and RefuseRecipient.
func (s *SMTPServer) AnswerNormally() error {
	return s.setFault(func(f map[string]any) { clear(f) })
}

// setFault changes faults.json, which the server reads at every command.
func (s *SMTPServer) setFault(change func(map[string]any)) error {
	path := filepath.Join(s.dir, "faults.json")
	faults := map[string]any{}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &faults); err != nil {
			return err
		}
	}
	change(faults)
	b, err := json.Marshal(faults)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// Messages are the messages the server accepted, in order.
func (s *SMTPServer) Messages() ([]ReceivedMessage, error) {
	folder := filepath.Join(s.dir, "messages")
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []ReceivedMessage
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".eml")
		if !ok {
			continue
		}
		var m ReceivedMessage
		envelope, err := os.ReadFile(filepath.Join(folder, base+".json"))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(envelope, &m); err != nil {
			return nil, err
		}
		if m.Data, err = os.ReadFile(filepath.Join(folder, e.Name())); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// MessageFiles are the paths of the stored messages, in order: hand them to another parser.
func (s *SMTPServer) MessageFiles() ([]string, error) {
	return filepath.Glob(filepath.Join(s.dir, "messages", "*.eml"))
}

// Commands are the commands the server answered, as "STEP CODE", such as "DATA 451".
func (s *SMTPServer) Commands() []string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "commands.log"))
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// writeTestCertificate makes a CA and a certificate for 127.0.0.1 and localhost signed by it, writes
// the certificate and its key to dir as cert.pem and key.pem, and returns the CA's PEM.
func writeTestCertificate(dir string) ([]byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test relay CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	write := func(name, kind string, der []byte) error {
		return os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
	}
	if err := write("cert.pem", "CERTIFICATE", leafDER); err != nil {
		return nil, err
	}
	if err := write("key.pem", "EC PRIVATE KEY", keyDER); err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

// Count is how many commands of the step the server answered with the code.
func (s *SMTPServer) Count(step string, code int) int {
	n := 0
	for _, c := range s.Commands() {
		if c == step+" "+strconv.Itoa(code) {
			n++
		}
	}
	return n
}
