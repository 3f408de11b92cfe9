package webhook

import (
	"testing"
	"time"
)

// t0 is the tests' clock origin: a Monday morning during a programme.
var t0 = time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC)

// testSecret is a Standard Webhooks secret used by the tests and their receivers.
const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func pairingObject() Object {
	return Object{Namespace: "hr", Programme: "spring", Kind: KindPairing, Name: "spring-abc123"}
}

func pairingData() PairingData {
	score := int32(82)
	return PairingData{
		Programme: "spring", Pairing: "spring-abc123", Mentor: "p-017", Mentee: "p-004",
		Score: &score, Topics: []string{"ai", "social-media"},
	}
}

// pairingEvents are the events of a pairing's whole life, in order.
func pairingEvents() []Event {
	obj := pairingObject()
	scheduled := pairingData()
	scheduled.Meeting = &Meeting{Next: time.Date(2027, 1, 12, 11, 0, 0, 0, time.FixedZone("CET", 3600)), DurationMinutes: 45,
		RecurrenceRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270630T235959Z"}
	ended := pairingData()
	ended.EndReason = "ParticipantLeft"
	return []Event{
		NewEvent(obj, PairingProposed, "", t0, pairingData()),
		NewEvent(obj, PairingActivated, "", t0.Add(time.Hour), pairingData()),
		NewEvent(obj, PairingMeetingScheduled, "Tuesday/11:00/Europe/Berlin/1", t0.Add(2*time.Hour), scheduled),
		NewEvent(obj, PairingEnded, "ParticipantLeft", t0.Add(3*time.Hour), ended),
	}
}

// allEvents holds one event of every type.
func allEvents() []Event {
	programme := Object{Namespace: "hr", Programme: "spring", Kind: KindProgramme, Name: "spring"}
	participant := Object{Namespace: "hr", Programme: "spring", Kind: KindParticipant, Name: "p-031"}
	counts := ProgrammeData{Programme: "spring", Participants: 40, Pairings: 17, Unmatched: 3, MatchRatePercent: 85, AverageScore: 74}
	return append(pairingEvents(),
		NewEvent(programme, ProgrammeMatched, "2027-01-04T08:00:00Z", t0.Add(-7*24*time.Hour), counts),
		NewEvent(programme, ProgrammeCompleted, "", t0.Add(170*24*time.Hour), counts),
		NewEvent(participant, ParticipantUnmatched, "NoSharedTopic/2027-01-04T08:00:00Z", t0.Add(-7*24*time.Hour),
			ParticipantData{Programme: "spring", Participant: "p-031", Reason: "NoSharedTopic"}),
		NewEvent(pairingObject(), CheckInDue, "checkin-1", t0.Add(28*24*time.Hour), checkInData()),
		NewEvent(pairingObject(), PairingNeedsAttention, "NeedsAttention/NoMeetingsReported/checkin-2", t0.Add(56*24*time.Hour),
			AttentionData{Programme: "spring", Pairing: "spring-abc123", Mentor: "p-017", Mentee: "p-004", Health: "NeedsAttention",
				Cause: "NoMeetingsReported", Round: "checkin-2", Message: "No meeting was reported in the last two check-ins."}),
	)
}

func checkInData() CheckInData {
	return CheckInData{Programme: "spring", Pairing: "spring-abc123", Mentor: "p-017", Mentee: "p-004", Round: "checkin-1",
		Kind: "CheckIn", Opens: t0.Add(28 * 24 * time.Hour), Closes: t0.Add(56 * 24 * time.Hour)}
}

// hostileText tries to inject mentions, links, Markdown, entities and control characters.
const hostileText = "<!channel> <@U123> <https://evil.example|click here> [link](https://evil.example) **bold** &amp; &lt; \n# heading\r\u0007\u202e"

// hostileEvent carries hostileText in every free-text field a payload has.
func hostileEvent() Event {
	d := pairingData()
	d.Mentor, d.Mentee, d.EndReason = hostileText, hostileText, hostileText
	d.Topics = []string{hostileText}
	return NewEvent(pairingObject(), PairingEnded, hostileText, t0, d)
}

func mustSecret(t testing.TB, s string) Secret {
	t.Helper()
	secret, err := ParseSecret(s)
	if err != nil {
		t.Fatalf("ParseSecret: %v", err)
	}
	return secret
}
