package calendar

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unfold joins folded lines and splits the content lines, checking the folding rules on the way:
// CRLF line ends only, no physical line over 75 octets, no UTF-8 character split across lines.
func unfold(t testing.TB, ics []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(ics, []byte("\r\n")) {
		t.Fatalf("the object does not end with CRLF")
	}
	var lines []string
	for _, physical := range strings.Split(strings.TrimSuffix(string(ics), "\r\n"), "\r\n") {
		switch {
		case strings.ContainsAny(physical, "\r\n"):
			t.Fatalf("bare CR or LF in %q", physical)
		case len(physical) > 75:
			t.Fatalf("%d octets in %q", len(physical), physical)
		case !utf8.ValidString(physical):
			t.Fatalf("a UTF-8 character is split at %q", physical)
		case strings.HasPrefix(physical, " ") && len(lines) > 0:
			lines[len(lines)-1] += physical[1:]
		default:
			lines = append(lines, physical)
		}
	}
	return lines
}

// unescapeText reverses TEXT escaping.
func unescapeText(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n").Replace(s)
}

func FuzzTextSurvivesEscapingAndFolding(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d", "line\r\nnext\rlast\n", strings.Repeat("ü", 80), trickyText, "\x00\x1f\t\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("iCalendar is UTF-8")
		}
		var w contentWriter
		w.text("SUMMARY", s)
		lines := unfold(t, w.Bytes())
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "SUMMARY:") {
			t.Fatalf("one property became %q", lines)
		}
		want := strings.Map(func(r rune) rune {
			if isControl(r) && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s))
		if got := unescapeText(strings.TrimPrefix(lines[0], "SUMMARY:")); got != want {
			t.Fatalf("read back %q, want %q", got, want)
		}
	})
}

