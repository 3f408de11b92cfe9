package controllers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// calendarFinalizer keeps a Pairing until its meeting series is out of the calendar.
const calendarFinalizer = "mentoring.reverse-mentoring.dev/calendar"

// calendarTimeout bounds every request to a calendar server.
const calendarTimeout = 15 * time.Second

// Calendars opens the calendar a programme writes its meetings to. New calendar services are added
// here and in the calendar package: the reconcilers only see calendar.Provider.
type Calendars struct {
	// Secrets reads the credentials directly from the API server, only when a write is due.
	Secrets client.Reader
	// AllowLoopback lets calendars be on loopback addresses (local development and tests).
	AllowLoopback bool
}

// settingsError is a calendar setting that only a person can fix, such as a missing Secret.
type settingsError struct{ reason, message string }

func (e *settingsError) Error() string { return e.message }

// open returns the provider of the programme's calendar, or nil when the programme has none.
func (c Calendars) open(ctx context.Context, programme *mentoringv1alpha1.Programme) (calendar.Provider, error) {
	settings := caldavSettings(programme)
	if settings == nil {
		return nil, nil
	}
	if err := netguard.CheckURL(settings.URL, c.AllowLoopback); err != nil {
		return nil, &settingsError{mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
			"The calendar's URL is %v: point calendar.caldav.url at a routable address.", err)}
	}
	secret := &corev1.Secret{}
	err := c.Secrets.Get(ctx, client.ObjectKey{Namespace: programme.Namespace, Name: settings.CredentialsSecretRef.Name}, secret)
	switch {
	case apierrors.IsNotFound(err):
		return nil, &settingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
			"Secret %s with the calendar's credentials does not exist: create it with the keys username and password, or token.", settings.CredentialsSecretRef.Name)}
	case err != nil:
		return nil, err
	case secret.Type == corev1.SecretTypeServiceAccountToken:
		return nil, &settingsError{mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"Secret %s holds a service account token, which the operator never sends anywhere: put the calendar's credentials in a Secret of their own.", secret.Name)}
	}
	cfg := calendar.CalDAVConfig{URL: settings.URL, Username: string(secret.Data["username"]), Password: string(secret.Data["password"]),
		Token: string(secret.Data["token"]), Timeout: calendarTimeout, DisplayName: "Mentoring: " + programme.Name, AllowLoopback: c.AllowLoopback}
	if ref := settings.CABundleSecretRef; ref != nil {
		if cfg.CABundle, err = readSecretKey(ctx, c.Secrets, programme.Namespace, *ref, "ca.crt"); err != nil {
			return nil, err
		}
		if cfg.CABundle == nil {
			return nil, &settingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
				"Secret %s or its key with the calendar's CA bundle does not exist: create it.", ref.Name)}
		}
	}
	provider, err := calendar.NewCalDAV(cfg)
	if err != nil {
		return nil, &settingsError{mentoringv1alpha1.ReasonInvalidSpec, "The calendar settings are invalid: " + err.Error() + "."}
	}
	return provider, nil
}

func caldavSettings(programme *mentoringv1alpha1.Programme) *mentoringv1alpha1.CalDAVCalendar {
	if i := programme.Spec.Integrations; i != nil && i.Calendar != nil {
		return i.Calendar.CalDAV
	}
	return nil
}

// slot chooses the pair's standing meeting: a weekly slot in the mentor's zone inside both people's
// availability for every meeting from the later of the programme's start and the pairing's creation
// until the programme's end.
func (s *pairingScope) slot() (calendar.Slot, error) {
	person := func(p *mentoringv1alpha1.Participant) calendar.Person {
		zone, _ := zones.Load(string(p.Spec.Timezone))
		return calendar.Person{Available: planner.Availability(p.Spec.Availability), Zone: zone}
	}
	return calendar.Choose(calendar.Request{
		Anchor:          person(s.mentor),
		Other:           person(s.mentee),
		Cadence:         calendar.Cadence(cmp.Or(s.programme.Spec.Meetings.Cadence, mentoringv1alpha1.CadenceBiweekly)),
		DurationMinutes: planner.MeetingMinutes(s.programme),
		Start:           latest(s.timeline.Start, s.pairing.CreationTimestamp.Time),
		End:             s.timeline.End,
		Seed:            string(s.pairing.UID),
	})
}

// meetingStatus reports a slot and its next meeting after now, in UTC and in each person's zone.
func (s *pairingScope) meetingStatus(slot calendar.Slot) *mentoringv1alpha1.MeetingStatus {
	m := &mentoringv1alpha1.MeetingStatus{
		Weekday: mentoringv1alpha1.Weekday(slot.Weekday.String()), Start: slot.Start, TimeZone: mentoringv1alpha1.TimeZone(slot.Zone.String()),
		DurationMinutes: int32(slot.Duration / time.Minute), RecurrenceRule: slot.RRule,
	}
	if next, ok := slot.NextOccurrence(s.now); ok {
		m.NextMeeting = &metav1.Time{Time: next.UTC()}
		m.NextMeetingMentor = calendar.Format(next, zoneOf(s.mentor))
		m.NextMeetingMentee = calendar.Format(next, zoneOf(s.mentee))
	}
	return m
}

