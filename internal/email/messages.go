package email

import (
	"cmp"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// Message is one email to one person of a pairing.
type Message struct {
	// ID is the Message-ID, without angle brackets.
	ID string
	// Recipient and Kind say which record of the outbox the message is.
	Recipient Role
	Kind      Kind
	// Method of an invitation's calendar part: REQUEST or CANCEL.
	Method calendar.Method
	// From is the sender, ReplyTo where replies go when set, To the recipient.
	From    Address
	ReplyTo string
	To      Address
	// Subject and the bodies.
	Subject, Text, HTML string
	// Calendar is an invitation's iTIP object.
	Calendar []byte
}

// Messages derives the messages a pairing's state implies and the series to keep in its
// status.email.series:
//   - an active pairing: an introduction to each person, and the meeting series as an invitation
//     (REQUEST) once it is scheduled, with a higher sequence whenever what it says changes;
//   - a pairing that stops being active before its programme completes: the cancellation (CANCEL,
//     with the next sequence) of a series sent before, to each person still there who was sent it;
//   - a pairing completed with its programme: nothing more; what was sent stays as history.
//
// The same state always derives the same messages with the same ids. The error is a *TemplateError
// or a calendar.ErrInvalidEvent: a person must fix the templates or the addresses.
func Messages(st Pairing, t *Templates) ([]Message, *Series, error) {
	series, ev := nextSeries(st)
	var out []Message
	if st.Stage == Active && st.Mentor != nil && st.Mentee != nil {
		shown := series
		if shown != nil && shown.Cancelled {
			shown = nil
		}
		for _, r := range []Role{Mentor, Mentee} {
			m, err := st.message(t, st.identity(r, Introduction, "", 0), introductionContent, st.view(r, shown, false), nil)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, m)
		}
	}
	if series == nil || st.Stage == Completed {
		return out, series, nil
	}
	method, content := calendar.MethodRequest, invitationContent
	if series.Cancelled {
		method, content = calendar.MethodCancel, cancellationContent
	}
	if ev == nil {
		rebuilt := series.event(summary(st), "", st.From, []*Person{st.Mentor, st.Mentee})
		ev = &rebuilt
	}
	ics, err := calendar.EncodeMethod(*ev, method)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range []Role{Mentor, Mentee} {
		id := st.identity(r, Invitation, method, series.Sequence)
		if st.person(r) == nil || (series.Cancelled && !wasInvited(st.Records, r, id.MessageID())) {
			continue
		}
		m, err := st.message(t, id, content, st.view(r, series, series.Sequence > 0), ics)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, m)
	}
	return out, series, nil
}

// nextSeries is the series to send and keep: a new version of the scheduled series when its content
// changed since it was last sent (or it was cancelled), the cancellation of a series sent before when
// the pairing stopped being active, or the series as last sent. For a scheduled series it also returns
// the event as the invitation carries it.
func nextSeries(st Pairing) (*Series, *calendar.Event) {
	switch {
	case st.Stage == Active && st.Event != nil && st.Mentor != nil && st.Mentee != nil:
		ev := *st.Event
		ev.Organizer = calendar.Contact{Name: st.From.Name, Email: st.From.Email}
		ev.Attendees = []calendar.Contact{{Name: st.Mentor.Name, Email: st.Mentor.Email}, {Name: st.Mentee.Name, Email: st.Mentee.Email}}
		ev.Cancelled = false
		hash := ev.Hash()
		s := Series{UID: ev.UID, Hash: hash, Sequence: ev.Sequence, Stamp: ev.Stamp, First: ev.Slot.First, Last: ev.Slot.Last,
			Zone: ev.Slot.Zone, Duration: ev.Slot.Duration, Interval: ev.Slot.Interval}
		switch sent := st.Sent; {
		case sent != nil && !sent.Cancelled && sent.Hash == hash:
			s.Sequence, s.Stamp = sent.Sequence, sent.Stamp
		case sent != nil:
			s.Sequence = max(s.Sequence, sent.Sequence+1)
			s.Stamp = time.Time{}
		}
		if s.Stamp.IsZero() {
			s.Stamp = st.Now
		}
		s.Stamp = s.Stamp.UTC().Truncate(time.Second)
		ev.Sequence, ev.Stamp = s.Sequence, s.Stamp
		return &s, &ev
	case st.Stage == Inactive && st.Sent != nil && !st.Sent.Cancelled:
		s := *st.Sent
		s.Cancelled, s.Sequence = true, s.Sequence+1
		s.Stamp = cmp.Or(st.EndedAt, st.Now).UTC().Truncate(time.Second)
		return &s, nil
	case st.Sent != nil:
		s := *st.Sent
		return &s, nil
	}
	return nil, nil
}

// wasInvited reports whether the recipient may have the series in their calendar, so that a
// cancellation means something to them: their invitation was delivered, or attempted and still
// pending, or the cancellation itself is already their record.
func wasInvited(records []Record, r Role, cancelID string) bool {
	for _, rec := range records {
		if rec.Recipient == r && rec.Kind == Invitation &&
			(rec.MessageID == cancelID || rec.State == StateDelivered || (rec.State == StatePending && rec.Attempts > 0)) {
			return true
		}
	}
	return false
}

// summary is the title of a series rebuilt from status, as the controllers title it.
func summary(st Pairing) string {
	if st.Event != nil && st.Event.Summary != "" {
		return st.Event.Summary
	}
	return "Reverse mentoring: " + st.Programme
}

// identity names a message of this pairing.
func (st Pairing) identity(r Role, k Kind, method calendar.Method, sequence int) Identity {
	id := Identity{Namespace: st.Namespace, Programme: st.Programme, Pairing: st.Name, Occurrence: st.Occurrence, Recipient: r, Kind: k}
	if k == Invitation {
		id.Method, id.Sequence = string(method), sequence
	}
	return id
}

// message renders the message with the given identity.
func (st Pairing) message(t *Templates, id Identity, content string, v View, ics []byte) (Message, error) {
	body, err := t.render(content, v)
	if err != nil {
		return Message{}, err
	}
	to := st.person(id.Recipient)
	return Message{
		ID: id.MessageID(), Recipient: id.Recipient, Kind: id.Kind, Method: calendar.Method(id.Method),
		From: st.From, ReplyTo: st.ReplyTo, To: Address{Name: to.Name, Email: to.Email},
		Subject: body.subject, Text: body.text, HTML: body.html, Calendar: ics,
	}, nil
}