func TestQuoteParamKeepsTheParameterIntact(t *testing.T) {
	for in, want := range map[string]string{
		"Ana":                 `"Ana"`,
		`Zoë "Z"; Ops, EMEA:`: `"Zoë 'Z'; Ops, EMEA:"`,
		"two\r\nlines\x00":    `"two  lines"`,
	} {
		if got := quoteParam(in); got != want {
			t.Errorf("quoteParam(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestVTimezoneFollowsGoZoneData(t *testing.T) {
	tests := []struct {
		zone     string
		from, to time.Time
		want     string
	}{{
		// The period in force on 11 January began on 25 October 2026; two changes follow in 2027.
		zone: "Europe/London", from: day(2027, 1, 11), to: day(2027, 12, 17),
		want: `BEGIN:VTIMEZONE|TZID:Europe/London|` +
			`BEGIN:STANDARD|DTSTART:20261025T020000|TZOFFSETFROM:+0100|TZOFFSETTO:+0000|TZNAME:GMT|END:STANDARD|` +
			`BEGIN:DAYLIGHT|DTSTART:20270328T010000|TZOFFSETFROM:+0000|TZOFFSETTO:+0100|TZNAME:BST|END:DAYLIGHT|` +
			`BEGIN:STANDARD|DTSTART:20271031T020000|TZOFFSETFROM:+0100|TZOFFSETTO:+0000|TZNAME:GMT|END:STANDARD|` +
			`END:VTIMEZONE`,
	}, {
		// Southern hemisphere: daylight time in January, standard from 4 April.
		zone: "Australia/Sydney", from: day(2027, 1, 11), to: day(2027, 6, 30),
		want: `BEGIN:VTIMEZONE|TZID:Australia/Sydney|` +
			`BEGIN:DAYLIGHT|DTSTART:20261004T020000|TZOFFSETFROM:+1000|TZOFFSETTO:+1100|TZNAME:AEDT|END:DAYLIGHT|` +
			`BEGIN:STANDARD|DTSTART:20270404T030000|TZOFFSETFROM:+1100|TZOFFSETTO:+1000|TZNAME:AEST|END:STANDARD|` +
			`END:VTIMEZONE`,
	}, {
		// Singapore last changed its clock at 23:30 on 31 December 1981, to midnight: one observance.
		zone: "Asia/Singapore", from: day(2027, 1, 11), to: day(2027, 12, 17),
		want: `BEGIN:VTIMEZONE|TZID:Asia/Singapore|` +
			`BEGIN:STANDARD|DTSTART:19811231T233000|TZOFFSETFROM:+0730|TZOFFSETTO:+0800|TZNAME:+08|END:STANDARD|` +
			`END:VTIMEZONE`,
	}, {
		zone: "UTC", from: day(2027, 1, 11), to: day(2027, 12, 17),
		want: `BEGIN:VTIMEZONE|TZID:UTC|` +
			`BEGIN:STANDARD|DTSTART:19700101T000000|TZOFFSETFROM:+0000|TZOFFSETTO:+0000|TZNAME:UTC|END:STANDARD|` +
			`END:VTIMEZONE`,
	}}
	for _, tt := range tests {
		var w contentWriter
		w.timezone(zone(t, tt.zone), tt.from, tt.to)
		if got := strings.Join(unfold(t, w.Bytes()), "|"); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.zone, got, tt.want)
		}
	}
}

func TestUTCOffset(t *testing.T) {
	for seconds, want := range map[int]string{0: "+0000", 3600: "+0100", -16200: "-0430", 20700: "+0545", 45900: "+1245", -(5*3600 + 17*60 + 32): "-051732"} {
		if got := utcOffset(seconds); got != want {
			t.Errorf("utcOffset(%d) = %s, want %s", seconds, got, want)
		}
	}
}

// validEvent is an encodable event on a chosen slot.
func validEvent(t *testing.T) Event {
	anchor, other := officePair(t)
	slot, err := Choose(newRequest(anchor, other, wholeYear, Biweekly, 45, "valid"))
	if err != nil {
		t.Fatal(err)
	}
	return Event{UID: EventUID("valid"), Stamp: day(2027, 1, 1), Slot: slot, Summary: "Reverse mentoring",
		Organizer: Contact{"Office", "office@example.org"}, Attendees: []Contact{{"Ana", "ana@example.org"}, {"Bob", "bob@example.org"}}}
}

func TestEncodeWritesOneSeries(t *testing.T) {
	ev := validEvent(t)
	ev.Sequence = 3
	ics, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	lines := unfold(t, ics)
	first := ev.Slot.First.In(ev.Slot.Zone)
	for _, want := range []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + ProdID, "BEGIN:VTIMEZONE", "TZID:Europe/London", "BEGIN:VEVENT",
		"UID:" + ev.UID, "SEQUENCE:3", "DTSTAMP:20270101T000000Z",
		"DTSTART;TZID=Europe/London:" + first.Format("20060102T150405"), "DURATION:PT45M", "RRULE:" + ev.Slot.RRule,
		`ORGANIZER;CN="Office":mailto:office@example.org`, `ATTENDEE;CN="Ana";ROLE=REQ-PARTICIPANT:mailto:ana@example.org`,
		"STATUS:CONFIRMED", hashProperty + ":" + ev.Hash(), "END:VEVENT", "END:VCALENDAR",
	} {
		if !contains(lines, want) {
			t.Errorf("missing %q in\n%s", want, ics)
		}
	}
	ev.Cancelled = true
	cancelled, _ := Encode(ev)
	if !contains(unfold(t, cancelled), "STATUS:CANCELLED") {
		t.Errorf("a cancelled series is not STATUS:CANCELLED:\n%s", cancelled)
	}
}

func contains(lines []string, line string) bool {
	for _, l := range lines {
		if l == line {
			return true
		}
	}
	return false
}

func TestEncodeRejectsInvalidEvents(t *testing.T) {
	tests := map[string]func(*Event){
		"no UID":                    func(e *Event) { e.UID = " " },
		"no stamp":                  func(e *Event) { e.Stamp = time.Time{} },
		"no zone":                   func(e *Event) { e.Slot.Zone = nil },
		"a slot that was not chose": func(e *Event) { e.Slot = Slot{Zone: e.Slot.Zone} },
		"an organizer with a space": func(e *Event) { e.Organizer.Email = "office @example.org" },
		"an attendee without email": func(e *Event) { e.Attendees[1].Email = "" },
		"a line break in an email":  func(e *Event) { e.Attendees[0].Email = "ana@example.org\r\nATTENDEE:mailto:x@y" },
	}
	for name, change := range tests {
		ev := validEvent(t)
		change(&ev)
		if _, err := Encode(ev); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%s: err = %v, want ErrInvalidEvent", name, err)
		} else if strings.Contains(err.Error(), "example.org") {
			t.Errorf("%s: the error shows an address: %v", name, err)
		}
		if _, err := EncodeFeed([]Event{validEvent(t), ev}); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%s: the feed's err = %v, want ErrInvalidEvent", name, err)
		}
	}
}

