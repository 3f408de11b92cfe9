package email

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// View is what every template sees: the pairing from the reader's side. docs/email.md lists its
// fields for people who write their own templates.
type View struct {
	// Programme is the programme's name; Purpose what it is for.
	Programme, Purpose string
	// Reader is the person the message goes to; Partner the other one.
	Reader, Partner PersonView
	// Mentor and Mentee are the two display names.
	Mentor, Mentee string
	// Reverse is true when the more junior person mentors, as in reverse mentoring.
	Reverse bool
	// Topics the pair shares, in words ("AI", "social media").
	Topics []string
	// Reasons they were matched, one plain sentence each, best first.
	Reasons []string
	// Meeting is the standing meeting in the reader's time zone; nil while none is scheduled.
	Meeting *MeetingView
	// Ends is the programme's last day, such as "30 June 2027".
	Ends string
	// Agenda of the first meeting, one item each.
	Agenda []string
	// Update is true for an invitation that changes a series sent before.
	Update bool
	// Office is the programme office: the sender, who receives replies.
	Office string
}

// PersonView is one of the pair, as the reader sees them.
type PersonView struct {
	// Name is the display name; for a partner who has left, "your mentor" or "your mentee".
	Name string
	// Role is "mentor" or "mentee".
	Role string
	// TimeZone is the person's IANA time zone; empty for a partner who has left.
	TimeZone string
}

// MeetingView is the pair's standing meeting in the reader's time zone.
type MeetingView struct {
	// Next is the next meeting, such as "Tuesday 12 January 2027, 10:00–10:45"; empty when none is
	// left.
	Next string
	// Cadence is "every week", "every two weeks" or "every four weeks".
	Cadence string
	// Weekday and Time are the usual day and time, such as "Tuesday" and "10:00–10:45".
	Weekday, Time string
	// DurationMinutes of each meeting.
	DurationMinutes int
	// Remaining is the number of meetings from the next one to the end.
	Remaining int
	// TimeZone the times are shown in: the reader's.
	TimeZone string
}

// agenda is the first meeting's agenda: programmes fail when people don't know how to behave with
// each other, so the first meeting sets goals and ground rules.
func agenda(topics []string) []string {
	goals := "Agree on two or three goals for the programme."
	if len(topics) > 0 {
		goals = "Agree on two or three goals, starting from the topics you share: " + list(topics) + "."
	}
	return []string{
		"Introduce yourselves: your work, and what each of you hopes to get from these conversations.",
		goals,
		"Agree on ground rules for open, honest conversation: what is said stays between you, no question is silly, " +
			"feedback is specific and kind, and either of you can say when something is not working.",
		"Agree on practicalities: where you meet, how to move a meeting, and what to try between meetings.",
	}
}

// view is the pairing as the reader sees it; series is the series the message is about, if any.
func (st Pairing) view(reader Role, series *Series, update bool) View {
	you, them := st.person(reader), st.person(other(reader))
	v := View{
		Programme: st.Programme, Purpose: st.Purpose, Reverse: st.Reverse, Update: update,
		Reader: personView(you, reader), Partner: personView(them, other(reader)),
		Topics: topicWords(st.Topics), Ends: st.Ends.Format("2 January 2006"),
		Office: cmp.Or(st.From.Name, st.From.Email),
	}
	v.Mentor, v.Mentee = personView(st.Mentor, Mentor).Name, personView(st.Mentee, Mentee).Name
	v.Reasons = reasons(st.Breakdown, reader, v.Topics, v.Partner.Name, st.Reverse)
	v.Agenda = agenda(v.Topics)
	if series != nil && you != nil {
		v.Meeting = meetingView(*series, you.Zone, st.Now)
	}
	return v
}

func personView(p *Person, r Role) PersonView {
	role := strings.ToLower(string(r))
	if p == nil {
		return PersonView{Name: "your " + role, Role: role}
	}
	zone := ""
	if p.Zone != nil {
		zone = p.Zone.String()
	}
	return PersonView{Name: oneLine(p.Name), Role: role, TimeZone: zone}
}

