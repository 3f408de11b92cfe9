package pairing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/mail"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// emailOutcome is how a pass over a pairing's email went.
type emailOutcome struct {
	// stalled is set when a person must fix something: the condition says what.
	stalled bool
	// pending says which messages wait for the relay; empty when none does.
	pending string
	// retryAfter is when to look again.
	retryAfter time.Duration
}

// sendEmail tells the two people about their pairing by email: an introduction each once it is active,
// the meeting series as an invitation, updated when it moves and cancelled when the pairing ends before
// the programme does. Deliveries are durable through status.email. It sets the EmailSent condition.
// Under spec.suspend nothing is sent.
func (r *Reconciler) sendEmail(ctx context.Context, p *pass, slot *calendar.Slot, stage string) (emailOutcome, error) {
	if mail.Settings(p.Programme) == nil {
		p.conditions.Set(mentoringv1alpha1.EmailSentCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonNotConfigured, "Programme sends no email.")
		return emailOutcome{}, nil
	}
	if p.Programme.Spec.Suspend {
		return emailOutcome{}, nil
	}
	current := r.Mail.Status(p.Pairing)
	records := mail.Records(current)
	p.status.Email = current
	if idle(stage, current, records) {
		// Nothing is or can become due: no need to read the programme's Secrets.
		return r.emailSent(p, records), nil
	}
	office, err := r.Mail.Open(ctx, p.Programme)
	var settings *mail.SettingsError
	switch {
	case errors.As(err, &settings):
		return r.emailStalled(p, settings.Reason, settings.Message), nil
	case err != nil:
		return emailOutcome{}, err
	}
	state, err := r.emailState(ctx, p, office, slot, stage, current, records)
	if err != nil {
		return emailOutcome{}, err
	}
	messages, series, err := email.Messages(state, office.Templates)
	var template *email.TemplateError
	switch {
	case errors.As(err, &template):
		return r.emailStalled(p, mentoringv1alpha1.ReasonTemplateInvalid, fmt.Sprintf(
			"The email templates do not render for this pairing (%v): fix the ConfigMap named by email.templatesConfigMapRef.", err)), nil
	case errors.Is(err, calendar.ErrInvalidEvent):
		return r.emailStalled(p, mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"The invitation cannot be written (%s): fix the participants' spec.email or the programme's email.from.",
			strings.TrimPrefix(err.Error(), calendar.ErrInvalidEvent.Error()+": "))), nil
	case err != nil:
		return emailOutcome{}, err
	}
	out := email.Deliver(ctx, office.Relay, email.Plan(r.Mail.Policy, messages, office.Health(), records, p.now))
	p.status.Email = mail.Status(series, out.Records)
	r.Mail.Leave(p.Pairing, p.status.Email)
	for _, a := range out.Attempts {
		metrics.ExternalCalls.WithLabelValues("email", a.Class()).Inc()
	}
	for _, refused := range out.Refused {
		r.Recorder.Eventf(p.Pairing, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonRecipientRefused, "Email",
			"The relay refused the %s's %s (%s); it is not retried: check that person's spec.email.",
			strings.ToLower(string(refused.Recipient)), strings.ToLower(string(refused.Kind)), refused.LastResult)
	}
	office.Observe(ctx, client.ObjectKeyFromObject(p.Pairing), out, p.now)
	if problem, result := office.Problem(); problem != "" && pending(out.Records) {
		return r.emailStalled(p, string(problem), mail.ProblemMessage(p.Programme, problem, result)), nil
	}
	outcome := r.emailSent(p, out.Records)
	outcome.retryAfter = out.RetryAfter
	return outcome, nil
}

// idle reports whether no message is or can become due: the pairing is not active, nothing waits, and
// no series sent needs its cancellation.
func idle(stage string, current *mentoringv1alpha1.PairingEmailStatus, records []email.Record) bool {
	sent := mail.Sent(current)
	return stage != mentoringv1alpha1.ReasonActive && !pending(records) && (sent == nil || sent.Cancelled || stage == mentoringv1alpha1.ReasonCompleted)
}

// pending reports whether a message waits for the relay.
func pending(records []email.Record) bool {
	return slices.ContainsFunc(records, func(r email.Record) bool { return r.State == email.StatePending })
}

