package webhook

import (
	"slices"
	"testing"
	"time"
)

func TestSummarise(t *testing.T) {
	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	records := []Record{
		{Webhook: "hr", State: StateDelivered, Attempts: 1, LastAttemptTime: at(1), LastResult: "HTTP 204"},
		{Webhook: "hr", State: StateDelivered, Attempts: 2, LastAttemptTime: at(5), LastResult: "HTTP 200"},
		{Webhook: "hr", State: StatePending, Attempts: 1, LastAttemptTime: at(4), LastResult: "HTTP 503"},
		{Webhook: "hr", State: StatePending}, // never attempted
		{Webhook: "chat", State: StateFailed, Attempts: 1, LastAttemptTime: at(2), LastResult: "HTTP 400"},
		{Webhook: "chat", State: StatePending, Attempts: 3, LastAttemptTime: at(3), LastResult: "timeout"},
	}
	want := []Summary{
		{Webhook: "chat", Pending: 1, Failed: 1, LastFailure: at(3), LastFailureResult: "timeout"},
		{Webhook: "hr", Pending: 2, LastSuccess: at(5), LastFailure: at(4), LastFailureResult: "HTTP 503"},
	}
	if got := Summarise(records); !slices.Equal(got, want) {
		t.Errorf("Summarise:\n got %+v\nwant %+v", got, want)
	}
	if got := Summarise(nil); len(got) != 0 {
		t.Errorf("Summarise(nil) = %+v", got)
	}
}
