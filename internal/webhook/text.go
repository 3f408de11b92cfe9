package webhook

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds of the texts shown to people. Escaped for Slack, where each character may become five, they
// stay within its limits of 3000 characters for a section's text and 2000 for a field.
const (
	maxSummaryRunes = 600
	maxValueRunes   = 300
)

// titles are the headings of chat messages, one per event type.
var titles = map[EventType]string{
	PairingProposed:         "Pairing proposed",
	PairingActivated:        "Pairing active",
	PairingMeetingScheduled: "Meeting scheduled",
	PairingEnded:            "Pairing ended",
	ProgrammeMatched:        "Programme matched",
	ProgrammeCompleted:      "Programme completed",
	ParticipantUnmatched:    "Participant unmatched",
	CheckInDue:              "Check-in open",
	PairingNeedsAttention:   "Pairing needs attention",
	FeedbackSubmitted:       "Feedback submitted",
}

// title is the heading of a chat message about an event of type t.
func title(t EventType) string {
	if s, ok := titles[t]; ok {
		return s
	}
	return "Mentoring event"
}

// footer is the last line of a chat message: the event id, type and time, such as
// "Event evt_… · pairing.proposed · 2027-01-11T09:00:00Z".
func footer(e Event) string {
	return "Event " + e.ID + " · " + string(e.Type) + " · " + e.Time.UTC().Format(time.RFC3339)
}

// plainText makes s safe to show on one line: control characters, line and paragraph separators and
// bidirectional controls (which can make text read backwards) become spaces, invalid UTF-8 becomes
// U+FFFD, and more than n runes are cut with an ellipsis.
func plainText(s string, n int) string {
	return clip(strings.Map(unsafeToSpace, strings.ToValidUTF8(s, string(utf8.RuneError))), n)
}

// unsafeToSpace turns a character that could break a line or reorder text into a space.
func unsafeToSpace(r rune) rune {
	if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control) {
		return ' '
	}
	return r
}

// clip cuts s to at most n runes, the last of them an ellipsis when s was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// slackEscaper turns Slack's three control characters into the entities Slack asks for, so text cannot
// form links, mentions (<!channel>, <@U123>) or channel references.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackEscape is s as safe Slack mrkdwn text: on one line, at most n runes before escaping, with &, <
// and > escaped.
func slackEscape(s string, n int) string {
	return slackEscaper.Replace(plainText(s, n))
}
