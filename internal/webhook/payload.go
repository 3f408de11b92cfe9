package webhook

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Payload is an event's data: a [PairingData], [ProgrammeData] or [ParticipantData]. Their fields are
// all that receivers learn, so no personal data (emails, display names, attributes, managers) can reach
// them through an event.
type Payload interface {
	// summary is one sentence for people about an event of type t.
	summary(t EventType) string
	// facts are the payload's labelled values for people.
	facts() []fact
}

// fact is a labelled value shown to people in chat messages.
type fact struct {
	label, value string
}

// PairingData is the payload of the pairing.* events. People appear by their Participant names, which
// are pseudonymous ids.
type PairingData struct {
	// Programme is the programme's name.
	Programme string `json:"programme"`
	// Pairing is the Pairing's name.
	Pairing string `json:"pairing"`
	// Mentor is the mentor's Participant name.
	Mentor string `json:"mentor"`
	// Mentee is the mentee's Participant name.
	Mentee string `json:"mentee"`
	// Score of the pair from 0 to 100, when the matcher scored it.
	Score *int32 `json:"score,omitempty"`
	// Topics the pair works on.
	Topics []string `json:"topics,omitempty"`
	// Meeting is the pair's standing meeting, when scheduled.
	Meeting *Meeting `json:"meeting,omitempty"`
	// EndReason says why the pairing ended, such as ParticipantLeft.
	EndReason string `json:"endReason,omitempty"`
}

// Meeting is a pair's standing meeting.
type Meeting struct {
	// Next is the start of the next meeting; sent in UTC.
	Next time.Time `json:"next"`
	// DurationMinutes of each meeting.
	DurationMinutes int32 `json:"durationMinutes"`
	// RecurrenceRule of the series, as in an iCalendar RRULE.
	RecurrenceRule string `json:"recurrenceRule,omitempty"`
}

// MarshalJSON writes the meeting with its time in UTC.
func (m Meeting) MarshalJSON() ([]byte, error) {
	type plain Meeting
	m.Next = m.Next.UTC()
	return json.Marshal(plain(m))
}

// ProgrammeData is the payload of the programme.* events: counts, no names of people.
type ProgrammeData struct {
	// Programme is the programme's name.
	Programme string `json:"programme"`
	// Participants enrolled.
	Participants int32 `json:"participants"`
	// Pairings that are active.
	Pairings int32 `json:"pairings"`
	// Unmatched is the number of eligible mentees without a pairing.
	Unmatched int32 `json:"unmatched"`
	// MatchRatePercent is the share of eligible mentees who have a pairing.
	MatchRatePercent int32 `json:"matchRatePercent"`
	// AverageScore of the active pairings.
	AverageScore int32 `json:"averageScore"`
	// Outcome sums up the check-ins and surveys, in programme.completed when the programme measures.
	Outcome *ProgrammeOutcome `json:"outcome,omitempty"`
}

// ParticipantData is the payload of the participant.* events.
type ParticipantData struct {
	// Programme is the programme's name.
	Programme string `json:"programme"`
	// Participant is the Participant's name, a pseudonymous id.
	Participant string `json:"participant"`
	// Reason is a CamelCase word such as NoSharedTopic.
	Reason string `json:"reason"`
}

func (d PairingData) summary(t EventType) string {
	switch t {
	case PairingProposed:
		s := fmt.Sprintf("Pairing %s proposed: mentor %s with mentee %s", d.Pairing, d.Mentor, d.Mentee)
		if d.Score != nil {
			s += fmt.Sprintf(" (score %d)", *d.Score)
		}
		return s + "."
	case PairingActivated:
		return fmt.Sprintf("Pairing %s is active: mentor %s with mentee %s.", d.Pairing, d.Mentor, d.Mentee)
	case PairingMeetingScheduled:
		if d.Meeting == nil {
			return fmt.Sprintf("Pairing %s has no meeting left.", d.Pairing)
		}
		return fmt.Sprintf("Pairing %s meets next on %s for %d minutes.", d.Pairing, meetingTime(d.Meeting.Next), d.Meeting.DurationMinutes)
	case PairingEnded:
		return fmt.Sprintf("Pairing %s ended: %s.", d.Pairing, d.EndReason)
	}
	return fmt.Sprintf("Pairing %s: %s.", d.Pairing, t)
}

func (d PairingData) facts() []fact {
	fs := []fact{{"Programme", d.Programme}, {"Pairing", d.Pairing}, {"Mentor", d.Mentor}, {"Mentee", d.Mentee}}
	if d.Score != nil {
		fs = append(fs, fact{"Score", strconv.Itoa(int(*d.Score))})
	}
	if len(d.Topics) > 0 {
		fs = append(fs, fact{"Topics", strings.Join(d.Topics, ", ")})
	}
	if d.Meeting != nil {
		fs = append(fs, fact{"Next meeting", meetingTime(d.Meeting.Next)})
	}
	if d.EndReason != "" {
		fs = append(fs, fact{"End reason", d.EndReason})
	}
	return fs
}

func (d ProgrammeData) summary(t EventType) string {
	switch t {
	case ProgrammeMatched:
		return fmt.Sprintf("Programme %s matched: %d pairings, %d unmatched, match rate %d%%, average score %d.",
			d.Programme, d.Pairings, d.Unmatched, d.MatchRatePercent, d.AverageScore)
	case ProgrammeCompleted:
		s := fmt.Sprintf("Programme %s completed with %d pairings", d.Programme, d.Pairings)
		if o := d.Outcome; o != nil && o.ResponseRatePercent != nil {
			s += fmt.Sprintf("; %d%% of check-ins answered", *o.ResponseRatePercent)
		}
		return s + "."
	}
	return fmt.Sprintf("Programme %s: %s.", d.Programme, t)
}

func (d ProgrammeData) facts() []fact {
	return []fact{
		{"Programme", d.Programme},
		{"Participants", strconv.Itoa(int(d.Participants))},
		{"Pairings", strconv.Itoa(int(d.Pairings))},
		{"Unmatched", strconv.Itoa(int(d.Unmatched))},
		{"Match rate", strconv.Itoa(int(d.MatchRatePercent)) + "%"},
		{"Average score", strconv.Itoa(int(d.AverageScore))},
	}
}

func (d ParticipantData) summary(t EventType) string {
	if t == ParticipantUnmatched {
		return fmt.Sprintf("Participant %s in programme %s is unmatched: %s.", d.Participant, d.Programme, d.Reason)
	}
	return fmt.Sprintf("Participant %s: %s.", d.Participant, t)
}

func (d ParticipantData) facts() []fact {
	return []fact{{"Programme", d.Programme}, {"Participant", d.Participant}, {"Reason", d.Reason}}
}

// meetingTime writes a meeting's start for people, in UTC, such as "Tue 2027-01-12 10:00 UTC".
func meetingTime(t time.Time) string {
	return t.UTC().Format("Mon 2006-01-02 15:04 UTC")
}
