package mail

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Sent is the series as last sent by email, from a pairing's status.email.
func Sent(status *mentoringv1alpha1.PairingEmailStatus) *email.Series {
	if status == nil || status.Series == nil {
		return nil
	}
	s := status.Series
	zone, err := zones.Load(string(s.TimeZone))
	if err != nil {
		zone = time.UTC
	}
	return &email.Series{
		UID: s.UID, Sequence: int(s.Sequence), Hash: s.Hash, Stamp: s.Stamp.Time, First: s.First.Time, Last: s.Last.Time,
		Zone: zone, Duration: time.Duration(s.DurationMinutes) * time.Minute, Interval: int(s.IntervalWeeks), Cancelled: s.Cancelled,
	}
}

// Records are a pairing's delivery records, from its status.email.
func Records(status *mentoringv1alpha1.PairingEmailStatus) []email.Record {
	if status == nil {
		return nil
	}
	records := make([]email.Record, len(status.Messages))
	for i, m := range status.Messages {
		records[i] = email.Record{
			Recipient: email.Role(m.Recipient), Kind: email.Kind(m.Kind), MessageID: m.MessageID, State: email.State(m.State),
			Attempts: m.Attempts, FirstAttemptTime: timeOf(m.FirstAttemptTime), NextAttemptTime: timeOf(m.NextAttemptTime),
			LastAttemptTime: timeOf(m.LastAttemptTime), LastResult: m.LastResult,
		}
	}
	return records
}

// Status is a pairing's status.email: the series sent and the records; nil when both are empty.
func Status(series *email.Series, records []email.Record) *mentoringv1alpha1.PairingEmailStatus {
	if series == nil && len(records) == 0 {
		return nil
	}
	out := &mentoringv1alpha1.PairingEmailStatus{}
	if s := series; s != nil {
		out.Series = &mentoringv1alpha1.EmailedSeries{
			UID: s.UID, Sequence: int32(s.Sequence), Hash: s.Hash, Stamp: metav1.Time{Time: s.Stamp},
			First: metav1.Time{Time: s.First}, Last: metav1.Time{Time: s.Last}, TimeZone: mentoringv1alpha1.TimeZone(s.Zone.String()),
			DurationMinutes: int32(s.Duration / time.Minute), IntervalWeeks: int32(s.Interval), Cancelled: s.Cancelled,
		}
	}
	for _, r := range records {
		out.Messages = append(out.Messages, mentoringv1alpha1.EmailMessage{
			Recipient: mentoringv1alpha1.EmailRecipient(r.Recipient), Kind: mentoringv1alpha1.EmailKind(r.Kind), MessageID: r.MessageID,
			State: mentoringv1alpha1.DeliveryState(r.State), Attempts: r.Attempts, FirstAttemptTime: notify.MetaTime(r.FirstAttemptTime),
			NextAttemptTime: notify.MetaTime(r.NextAttemptTime), LastAttemptTime: notify.MetaTime(r.LastAttemptTime), LastResult: r.LastResult,
		})
	}
	return out
}

func timeOf(t *metav1.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

// Condition sums up a pairing's messages as its EmailSent condition: False while some wait for the
// relay (DeliveryPending: a retry after a failed attempt, or the relay's rate limit), False when the
// relay refused one for good (RecipientRefused, naming the recipient's role, never the address),
// otherwise True.
func Condition(records []email.Record) (metav1.ConditionStatus, string, string) {
	var retrying, queued, refused []string
	for _, r := range records {
		what := fmt.Sprintf("the %s's %s", strings.ToLower(string(r.Recipient)), strings.ToLower(string(r.Kind)))
		switch {
		case r.State == email.StatePending && r.Attempts > 0:
			retrying = append(retrying, fmt.Sprintf("%s (%s)", what, r.LastResult))
		case r.State == email.StatePending:
			queued = append(queued, what)
		case r.State == email.StateFailed:
			refused = append(refused, fmt.Sprintf("%s (%s)", what, r.LastResult))
		}
	}
	switch {
	case len(retrying) > 0:
		return metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryPending, "Retrying " + strings.Join(retrying, ", ") + "."
	case len(queued) > 0:
		return metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryPending, fmt.Sprintf(
			"Waiting for the relay's rate limit (email.maxMessagesPerMinute) to send %s.", strings.Join(queued, ", "))
	case len(refused) > 0:
		return metav1.ConditionFalse, mentoringv1alpha1.ReasonRecipientRefused, "The relay refused " + strings.Join(refused, ", ") +
			" and it is not retried: check that person's spec.email."
	case len(records) == 0:
		return metav1.ConditionTrue, mentoringv1alpha1.ReasonDelivered, "No message is due yet."
	}
	return metav1.ConditionTrue, mentoringv1alpha1.ReasonDelivered, "Every message reached the relay."
}

// ProblemMessage says what a person must fix after the relay showed a problem with the programme's
// settings, naming the setting; result is how it showed, such as "SMTP 535 5.7.8 at AUTH".
func ProblemMessage(programme *mentoringv1alpha1.Programme, problem email.Problem, result string) string {
	then := " Then request a pass with the " + mentoringv1alpha1.ReconcileRequestedAnnotation + " annotation on programme " + programme.Name + "."
	switch spec := Settings(programme); {
	case problem == email.ProblemAuthentication && spec != nil && spec.CredentialsSecretRef != nil:
		return fmt.Sprintf("The SMTP relay refused the credentials in Secret %s (%s): fix its username and password, or let the account send by SMTP.%s",
			spec.CredentialsSecretRef.Name, result, then)
	case problem == email.ProblemAuthentication:
		return fmt.Sprintf("The SMTP relay requires authentication (%s): name a Secret with its username and password in email.credentialsSecretRef.%s", result, then)
	case problem == email.ProblemSender:
		return fmt.Sprintf("The SMTP relay refused the sender email.from (%s): let the credentials send as it, or change it.%s", result, then)
	case problem == email.ProblemTLS:
		return fmt.Sprintf("The SMTP relay does not offer STARTTLS: set email.tls to Implicit for a relay on port 465, or use a relay that offers STARTTLS.%s", then)
	}
	return fmt.Sprintf("The SMTP relay's address was refused (%s): point email.address at a routable address.%s", result, then)
}
