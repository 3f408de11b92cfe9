package webhook

import (
	"cmp"
	"slices"
)

// eventOrder is the order of event types in records.
var eventOrder = []EventType{
	PairingProposed, PairingActivated, PairingMeetingScheduled, PairingEnded,
	ProgrammeMatched, ProgrammeCompleted, ParticipantUnmatched,
	CheckInDue, PairingNeedsAttention, FeedbackSubmitted,
}

// compareEventTypes orders event types as eventOrder does, unknown ones last by name.
func compareEventTypes(a, b EventType) int {
	ia, ib := slices.Index(eventOrder, a), slices.Index(eventOrder, b)
	if ia < 0 {
		ia = len(eventOrder)
	}
	if ib < 0 {
		ib = len(eventOrder)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

// compareRecords orders records by webhook and event type.
func compareRecords(a, b Record) int {
	return cmp.Or(cmp.Compare(a.Webhook, b.Webhook), compareEventTypes(a.Event, b.Event))
}

// latestByType keeps the latest event of each type (by time, then id), ordered by type.
func latestByType(events []Event) []Event {
	var latest []Event
	for _, e := range events {
		i := slices.IndexFunc(latest, func(l Event) bool { return l.Type == e.Type })
		switch {
		case i < 0:
			latest = append(latest, e)
		case cmp.Or(e.Time.Compare(latest[i].Time), cmp.Compare(e.ID, latest[i].ID)) > 0:
			latest[i] = e
		}
	}
	slices.SortFunc(latest, func(a, b Event) int { return compareEventTypes(a.Type, b.Type) })
	return latest
}