func zoneOf(p *mentoringv1alpha1.Participant) *time.Location {
	if zone, err := zones.Load(string(p.Spec.Timezone)); err == nil {
		return zone
	}
	return time.UTC
}

// event is the pair's meeting series as calendars show it.
func (s *pairingScope) event(slot calendar.Slot) calendar.Event {
	contact := func(p *mentoringv1alpha1.Participant) calendar.Contact {
		return calendar.Contact{Name: p.Spec.DisplayName, Email: string(p.Spec.Email)}
	}
	organizer := contact(s.mentor)
	if c := s.programme.Spec.Integrations.Calendar; c.Organizer != "" {
		organizer = calendar.Contact{Name: "Mentoring: " + s.programme.Name, Email: string(c.Organizer)}
	}
	return calendar.Event{
		UID:         calendar.EventUID(string(s.pairing.UID)),
		Slot:        slot,
		Summary:     "Reverse mentoring: " + s.programme.Name,
		Description: fmt.Sprintf("%s\nTopics: %s.", s.programme.Spec.Purpose, strings.Join(topicStrings(s.pairing.Spec.Topics), ", ")),
		Organizer:   organizer,
		Attendees:   []calendar.Contact{contact(s.mentor), contact(s.mentee)},
	}
}

// calendarOutcome is how a pass over a pairing's calendar went.
type calendarOutcome struct {
	// stalled is set when a person must fix something: the condition says what.
	stalled bool
	// err is a transient failure, retried with backoff.
	err error
}

// syncCalendar keeps the pair's meeting series in the programme's calendar: written while the pairing
// is active, rewritten with a higher sequence when it changes, removed when the pairing ends early or
// loses its approval, and left as history when it completes with the programme. It sets the
// CalendarSynced condition. Under spec.suspend nothing is written.
func (r *PairingReconciler) syncCalendar(ctx context.Context, s *pairingScope, slot *calendar.Slot, stage string) calendarOutcome {
	if caldavSettings(s.programme) == nil {
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonNotConfigured, "Programme has no CalDAV calendar.")
		return calendarOutcome{}
	}
	if s.programme.Spec.Suspend || stage == mentoringv1alpha1.ReasonCompleted {
		return calendarOutcome{}
	}
	wanted := stage == mentoringv1alpha1.ReasonActive && slot != nil
	if !wanted && s.status.Calendar == nil {
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced, "No meeting series is due in the calendar.")
		return calendarOutcome{}
	}
	provider, err := r.Calendars.open(ctx, s.programme)
	if err != nil {
		return r.calendarFailed(s, err)
	}
	if !wanted {
		if err := removeSeries(ctx, provider, s.status.Calendar); err != nil {
			return r.calendarFailed(s, err)
		}
		s.status.Calendar = nil
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced, "The meeting series was removed from the calendar.")
		return calendarOutcome{}
	}
	if err := r.ensureFinalizer(ctx, s.pairing); err != nil {
		return calendarOutcome{err: err}
	}
	written, err := writeSeries(ctx, provider, s.event(*slot), s.status.Calendar, s.now)
	externalCalls.WithLabelValues("caldav", callResult(err)).Inc()
	if err != nil {
		return r.calendarFailed(s, err)
	}
	s.status.Calendar = written
	s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced,
		fmt.Sprintf("The meeting series is in the calendar (sequence %d).", written.Sequence))
	return calendarOutcome{}
}

// calendarFailed records a failed calendar call in CalendarSynced: refused credentials and invalid
// settings stall; anything else is retried with backoff.
func (r *PairingReconciler) calendarFailed(s *pairingScope, err error) calendarOutcome {
	var settings *settingsError
	switch {
	case errors.As(err, &settings):
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, settings.reason, settings.message)
		r.stall(s, settings.reason, settings.message)
		return calendarOutcome{stalled: true}
	case netguard.IsRefused(err):
		message := fmt.Sprintf("The calendar's address is %v: point calendar.caldav.url at a routable address.", err)
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonAddressRefused, message)
		r.stall(s, mentoringv1alpha1.ReasonAddressRefused, message)
		return calendarOutcome{stalled: true}
	case errors.Is(err, calendar.ErrInvalidEvent):
		message := fmt.Sprintf("The meeting series cannot be written (%v): fix the participants' spec.email or the programme's calendar.organizer.",
			strings.TrimPrefix(err.Error(), calendar.ErrInvalidEvent.Error()+": "))
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonInvalidSpec, message)
		r.stall(s, mentoringv1alpha1.ReasonInvalidSpec, message)
		return calendarOutcome{stalled: true}
	case errors.Is(err, calendar.ErrUnauthorized):
		message := "The calendar server refused the credentials: fix the Secret named by the programme's calendar.caldav.credentialsSecretRef."
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonAuthenticationFailed, message)
		r.stall(s, mentoringv1alpha1.ReasonAuthenticationFailed, message)
		return calendarOutcome{stalled: true}
	default:
		message := "The calendar server could not be reached; retrying with backoff: " + err.Error() + "."
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonUnreachable, message)
		s.conditions.reconciling(mentoringv1alpha1.ReasonUnreachable, message)
		return calendarOutcome{err: err}
	}
}

