package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Compose writes the message as the relay receives it (RFC 5322, MIME): a multipart/alternative of
// text/plain and text/html, and for an invitation text/calendar with its method (RFC 6047), so that
// mail programs show the series with Accept and Decline. The date is the only thing that varies between
// attempts; the boundary derives from the Message-ID.
func (m Message) Compose(date time.Time) ([]byte, error) {
	if m.ID == "" || !strings.Contains(m.ID, "@") {
		return nil, errors.New("the message has no Message-ID")
	}
	from, err := address(m.From)
	if err != nil {
		return nil, fmt.Errorf("the sender %w", err)
	}
	to, err := address(m.To)
	if err != nil {
		return nil, fmt.Errorf("the recipient %w", err)
	}
	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", from)
	header("To", to)
	if m.ReplyTo != "" {
		replyTo, err := address(Address{Email: m.ReplyTo})
		if err != nil {
			return nil, fmt.Errorf("the reply-to %w", err)
		}
		header("Reply-To", replyTo)
	}
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	header("Date", date.UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+m.ID+">")
	header("MIME-Version", "1.0")
	// Out-of-office and other automatic replies stay away from the programme office (RFC 3834).
	header("Auto-Submitted", "auto-generated")
	sum := sha256.Sum256([]byte(m.ID))
	parts := multipart.NewWriter(&b)
	// "=_" never occurs in quoted-printable or base64 text, so the boundary cannot occur in a part.
	if err := parts.SetBoundary("=_" + hex.EncodeToString(sum[:12])); err != nil {
		return nil, err
	}
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": parts.Boundary()}))
	b.WriteString("\r\n")
	if err := quotedPart(parts, "text/plain; charset=utf-8", m.Text); err != nil {
		return nil, err
	}
	if err := quotedPart(parts, "text/html; charset=utf-8", m.HTML); err != nil {
		return nil, err
	}
	if len(m.Calendar) > 0 {
		calendarType := mime.FormatMediaType("text/calendar", map[string]string{"charset": "utf-8", "method": string(m.Method)})
		if err := base64Part(parts, calendarType, m.Calendar); err != nil {
			return nil, err
		}
	}
	if err := parts.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// address writes a mailbox for a header, its name encoded as RFC 2047 asks when it is not ASCII. An
// address that could break the header is refused, without repeating it.
func address(a Address) (string, error) {
	if strings.ContainsFunc(a.Email, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", errors.New("address holds a space or a control character")
	}
	parsed, err := mail.ParseAddress(a.Email)
	if err != nil || parsed.Address != a.Email {
		return "", errors.New("address is not an email address")
	}
	return (&mail.Address{Name: oneLine(a.Name), Address: a.Email}).String(), nil
}

// quotedPart writes a text part in quoted-printable: readable, 7-bit safe, lines of at most 76.
func quotedPart(parts *multipart.Writer, contentType, text string) error {
	w, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {contentType}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")); err != nil {
		return err
	}
	return qp.Close()
}

// base64Part writes a part in base64, as Exchange writes calendar parts: its CRLF line ends and
// folding reach the calendar program untouched.
func base64Part(parts *multipart.Writer, contentType string, data []byte) error {
	w, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {contentType}, "Content-Transfer-Encoding": {"base64"}})
	if err != nil {
		return err
	}
	encoded := base64.StdEncoding.EncodeToString(data)
	for len(encoded) > 76 {
		if _, err := io.WriteString(w, encoded[:76]+"\r\n"); err != nil {
			return err
		}
		encoded = encoded[76:]
	}
	_, err = io.WriteString(w, encoded+"\r\n")
	return err
}
