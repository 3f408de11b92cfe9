package webhook

import (
	"cmp"
	"slices"
	"time"
)

// Summary is how deliveries to one webhook stand, across the records of many objects: what a
// programme's status.webhooks reports.
type Summary struct {
	// Webhook is the webhook's name.
	Webhook string
	// Pending is the number of deliveries waiting for an attempt.
	Pending int
	// Failed is the number of deliveries that will not be retried.
	Failed int
	// LastSuccess is when a delivery last succeeded; zero if none did.
	LastSuccess time.Time
	// LastFailure is when an attempt last failed, retried or not; zero if none did.
	LastFailure time.Time
	// LastFailureResult says how that attempt failed, such as "HTTP 503".
	LastFailureResult string
}

// Summarise sums up records by webhook, sorted by name.
func Summarise(records []Record) []Summary {
	byName := map[string]*Summary{}
	for _, r := range records {
		s := byName[r.Webhook]
		if s == nil {
			s = &Summary{Webhook: r.Webhook}
			byName[r.Webhook] = s
		}
		switch {
		case r.State == StateDelivered:
			if r.LastAttemptTime.After(s.LastSuccess) {
				s.LastSuccess = r.LastAttemptTime
			}
			continue
		case r.State == StatePending:
			s.Pending++
		default:
			s.Failed++
		}
		if r.Attempts > 0 && r.LastAttemptTime.After(s.LastFailure) {
			s.LastFailure, s.LastFailureResult = r.LastAttemptTime, r.LastResult
		}
	}
	var out []Summary
	for _, s := range byName {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Summary) int { return cmp.Compare(a.Webhook, b.Webhook) })
	return out
}
