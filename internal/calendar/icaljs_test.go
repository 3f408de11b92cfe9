package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

type (
	icaljsEvent   = testenv.ICalEvent
	icaljsContact = testenv.ICalContact
)

// icaljs parses and expands iCalendar objects with ical.js, an implementation that shares nothing
// with this package.
var icaljs = testenv.ICalJS

// seriesCase is a chosen series to encode and expand.
type seriesCase struct {
	name string
	slot Slot
}

// icalSeries chooses series in zones with and without clock changes, across the 2027 changes of
// both hemispheres, at half-hour changes (Lord Howe) and changes at midnight (Santiago).
func icalSeries(t *testing.T) []seriesCase {
	london, newYork := zone(t, "Europe/London"), zone(t, "America/New_York")
	singapore, sydney := zone(t, "Asia/Singapore"), zone(t, "Australia/Sydney")
	tue, sun := time.Tuesday, time.Sunday
	reqs := []struct {
		name          string
		anchor, other side
		period        [2]time.Time
		cadence       Cadence
		minutes       int
	}{
		{"London-New York office hours", side{hours(9, 17, workdays...), london}, side{hours(9, 17, workdays...), newYork}, wholeYear, Biweekly, 45},
		{"New York evening, Singapore morning", side{hours(19, 22, workdays...), newYork}, side{hours(8, 10, workdays...), singapore}, wholeYear, Weekly, 60},
		{"Sydney morning, London evening", side{hours(7, 9, workdays...), sydney}, side{hours(19, 23, workdays...), london}, wholeYear, Weekly, 60},
		{"Singapore anchor, no clock changes", side{hours(16, 18, workdays...), singapore}, side{hours(9, 11, workdays...), london}, wholeYear, Monthly, 30},
		{"monthly around the March gap", side{hours(14, 15, tue), london}, side{hours(9, 10, tue), newYork}, spring, Monthly, 60},
		{"Sunday 02:00 after London's spring change", side{hours(2, 3, sun), london}, side{hours(0, 4, sun), time.UTC}, spring, Weekly, 15},
		{"Sunday 03:00 around New York's autumn change", side{hours(3, 4, sun), newYork}, side{hours(0, 12, sun), time.UTC}, autumn, Weekly, 30},
		{"Lord Howe's half-hour change", side{hours(11, 14, workdays...), zone(t, "Australia/Lord_Howe")}, side{hours(8, 12, workdays...), zone(t, "Asia/Tokyo")}, wholeYear, Weekly, 30},
		{"Santiago's changes at midnight", side{hours(0, 3, sun), zone(t, "America/Santiago")}, side{hours(0, 24, sun, time.Saturday), time.UTC}, wholeYear, Weekly, 30},
		{"Kathmandu's 45-minute offset", side{hours(18, 21, workdays...), zone(t, "Asia/Kathmandu")}, side{hours(13, 17, workdays...), london}, wholeYear, Biweekly, 50},
	}
	var out []seriesCase
	for i, r := range reqs {
		slot, err := Choose(newRequest(r.anchor, r.other, r.period, r.cadence, r.minutes, fmt.Sprint("seed-", i)))
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		out = append(out, seriesCase{r.name, slot})
	}
	return out
}

// trickyText has everything TEXT escaping and line folding must get right.
const trickyText = "Reverse mentoring: Zoë Ångström, PhD; \"Ops\" \\ Team — 東京オフィスとの定例ミーティング, line one\nline two\r\nline three"

func icalEvent(c seriesCase, i int) Event {
	return Event{
		UID:         EventUID(fmt.Sprintf("8d6f2c1e-0000-4000-8000-%012d", i)),
		Sequence:    i,
		Stamp:       time.Date(2027, 1, 1, 9, 30, 0, 0, time.UTC),
		Slot:        c.slot,
		Summary:     c.name + ": " + trickyText,
		Description: trickyText,
		Organizer:   Contact{Name: "Programme office, EMEA", Email: "office@example.org"},
		Attendees:   []Contact{{Name: "Zoë \"Z\" Ångström; PhD", Email: "zoe@example.org"}, {Email: "bob@example.org"}},
		Cancelled:   i%3 == 2,
	}
}