// meetingView shows the series in the reader's zone.
func meetingView(s Series, zone *time.Location, now time.Time) *MeetingView {
	if zone == nil {
		zone = s.Zone
	}
	slot := s.slot()
	m := &MeetingView{Cadence: cadenceWords(s.Interval), DurationMinutes: int(s.Duration / time.Minute), TimeZone: zone.String()}
	at := s.First
	for _, o := range slot.Occurrences() {
		if !o.Before(now) {
			m.Remaining++
			if m.Remaining == 1 {
				at = o
			}
		}
	}
	local := at.In(zone)
	m.Weekday, m.Time = local.Weekday().String(), local.Format("15:04")+"–"+local.Add(s.Duration).Format("15:04")
	if m.Remaining > 0 {
		m.Next = local.Format("Monday 2 January 2006") + ", " + m.Time
	}
	return m
}

func cadenceWords(weeks int) string {
	switch weeks {
	case 1:
		return "every week"
	case 2:
		return "every two weeks"
	case 4:
		return "every four weeks"
	}
	return fmt.Sprintf("every %d weeks", weeks)
}

// topicWords shows topics as words: dashes become spaces and two-letter words, which are nearly always
// abbreviations (ai, hr, ux), are written in capitals.
func topicWords(topics []string) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		words := strings.Split(t, "-")
		for j, w := range words {
			if utf8.RuneCountInString(w) == 2 {
				words[j] = strings.ToUpper(w)
			}
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// list joins words as a sentence does: "a", "a and b", "a, b and c".
func list(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// reasons says in plain words why the pair was matched, from the score breakdown, the criteria that
// counted most first. Diversity criteria are left out: they rest on sensitive attributes that the
// other person must not learn.
func reasons(breakdown []Points, reader Role, topics []string, partner string, reverse bool) []string {
	ranked := slices.Clone(breakdown)
	slices.SortStableFunc(ranked, func(a, b Points) int {
		return cmp.Or(cmp.Compare(b.Points, a.Points), cmp.Compare(a.Criterion, b.Criterion))
	})
	var out []string
	for _, p := range ranked {
		if p.Points <= 0 {
			continue
		}
		switch p.Criterion {
		case matching.CriterionTopicFit:
			if len(topics) == 0 {
				continue
			}
			if reader == Mentor {
				out = append(out, fmt.Sprintf("You know about %s, which %s wants to learn.", list(topics), partner))
			} else {
				out = append(out, fmt.Sprintf("%s knows about %s, which you want to learn.", upperFirst(partner), list(topics)))
			}
		case matching.CriterionAvailability:
			out = append(out, "Your free time overlaps every week, so a standing meeting fits both calendars.")
		case matching.CriterionCrossDepartment:
			out = append(out, "You work in different departments, so each of you sees parts of the organisation the other does not.")
		case matching.CriterionSeniorityGap:
			if reverse {
				out = append(out, "The gap in seniority between you is what reverse mentoring is for: each of you sees the organisation from a level the other rarely does.")
			} else {
				out = append(out, "The gap in seniority between you lets the mentor pass on experience the mentee is building.")
			}
		}
	}
	return out
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// oneLine makes a name or a subject safe for one header line: control characters, line and paragraph
// separators and bidirectional controls become spaces.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD")))
}

// event is the series as the invitation carries it.
func (s Series) event(summary, description string, organizer Address, attendees []*Person) calendar.Event {
	ev := calendar.Event{
		UID: s.UID, Sequence: s.Sequence, Stamp: s.Stamp, Slot: s.slot(), Summary: summary, Description: description,
		Organizer: calendar.Contact{Name: organizer.Name, Email: organizer.Email}, Cancelled: s.Cancelled,
	}
	for _, a := range attendees {
		if a != nil {
			ev.Attendees = append(ev.Attendees, calendar.Contact{Name: a.Name, Email: a.Email})
		}
	}
	return ev
}
