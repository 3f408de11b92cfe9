package mail

import (
	"encoding/json"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
)

func london(t *testing.T) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// TestStatusSurvivesTheAPI writes a series and records as status, sends them through JSON as the API
// server does, and reads them back unchanged: the next pass plans from exactly what the last one left.
func TestStatusSurvivesTheAPI(t *testing.T) {
	first := time.Date(2027, 1, 13, 10, 45, 0, 0, time.UTC)
	series := &email.Series{UID: "u@mentoring.reverse-mentoring.dev", Sequence: 2, Hash: "abc", Stamp: first.Add(-48 * time.Hour),
		First: first, Last: first.AddDate(0, 0, 14*12), Zone: london(t), Duration: 45 * time.Minute, Interval: 2, Cancelled: true}
	records := []email.Record{
		{Recipient: email.Mentor, Kind: email.Introduction, MessageID: "introduction.x@mentoring.reverse-mentoring.dev", State: email.StateDelivered,
			Attempts: 1, FirstAttemptTime: first.Add(-time.Hour), LastAttemptTime: first.Add(-time.Hour), LastResult: "SMTP 250"},
		{Recipient: email.Mentee, Kind: email.Invitation, MessageID: "cancel.2.y@mentoring.reverse-mentoring.dev", State: email.StatePending,
			Attempts: 2, FirstAttemptTime: first.Add(-time.Hour), LastAttemptTime: first.Add(-time.Minute), NextAttemptTime: first, LastResult: "SMTP 451 4.3.0 at DATA"},
	}
	written, err := json.Marshal(Status(series, records))
	if err != nil {
		t.Fatal(err)
	}
	var read mentoringv1alpha1.PairingEmailStatus
	if err := json.Unmarshal(written, &read); err != nil {
		t.Fatal(err)
	}
	gotSeries, gotRecords := Sent(&read), Records(&read)
	if gotSeries.Zone.String() != "Europe/London" || !gotSeries.First.Equal(first) || gotSeries.Sequence != 2 || !gotSeries.Cancelled ||
		gotSeries.Duration != 45*time.Minute || gotSeries.Interval != 2 || !gotSeries.Stamp.Equal(series.Stamp) || gotSeries.Hash != "abc" {
		t.Errorf("series read back as %+v, written as %+v", gotSeries, series)
	}
	for i := range records {
		want, got := records[i], gotRecords[i]
		if got.MessageID != want.MessageID || got.State != want.State || got.Attempts != want.Attempts || got.LastResult != want.LastResult ||
			!got.NextAttemptTime.Equal(want.NextAttemptTime) || !got.LastAttemptTime.Equal(want.LastAttemptTime) || got.Recipient != want.Recipient || got.Kind != want.Kind {
			t.Errorf("record %d read back as %+v, written as %+v", i, got, want)
		}
	}
	if Status(nil, nil) != nil {
		t.Error("no series and no records make no status")
	}
}

func TestConditionSaysWhatWaitsFirst(t *testing.T) {
	delivered := email.Record{Recipient: email.Mentor, Kind: email.Introduction, State: email.StateDelivered}
	retrying := email.Record{Recipient: email.Mentee, Kind: email.Invitation, State: email.StatePending, Attempts: 1, LastResult: "connection refused"}
	queued := email.Record{Recipient: email.Mentee, Kind: email.Introduction, State: email.StatePending}
	refused := email.Record{Recipient: email.Mentor, Kind: email.Invitation, State: email.StateFailed, LastResult: "SMTP 550 5.1.1 at RCPT"}
	for _, c := range []struct {
		records []email.Record
		want    metav1.ConditionStatus
		reason  string
		message string
	}{
		{nil, metav1.ConditionTrue, mentoringv1alpha1.ReasonDelivered, "No message is due yet."},
		{[]email.Record{delivered}, metav1.ConditionTrue, mentoringv1alpha1.ReasonDelivered, "Every message reached the relay."},
		{[]email.Record{delivered, refused}, metav1.ConditionFalse, mentoringv1alpha1.ReasonRecipientRefused,
			"The relay refused the mentor's invitation (SMTP 550 5.1.1 at RCPT) and it is not retried: check that person's spec.email."},
		{[]email.Record{refused, queued}, metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryPending,
			"Waiting for the relay's rate limit (email.maxMessagesPerMinute) to send the mentee's introduction."},
		{[]email.Record{queued, retrying, refused}, metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryPending,
			"Retrying the mentee's invitation (connection refused)."},
	} {
		status, reason, message := Condition(c.records)
		if status != c.want || reason != c.reason || message != c.message {
			t.Errorf("%+v: got %s/%s %q, want %s/%s %q", c.records, status, reason, message, c.want, c.reason, c.message)
		}
	}
}

// TestStatusIsWhatTheLastPassLeft: until the cache shows what a pass left, the next pass sees what it
// left, not the older copy; once the cache shows it, the Mailer forgets it.
func TestStatusIsWhatTheLastPassLeft(t *testing.T) {
	m := &Mailer{}
	pairing := &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: "p", UID: "uid-1"}}
	if m.Status(pairing) != nil {
		t.Fatal("a pairing no pass left anything for has its cache's status")
	}
	left := Status(nil, []email.Record{{Recipient: email.Mentor, Kind: email.Introduction, MessageID: "a", State: email.StateDelivered}})
	m.Leave(pairing, left)
	if got := m.Status(pairing); !equality.Semantic.DeepEqual(got, left) {
		t.Fatalf("with an older cache: %+v, want what the pass left", got)
	}
	pairing.Status.Email = left.DeepCopy()
	if got := m.Status(pairing); !equality.Semantic.DeepEqual(got, left) || len(m.left) != 0 {
		t.Fatalf("once the cache shows it: %+v, %d kept", got, len(m.left))
	}
	again := &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: "p", UID: "uid-2"}}
	m.Leave(pairing, left)
	if m.Status(again) != nil {
		t.Error("a pairing made again under the same name does not see the old one's status")
	}
}