func callResult(err error) string {
	switch {
	case err == nil:
		return "success"
	case netguard.IsRefused(err):
		return "refused"
	case errors.Is(err, calendar.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, calendar.ErrUnreachable):
		return "unreachable"
	}
	return "error"
}

// writeSeries writes the event unless the calendar holds this content already. A new version gets
// the next sequence and a new stamp. Without a known location it looks the event up by UID first, so
// a lost status never makes a duplicate; a conflict makes it look again and retry once.
func writeSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, current *mentoringv1alpha1.CalendarStatus, now time.Time) (*mentoringv1alpha1.CalendarStatus, error) {
	hash := ev.Hash()
	if current != nil && current.Href != "" && current.Hash == hash {
		return current, nil
	}
	known, sequence := calendar.Ref{}, int32(0)
	if current != nil {
		known, sequence = calendar.Ref{Href: current.Href, ETag: current.ETag}, current.Sequence+1
	}
	ev.Sequence, ev.Stamp = int(sequence), now.UTC().Truncate(time.Second)
	ref, err := putSeries(ctx, provider, ev, known)
	if errors.Is(err, calendar.ErrConflict) {
		ref, err = putSeries(ctx, provider, ev, calendar.Ref{})
	}
	if err != nil {
		return nil, err
	}
	return &mentoringv1alpha1.CalendarStatus{UID: ev.UID, Sequence: sequence, Href: ref.Href, ETag: ref.ETag, Hash: hash,
		Stamp: &metav1.Time{Time: ev.Stamp}}, nil
}

// putSeries writes the event at known, or, without it, where the calendar already holds its UID, or
// as a new event.
func putSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, known calendar.Ref) (calendar.Ref, error) {
	if known.IsZero() {
		if err := provider.Ensure(ctx); err != nil {
			return calendar.Ref{}, err
		}
		found, ok, err := provider.Find(ctx, ev.UID)
		if err != nil {
			return calendar.Ref{}, err
		}
		if ok {
			known = found
		}
	}
	return provider.Put(ctx, ev, known)
}

// removeSeries deletes the pair's event wherever the calendar holds it.
func removeSeries(ctx context.Context, provider calendar.Provider, current *mentoringv1alpha1.CalendarStatus) error {
	if current == nil {
		return nil
	}
	ref := calendar.Ref{Href: current.Href}
	if ref.IsZero() {
		found, ok, err := provider.Find(ctx, current.UID)
		if err != nil || !ok {
			return err
		}
		ref = found
	}
	return provider.Delete(ctx, ref)
}

func (r *PairingReconciler) ensureFinalizer(ctx context.Context, p *mentoringv1alpha1.Pairing) error {
	if controllerutil.ContainsFinalizer(p, calendarFinalizer) {
		return nil
	}
	patch := client.MergeFromWithOptions(p.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.AddFinalizer(p, calendarFinalizer)
	return r.Patch(ctx, p, patch)
}

// finalize removes the meeting series of a deleted pairing, then lets the pairing go. Without the
// programme or its calendar settings there is nothing left to remove it from.
func (r *PairingReconciler) finalize(ctx context.Context, p *mentoringv1alpha1.Pairing) error {
	if !controllerutil.ContainsFinalizer(p, calendarFinalizer) {
		return nil
	}
	programme := &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Spec.ProgrammeRef.Name}, programme)
	if client.IgnoreNotFound(err) != nil {
		return err
	}
	if err == nil {
		provider, err := r.Calendars.open(ctx, programme)
		var settings *settingsError
		switch {
		case errors.As(err, &settings):
			// Nothing can reach the calendar until a person fixes the settings; do not hold the pairing.
		case err != nil:
			return err
		case provider != nil:
			if err := removeSeries(ctx, provider, p.Status.Calendar); err != nil && !errors.Is(err, calendar.ErrUnauthorized) {
				return err
			}
		}
	}
	patch := client.MergeFromWithOptions(p.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(p, calendarFinalizer)
	return r.Patch(ctx, p, patch)
}