// emailState describes the pairing as its messages see it. An ended pairing reads its two people
// itself: either may be gone, and then gets no more messages.
func (r *Reconciler) emailState(ctx context.Context, p *pass, office *mail.Office, slot *calendar.Slot, stage string,
	current *mentoringv1alpha1.PairingEmailStatus, records []email.Record) (email.Pairing, error) {
	programme := p.Programme
	st := email.Pairing{
		// The pairing's name already tells a pair made again apart: the matcher names each pairing it
		// makes afresh, so the Occurrence stays empty.
		Namespace: p.Pairing.Namespace, Programme: programme.Name, Name: p.Pairing.Name,
		Purpose: programme.Spec.Purpose, Reverse: programme.Spec.Direction != mentoringv1alpha1.DirectionTraditional,
		Topics: meetings.Topics(p.Pairing.Spec.Topics), Ends: p.Timeline.End.AddDate(0, 0, -1),
		Sent: mail.Sent(current), Records: records, From: office.From, ReplyTo: office.ReplyTo, Now: p.now,
	}
	switch stage {
	case mentoringv1alpha1.ReasonActive:
		st.Stage = email.Active
	case mentoringv1alpha1.ReasonCompleted:
		st.Stage = email.Completed
	}
	if ended := p.Pairing.Status.Ended; ended != nil {
		st.EndedAt = ended.Time.Time
	}
	for _, c := range p.status.ScoreBreakdown {
		st.Breakdown = append(st.Breakdown, email.Points{Criterion: c.Criterion, Points: int(c.Points)})
	}
	mentor, mentee := p.Mentor, p.Mentee
	if p.Pairing.Status.Ended != nil {
		var err error
		if mentor, err = r.participant(ctx, p.Pairing.Namespace, p.Pairing.Spec.MentorRef.Name); err != nil {
			return st, err
		}
		if mentee, err = r.participant(ctx, p.Pairing.Namespace, p.Pairing.Spec.MenteeRef.Name); err != nil {
			return st, err
		}
	}
	st.Mentor, st.Mentee = person(mentor), person(mentee)
	if stage == mentoringv1alpha1.ReasonActive && slot != nil {
		// The invitation carries the calendar's series: its sequence and stamp when the calendar holds
		// this version.
		ev := p.Event(*slot)
		if c := p.status.Calendar; c != nil && c.UID == ev.UID && c.Hash == ev.Hash() && c.Stamp != nil {
			ev.Sequence, ev.Stamp = int(c.Sequence), c.Stamp.Time
		}
		st.Event = &ev
	}
	return st, nil
}

// participant reads a participant, nil when it is gone.
func (r *Reconciler) participant(ctx context.Context, namespace, name string) (*mentoringv1alpha1.Participant, error) {
	participant := &mentoringv1alpha1.Participant{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, participant); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return participant, nil
}

// person is a participant as the messages show them.
func person(participant *mentoringv1alpha1.Participant) *email.Person {
	if participant == nil {
		return nil
	}
	zone, err := zones.Load(string(participant.Spec.Timezone))
	if err != nil {
		zone = time.UTC
	}
	return &email.Person{Name: participant.Spec.DisplayName, Email: string(participant.Spec.Email), Zone: zone}
}

// emailSent sets the EmailSent condition from the records.
func (r *Reconciler) emailSent(p *pass, records []email.Record) emailOutcome {
	condition, reason, message := mail.Condition(records)
	p.conditions.Set(mentoringv1alpha1.EmailSentCondition, condition, reason, message)
	if reason == mentoringv1alpha1.ReasonDeliveryPending {
		return emailOutcome{pending: message}
	}
	return emailOutcome{}
}

// emailStalled records a setting a person must fix in EmailSent and stalls the pairing.
func (r *Reconciler) emailStalled(p *pass, reason, message string) emailOutcome {
	p.conditions.Set(mentoringv1alpha1.EmailSentCondition, metav1.ConditionFalse, reason, message)
	r.stall(p, reason, message)
	return emailOutcome{stalled: true}
}

// templatesChanged maps a changed ConfigMap to the pairings of the programmes whose email templates it
// holds: a fixed template takes effect at once.
func (r *Reconciler) templatesChanged(ctx context.Context, configMap client.Object) []reconcile.Request {
	var requests []reconcile.Request
	for _, programme := range mail.ProgrammesUsing(ctx, r, configMap) {
		requests = append(requests, watch.Related(r, &mentoringv1alpha1.PairingList{}, watch.ProgrammeIndex)(ctx, programme)...)
	}
	return requests
}