func TestHashIgnoresSequenceAndStampOnly(t *testing.T) {
	ev := validEvent(t)
	bumped := ev
	bumped.Sequence, bumped.Stamp = 7, day(2027, 5, 1)
	if ev.Hash() != bumped.Hash() || len(ev.Hash()) != 64 {
		t.Fatalf("hash %s changed with the sequence and stamp to %s", ev.Hash(), bumped.Hash())
	}
	for name, change := range map[string]func(*Event){
		"summary":   func(e *Event) { e.Summary += "!" },
		"cancelled": func(e *Event) { e.Cancelled = true },
		"attendee":  func(e *Event) { e.Attendees = e.Attendees[:1] },
		"slot":      func(e *Event) { e.Slot.Last = e.Slot.Last.AddDate(0, 0, -14) },
	} {
		changed := validEvent(t)
		change(&changed)
		if changed.Hash() == ev.Hash() {
			t.Errorf("the hash ignores a change of %s", name)
		}
	}
}

func TestEncodeFeedIsOrderIndependent(t *testing.T) {
	a, b := validEvent(t), validEvent(t)
	b.UID = EventUID("other")
	one, err := EncodeFeed([]Event{a, b})
	if err != nil {
		t.Fatal(err)
	}
	two, _ := EncodeFeed([]Event{b, a})
	if !bytes.Equal(one, two) {
		t.Fatal("the feed depends on the order of its events")
	}
	if n := strings.Count(string(one), "BEGIN:VTIMEZONE"); n != 1 {
		t.Fatalf("%d VTIMEZONE blocks for one zone", n)
	}
	empty, err := EncodeFeed(nil)
	if err != nil || !contains(unfold(t, empty), "END:VCALENDAR") {
		t.Fatalf("empty feed: %v\n%s", err, empty)
	}
}

// Go's zone data stops at 2040; a series beyond it still encodes, and quickly.
func TestTimezoneBeyond2040(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	var w contentWriter
	w.timezone(london, time.Date(2039, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC))
	if got := strings.Count(w.String(), "BEGIN:DAYLIGHT"); got < 2 || got > 7 {
		t.Fatalf("%d DAYLIGHT observances for 2039 to 2045, want a few:\n%s", got, w.String())
	}
}

// TestEncodeMethodIsTheStoredObjectWithAMethod checks that an invitation is the object a CalDAV
// server stores, line for line, but for the METHOD, the attendees' reply parameters and the stored
// content hash.
func TestEncodeMethodIsTheStoredObjectWithAMethod(t *testing.T) {
	ev := validEvent(t)
	stored, err := Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	request, err := EncodeMethod(ev, MethodRequest)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range unfold(t, stored) {
		if strings.HasPrefix(line, hashProperty+":") {
			continue
		}
		line = strings.Replace(line, "ROLE=REQ-PARTICIPANT:", "ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:", 1)
		if want = append(want, line); line == "CALSCALE:GREGORIAN" {
			want = append(want, "METHOD:REQUEST")
		}
	}
	if got := unfold(t, request); !slices.Equal(got, want) {
		t.Errorf("REQUEST:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ev.Cancelled, ev.Sequence = true, 1
	cancel, err := EncodeMethod(ev, MethodCancel)
	if err != nil {
		t.Fatal(err)
	}
	lines := unfold(t, cancel)
	for _, line := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", `ATTENDEE;CN="Ana";ROLE=REQ-PARTICIPANT:mailto:ana@example.org`} {
		if !contains(lines, line) {
			t.Errorf("missing %q in\n%s", line, cancel)
		}
	}
}

func TestEncodeMethodRejectsWhatAnInvitationCannotBe(t *testing.T) {
	tests := map[string]struct {
		change func(*Event)
		method Method
	}{
		"an unknown method":           {func(*Event) {}, "PUBLISH"},
		"a request without organizer": {func(e *Event) { e.Organizer = Contact{} }, MethodRequest},
		"a cancelled request":         {func(e *Event) { e.Cancelled = true }, MethodRequest},
		"a cancel of a live event":    {func(*Event) {}, MethodCancel},
		"an invalid event":            {func(e *Event) { e.UID = "" }, MethodRequest},
	}
	for name, tt := range tests {
		ev := validEvent(t)
		tt.change(&ev)
		if _, err := EncodeMethod(ev, tt.method); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%s: err = %v, want ErrInvalidEvent", name, err)
		}
	}
}
