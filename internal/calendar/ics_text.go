package calendar

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// contentWriter writes iCalendar content lines: CRLF-terminated and folded at 75 octets.
type contentWriter struct {
	bytes.Buffer
	// rsvp asks attendees to reply, as an invitation does (iTIP REQUEST).
	rsvp bool
	// hashed writes the content's hash into each event, as a stored event carries it.
	hashed bool
}

// maxLineOctets is the longest a content line may be, without its CRLF (RFC 5545 section 3.1).
const maxLineOctets = 75

// line writes one content line, folding it without splitting a UTF-8 character: a continuation
// line starts with a space, which counts towards its 75 octets.
func (w *contentWriter) line(s string) {
	width := 0
	for _, r := range s {
		size := utf8.RuneLen(r) // invalid UTF-8 is written as U+FFFD, 3 octets
		if width+size > maxLineOctets {
			w.WriteString("\r\n ")
			width = 1
		}
		w.WriteRune(r)
		width += size
	}
	w.WriteString("\r\n")
}

// prop writes a property whose value is already in iCalendar syntax.
func (w *contentWriter) prop(name, value string) { w.line(name + ":" + value) }

// text writes a property of type TEXT, escaped.
func (w *contentWriter) text(name, value string) { w.prop(name, escapeText(value)) }

// escapeText escapes a TEXT value: backslash, semicolon and comma are escaped, every line break
// becomes \n, and other control characters, which TEXT does not allow, are dropped.
func escapeText(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t' || !isControl(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// quoteParam makes a parameter value, such as a CN, safe to write as a quoted string: a parameter
// value cannot hold a double quote or a control character, so double quotes become single quotes
// and line breaks and tabs become spaces.
func quoteParam(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteByte('\'')
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case !isControl(r):
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isControl reports whether r is a control character, which iCalendar values may not hold raw.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
