package testenv

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// ICalendar is what ical.js, an iCalendar implementation that shares nothing with this project's,
// reads from one calendar object.
type ICalendar struct {
	ProdID, Method string
	Timezones      []string
	Events         []ICalEvent
}

// ICalEvent is one VEVENT as ical.js reads it, with the UTC start of every occurrence its RRULE
// expands to through the object's own VTIMEZONE blocks.
type ICalEvent struct {
	UID, Summary, Description, Status, TZID string
	Sequence, DurationSeconds               int
	Organizer                               *ICalContact
	Attendees                               []ICalContact
	Occurrences                             []time.Time
}

// ICalContact is an ORGANIZER or ATTENDEE with the parameters the tests look at.
type ICalContact struct{ Name, Email, PartStat, RSVP string }

// ICalJS parses and expands iCalendar objects with ical.js (internal/testenv/icaljs, installed by
// hack/test-deps.sh) in one run of node.
func ICalJS(t testing.TB, objects ...[]byte) []ICalendar {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "internal", "testenv", "icaljs")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js")); err != nil {
		t.Fatal("ical.js is missing: run `npm ci --prefix internal/testenv/icaljs` (hack/test-deps.sh does)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: install Node.js (Debian package nodejs)")
	}
	texts := make([]string, len(objects))
	for i, o := range objects {
		texts[i] = string(o)
	}
	input, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(dir, "expand.mjs"))
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js failed: %v\n%s", err, stderr.String())
	}
	var cals []ICalendar
	if err := json.Unmarshal(out, &cals); err != nil || len(cals) != len(objects) {
		t.Fatalf("ical.js output (%v):\n%s", err, out)
	}
	return cals
}