// TestICalJSExpandsSeriesToTheScheduledInstants encodes series in many zones, one event per object
// and all of them in one feed, and checks that ical.js reads back every field and expands each
// RRULE, through the VTIMEZONE blocks, to exactly the instants the schedule lists.
func TestICalJSExpandsSeriesToTheScheduledInstants(t *testing.T) {
	cases := icalSeries(t)
	var events []Event
	var objects [][]byte
	zones := map[string]bool{}
	for i, c := range cases {
		ev := icalEvent(c, i)
		ics, err := Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		events, objects, zones[c.slot.Zone.String()] = append(events, ev), append(objects, ics), true
	}
	feed, err := EncodeFeed(events)
	if err != nil {
		t.Fatal(err)
	}
	cals := icaljs(t, append(objects, feed)...)
	for i, c := range cases {
		cal := cals[i]
		if cal.ProdID != ProdID || len(cal.Timezones) != 1 || cal.Timezones[0] != c.slot.Zone.String() || len(cal.Events) != 1 {
			t.Fatalf("%s: ical.js read %+v", c.name, cal)
		}
		checkICalJSEvent(t, c, events[i], cal.Events[0])
	}
	cal := cals[len(cases)]
	if len(cal.Events) != len(events) || len(cal.Timezones) != len(zones) {
		t.Fatalf("the feed holds %d events and %d zones, want %d and %d", len(cal.Events), len(cal.Timezones), len(events), len(zones))
	}
	byUID := map[string]icaljsEvent{}
	for _, e := range cal.Events {
		byUID[e.UID] = e
	}
	for i, c := range cases {
		checkICalJSEvent(t, c, events[i], byUID[events[i].UID])
	}
}

// checkICalJSEvent compares what ical.js read with what was encoded.
func checkICalJSEvent(t *testing.T, c seriesCase, ev Event, got icaljsEvent) {
	t.Helper()
	want := c.slot.Occurrences()
	if len(got.Occurrences) != len(want) {
		t.Fatalf("%s: ical.js expands %d meetings, the schedule has %d:\n%v\n%v", c.name, len(got.Occurrences), len(want), got.Occurrences, want)
	}
	for i := range want {
		if !got.Occurrences[i].Equal(want[i]) {
			t.Fatalf("%s: meeting %d is %v for ical.js, %v (%s) for the schedule", c.name, i, got.Occurrences[i], want[i].UTC(), Format(want[i], c.slot.Zone))
		}
	}
	status := map[bool]string{false: "CONFIRMED", true: "CANCELLED"}[ev.Cancelled]
	normalised := strings.ReplaceAll(trickyText, "\r\n", "\n")
	switch {
	case got.UID != ev.UID || got.Sequence != ev.Sequence || got.Status != status || got.TZID != c.slot.Zone.String():
		t.Fatalf("%s: ical.js read uid %q, sequence %d, status %s, tzid %s", c.name, got.UID, got.Sequence, got.Status, got.TZID)
	case got.Summary != c.name+": "+normalised || got.Description != normalised:
		t.Fatalf("%s: ical.js read summary %q and description %q", c.name, got.Summary, got.Description)
	case got.DurationSeconds != int(c.slot.Duration.Seconds()):
		t.Fatalf("%s: ical.js read a duration of %ds, want %v", c.name, got.DurationSeconds, c.slot.Duration)
	case got.Organizer == nil || *got.Organizer != (icaljsContact{Name: "Programme office, EMEA", Email: "mailto:office@example.org"}):
		t.Fatalf("%s: ical.js read organizer %+v", c.name, got.Organizer)
	case len(got.Attendees) != 2 || got.Attendees[0] != (icaljsContact{Name: "Zoë 'Z' Ångström; PhD", Email: "mailto:zoe@example.org"}) ||
		got.Attendees[1] != (icaljsContact{Email: "mailto:bob@example.org"}):
		t.Fatalf("%s: ical.js read attendees %+v", c.name, got.Attendees)
	}
}

// TestICalJSReadsInvitations checks that ical.js reads a REQUEST and a CANCEL of every series with
// their method, the attendees asked to reply, and the same instants as the stored series.
func TestICalJSReadsInvitations(t *testing.T) {
	cases := icalSeries(t)
	var objects [][]byte
	for i, c := range cases {
		ev := icalEvent(c, i)
		ev.Cancelled = false
		request, err := EncodeMethod(ev, MethodRequest)
		if err != nil {
			t.Fatal(err)
		}
		ev.Cancelled = true
		cancel, err := EncodeMethod(ev, MethodCancel)
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, request, cancel)
	}
	cals := icaljs(t, objects...)
	for i, c := range cases {
		request, cancel := cals[2*i], cals[2*i+1]
		if request.Method != "REQUEST" || cancel.Method != "CANCEL" {
			t.Fatalf("%s: ical.js read methods %q and %q", c.name, request.Method, cancel.Method)
		}
		ev := icalEvent(c, i)
		ev.Cancelled = false
		got := request.Events[0]
		for _, a := range got.Attendees {
			if a.PartStat != "NEEDS-ACTION" || a.RSVP != "TRUE" {
				t.Fatalf("%s: a REQUEST's attendee reads %+v", c.name, a)
			}
		}
		for j := range got.Attendees {
			got.Attendees[j].PartStat, got.Attendees[j].RSVP = "", ""
		}
		checkICalJSEvent(t, c, ev, got)
		ev.Cancelled = true
		checkICalJSEvent(t, c, ev, cancel.Events[0])
	}
}
