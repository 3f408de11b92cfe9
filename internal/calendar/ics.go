package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ProdID identifies this program in every calendar object it writes.
const ProdID = "-//reverse-mentoring.dev//reverse-mentoring-operator//EN"

// localLayout is an iCalendar DATE-TIME in local time, read with a TZID.
const localLayout = "20060102T150405"

// Encode returns the event as an iCalendar object: a VCALENDAR with one VEVENT and the VTIMEZONE of
// its zone, as a CalDAV server stores it.
func Encode(ev Event) ([]byte, error) {
	if err := ev.validate(); err != nil {
		return nil, err
	}
	w := contentWriter{hashed: true}
	w.calendar(nil, []Event{ev})
	return w.Bytes(), nil
}

// hashProperty carries, in a stored event, the hash of its content (Event.Hash), so that the operator
// can tell when it finds the series again whether it is the one it would write.
const hashProperty = "X-MENTORING-HASH"

// Method is an iTIP method (RFC 5546): what a calendar object sent by email asks its recipient to do.
type Method string

// The methods the operator sends.
const (
	// MethodRequest invites the attendees to the series, or updates it when its SEQUENCE is higher.
	MethodRequest Method = "REQUEST"
	// MethodCancel cancels the series; the event must be marked Cancelled.
	MethodCancel Method = "CANCEL"
)

// EncodeMethod returns the event as an iTIP message (RFC 5546) for an email invitation (RFC 6047):
// the object Encode writes, with the METHOD and, for a request, attendees asked to reply. A request
// needs an organizer, to whom the replies go; a cancellation must carry a cancelled event.
func EncodeMethod(ev Event, method Method) ([]byte, error) {
	if err := ev.validate(); err != nil {
		return nil, err
	}
	switch {
	case method != MethodRequest && method != MethodCancel:
		return nil, fmt.Errorf("%w: method %q is neither REQUEST nor CANCEL", ErrInvalidEvent, method)
	case ev.Organizer.Email == "":
		return nil, fmt.Errorf("%w: an invitation needs an organizer", ErrInvalidEvent)
	case ev.Cancelled != (method == MethodCancel):
		return nil, fmt.Errorf("%w: only a cancelled event is sent with CANCEL, and it only with CANCEL", ErrInvalidEvent)
	}
	w := contentWriter{rsvp: method == MethodRequest}
	w.calendar([]string{"METHOD:" + string(method)}, []Event{ev})
	return w.Bytes(), nil
}

// EncodeFeed returns one participant's events as a calendar subscription: one VCALENDAR with every
// event, ordered by UID so that the same events always give the same bytes.
func EncodeFeed(events []Event) ([]byte, error) {
	for _, ev := range events {
		if err := ev.validate(); err != nil {
			return nil, err
		}
	}
	events = slices.Clone(events)
	slices.SortFunc(events, func(a, b Event) int { return cmp.Compare(a.UID, b.UID) })
	var w contentWriter
	w.calendar([]string{
		"X-WR-CALNAME:Reverse mentoring",
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
		"X-PUBLISHED-TTL:PT1H",
	}, events)
	return w.Bytes(), nil
}

// calendar writes a VCALENDAR holding the events, after the extra header lines and the VTIMEZONE
// of every zone the events use.
func (w *contentWriter) calendar(header []string, events []Event) {
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", ProdID)
	w.prop("CALSCALE", "GREGORIAN")
	for _, l := range header {
		w.line(l)
	}
	for _, z := range zonesOf(events) {
		w.timezone(z.zone, z.from, z.to)
	}
	for _, ev := range events {
		w.event(ev)
	}
	w.prop("END", "VCALENDAR")
}

// event writes one VEVENT: the recurring meeting series.
func (w *contentWriter) event(ev Event) {
	s := ev.Slot
	first := s.First.In(s.Zone)
	w.prop("BEGIN", "VEVENT")
	w.text("UID", ev.UID)
	w.prop("SEQUENCE", strconv.Itoa(ev.Sequence))
	w.prop("DTSTAMP", ev.Stamp.UTC().Format(utcLayout))
	w.prop("DTSTART;TZID="+s.Zone.String(), first.Format(localLayout))
	w.prop("DURATION", icsDuration(s.Duration))
	w.prop("RRULE", rrule(first.Weekday(), s.Interval, s.Last))
	if ev.Summary != "" {
		w.text("SUMMARY", ev.Summary)
	}
	if ev.Description != "" {
		w.text("DESCRIPTION", ev.Description)
	}
	if ev.Organizer.Email != "" {
		w.prop("ORGANIZER"+cnParam(ev.Organizer.Name), "mailto:"+ev.Organizer.Email)
	}
	reply := ""
	if w.rsvp {
		reply = ";PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
	}
	for _, a := range ev.Attendees {
		w.prop("ATTENDEE"+cnParam(a.Name)+";ROLE=REQ-PARTICIPANT"+reply, "mailto:"+a.Email)
	}
	status := "CONFIRMED"
	if ev.Cancelled {
		status = "CANCELLED"
	}
	w.prop("STATUS", status)
	if w.hashed {
		w.prop(hashProperty, ev.Hash())
	}
	w.prop("END", "VEVENT")
}

// cnParam is the CN parameter for a name, or nothing for no name.
func cnParam(name string) string {
	if strings.TrimSpace(name) == "" {
		return ""
	}
	return ";CN=" + quoteParam(name)
}

// icsDuration writes a positive duration as an iCalendar DURATION, such as PT1H30M.
func icsDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if s > 0 {
		out += fmt.Sprintf("%dS", s)
	}
	return out
}

// zoneSpan is a zone and the period its VTIMEZONE must describe.
type zoneSpan struct {
	zone     *time.Location
	from, to time.Time
}

// zonesOf lists the zones the events use, by name, each with the period from its first meeting's
// start to its last meeting's end.
func zonesOf(events []Event) []zoneSpan {
	spans := map[string]*zoneSpan{}
	var names []string
	for _, ev := range events {
		s := ev.Slot
		name, end := s.Zone.String(), s.Last.Add(s.Duration)
		z, ok := spans[name]
		if !ok {
			spans[name] = &zoneSpan{zone: s.Zone, from: s.First, to: end}
			names = append(names, name)
			continue
		}
		z.from, z.to = minTime(z.from, s.First), maxTime(z.to, end)
	}
	slices.Sort(names)
	out := make([]zoneSpan, len(names))
	for i, n := range names {
		out[i] = *spans[n]
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
