package email

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// parsedPart is a MIME part as Python's email package reads it.
type parsedPart struct {
	ContentType string            `json:"contentType"`
	Params      map[string]string `json:"params"`
	Defects     []string          `json:"defects"`
	Parts       []parsedPart      `json:"parts"`
	Content     string            `json:"content"`
}

// parsedMessage is a whole message as Python's email package reads it.
type parsedMessage struct {
	parsedPart
	Headers  map[string][]string `json:"headers"`
	To, From []struct{ Name, Address string }
}

// pythonParse reads message files with Python's email package (Debian's /usr/bin/python3).
func pythonParse(t *testing.T, files ...string) []parsedMessage {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", append([]string{filepath.Join("testdata", "parse.py")}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python's email package failed: %v\n%s", err, stderr.String())
	}
	var parsed []parsedMessage
	if err := json.Unmarshal(out, &parsed); err != nil || len(parsed) != len(files) {
		t.Fatalf("python's output (%v): %s", err, out)
	}
	return parsed
}

// checkParsed compares what Python read with the message that was written: headers, the
// multipart/alternative structure and every part's decoded content.
func checkParsed(t *testing.T, m Message, got parsedMessage) {
	t.Helper()
	wantParts := []string{"text/plain", "text/html"}
	if m.Calendar != nil {
		wantParts = append(wantParts, "text/calendar")
	}
	if got.ContentType != "multipart/alternative" || len(got.Parts) != len(wantParts) || len(got.Defects) > 0 {
		t.Fatalf("%s: Python reads %s with %d parts, defects %v", m.ID, got.ContentType, len(got.Parts), got.Defects)
	}
	for i, p := range got.Parts {
		if p.ContentType != wantParts[i] || len(p.Defects) > 0 || p.Params["charset"] != "utf-8" {
			t.Fatalf("%s: part %d is %s %v, defects %v", m.ID, i, p.ContentType, p.Params, p.Defects)
		}
	}
	crlf := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n") }
	switch {
	case got.Headers["Message-ID"][0] != "<"+m.ID+">":
		t.Errorf("%s: Message-ID %v", m.ID, got.Headers["Message-ID"])
	case got.Headers["Subject"][0] != m.Subject:
		t.Errorf("%s: subject %q, want %q", m.ID, got.Headers["Subject"][0], m.Subject)
	case len(got.To) != 1 || got.To[0].Address != m.To.Email || got.To[0].Name != oneLine(m.To.Name):
		t.Errorf("%s: To %+v", m.ID, got.To)
	case len(got.From) != 1 || got.From[0].Address != m.From.Email || got.From[0].Name != m.From.Name:
		t.Errorf("%s: From %+v", m.ID, got.From)
	case crlf(got.Parts[0].Content) != crlf(m.Text) || crlf(got.Parts[1].Content) != crlf(m.HTML):
		t.Errorf("%s: the bodies changed on the way:\n%s", m.ID, got.Parts[0].Content)
	case m.Calendar != nil && (got.Parts[2].Content != string(m.Calendar) || got.Parts[2].Params["method"] != string(m.Method)):
		t.Errorf("%s: the calendar part (method %q) changed on the way", m.ID, got.Parts[2].Params["method"])
	}
}

// writeMessages composes the messages into files for another parser.
func writeMessages(t *testing.T, messages []Message) []string {
	t.Helper()
	var files []string
	for i, m := range messages {
		data, err := m.Compose(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), m.Recipient.file(i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	return files
}

func (r Role) file(i int) string {
	return strings.ToLower(string(r)) + "-" + string(rune('a'+i)) + ".eml"
}

// TestPythonReadsEveryMessage composes every kind of message, with names that need encoding and
// names that try to add headers, and checks that Python's email package reads back the same
// headers, structure and content.
func TestPythonReadsEveryMessage(t *testing.T) {
	p := activePairing(t)
	p.Mentor.Name = "Zoë \"Z\" Ångström, PhD"
	p.Mentee.Name = "Grace\r\nBcc: eve@example.org"
	p.ReplyTo = "team@example.org"
	active, series := derive(t, p)
	ended := after(p, series, delivered(active, p.Now), p.Now.Add(time.Hour))
	ended.Stage = Inactive
	cancelled, _ := derive(t, ended)
	messages := append(active, cancelled...)
	parsed := pythonParse(t, writeMessages(t, messages)...)
	for i, m := range messages {
		checkParsed(t, m, parsed[i])
		if _, injected := parsed[i].Headers["Bcc"]; injected {
			t.Errorf("%s: a display name added a Bcc header", m.ID)
		}
		if got := parsed[i].Headers["Reply-To"]; len(got) != 1 || got[0] != "team@example.org" {
			t.Errorf("%s: Reply-To %v", m.ID, got)
		}
		if got := parsed[i].Headers["Auto-Submitted"]; len(got) != 1 || got[0] != "auto-generated" {
			t.Errorf("%s: Auto-Submitted %v", m.ID, got)
		}
	}
}

// TestTheCalendarPartExpandsToTheCalDAVSeries reads each invitation's calendar part with ical.js and
// checks it is the CalDAV series: same UID, SEQUENCE, TZID and VTIMEZONE, both attendees asked to
// reply, and every meeting at the instant the schedule lists.
func TestTheCalendarPartExpandsToTheCalDAVSeries(t *testing.T) {
	p := activePairing(t)
	p.Event.Sequence = 2
	messages, series := derive(t, p)
	ended := after(p, series, delivered(messages, p.Now), p.Now.Add(time.Hour))
	ended.Stage = Inactive
	cancelled, _ := derive(t, ended)
	invitations := []Message{messages[2], messages[3], cancelled[0]}
	var objects [][]byte
	for _, m := range invitations {
		objects = append(objects, m.Calendar)
	}
	want := p.Event.Slot.Occurrences()
	for i, cal := range testenv.ICalJS(t, objects...) {
		m := invitations[i]
		if cal.Method != string(m.Method) || len(cal.Events) != 1 || len(cal.Timezones) != 1 || cal.Timezones[0] != "Europe/London" {
			t.Fatalf("%s: ical.js reads %+v", m.ID, cal)
		}
		ev := cal.Events[0]
		wantSequence, wantStatus := 2, "CONFIRMED"
		if m.Method == "CANCEL" {
			wantSequence, wantStatus = 3, "CANCELLED"
		}
		if ev.UID != p.Event.UID || ev.Sequence != wantSequence || ev.Status != wantStatus || ev.TZID != "Europe/London" ||
			ev.DurationSeconds != 45*60 || ev.Organizer == nil || ev.Organizer.Email != "mailto:office@example.org" || len(ev.Attendees) != 2 {
			t.Fatalf("%s: ical.js reads %+v", m.ID, ev)
		}
		for _, a := range ev.Attendees {
			if m.Method == "REQUEST" && (a.PartStat != "NEEDS-ACTION" || a.RSVP != "TRUE") {
				t.Errorf("%s: attendee %+v is not asked to reply", m.ID, a)
			}
		}
		if len(ev.Occurrences) != len(want) {
			t.Fatalf("%s: ical.js expands %d meetings, the schedule has %d", m.ID, len(ev.Occurrences), len(want))
		}
		for j := range want {
			if !ev.Occurrences[j].Equal(want[j]) {
				t.Fatalf("%s: meeting %d is %v for ical.js, %v for the schedule", m.ID, j, ev.Occurrences[j], want[j])
			}
		}
	}
}

func TestComposeRefusesAddressesThatCouldBreakTheHeader(t *testing.T) {
	messages, _ := derive(t, activePairing(t))
	for _, bad := range []string{"", "grace", "grace@example.org\r\nBcc: eve@example.org", "Grace <grace@example.org>", "gr ace@example.org"} {
		m := messages[0]
		m.To.Email = bad
		if _, err := m.Compose(time.Now()); err == nil {
			t.Errorf("address %q was accepted", bad)
		} else if strings.Contains(err.Error(), "example.org") {
			t.Errorf("the error repeats the address: %v", err)
		}
	}
}
