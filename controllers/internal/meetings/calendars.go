// Package meetings works out a pair's standing meeting and keeps its series in the programme's
// calendar: the slot both people can meet at, the meeting as status reports it, the event calendars
// show, and the CalDAV writes. The pairing controller and the calendar feed server share it; it never
// calls back into them.
package meetings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// requestTimeout bounds every request to a calendar server.
const requestTimeout = 15 * time.Second

// Calendars opens the calendar a programme writes its meetings to. New calendar services are added
// here and in the calendar package: the reconcilers only see calendar.Provider.
type Calendars struct {
	// Secrets reads the credentials directly from the API server, only when a write is due.
	Secrets client.Reader
	// AllowLoopback lets calendars be on loopback addresses (local development and tests).
	AllowLoopback bool
}

// SettingsError is a calendar setting that only a person can fix, such as a missing Secret.
type SettingsError struct{ Reason, Message string }

func (e *SettingsError) Error() string { return e.Message }

// CalDAV is the programme's CalDAV calendar, or nil when it has none.
func CalDAV(programme *mentoringv1alpha1.Programme) *mentoringv1alpha1.CalDAVCalendar {
	if i := programme.Spec.Integrations; i != nil && i.Calendar != nil {
		return i.Calendar.CalDAV
	}
	return nil
}

// Open returns the provider of the programme's calendar, or nil when the programme has none.
func (c Calendars) Open(ctx context.Context, programme *mentoringv1alpha1.Programme) (calendar.Provider, error) {
	settings := CalDAV(programme)
	if settings == nil {
		return nil, nil
	}
	if err := netguard.CheckURL(settings.URL, c.AllowLoopback); err != nil {
		return nil, &SettingsError{mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
			"The calendar's URL is %v: point calendar.caldav.url at a routable address.", err)}
	}
	secret := &corev1.Secret{}
	err := c.Secrets.Get(ctx, client.ObjectKey{Namespace: programme.Namespace, Name: settings.CredentialsSecretRef.Name}, secret)
	switch {
	case apierrors.IsNotFound(err):
		return nil, &SettingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
			"Secret %s with the calendar's credentials does not exist: create it with the keys username and password, or token.", settings.CredentialsSecretRef.Name)}
	case err != nil:
		return nil, err
	case secret.Type == corev1.SecretTypeServiceAccountToken:
		return nil, &SettingsError{mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"Secret %s holds a service account token, which the operator never sends anywhere: put the calendar's credentials in a Secret of their own.", secret.Name)}
	}
	cfg := calendar.CalDAVConfig{URL: settings.URL, Username: string(secret.Data["username"]), Password: string(secret.Data["password"]),
		Token: string(secret.Data["token"]), Timeout: requestTimeout, DisplayName: "Mentoring: " + programme.Name, AllowLoopback: c.AllowLoopback}
	if ref := settings.CABundleSecretRef; ref != nil {
		if cfg.CABundle, _, err = secrets.Key(ctx, c.Secrets, programme.Namespace, *ref, "ca.crt"); err != nil {
			return nil, err
		}
		if cfg.CABundle == nil {
			return nil, &SettingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
				"Secret %s or its key with the calendar's CA bundle does not exist: create it.", ref.Name)}
		}
	}
	provider, err := calendar.NewCalDAV(cfg)
	if err != nil {
		return nil, &SettingsError{mentoringv1alpha1.ReasonInvalidSpec, "The calendar settings are invalid: " + err.Error() + "."}
	}
	return provider, nil
}

// Failure is what a failed calendar call means for the CalendarSynced condition.
type Failure struct {
	Reason, Message string
	// Stalled is set when only a person can fix it; otherwise the call is retried with backoff.
	Stalled bool
}

// Classify turns an error of Open or of a calendar call into a Failure: refused credentials, refused
// addresses and invalid settings or events stall; anything else is retried.
func Classify(err error) Failure {
	var settings *SettingsError
	switch {
	case errors.As(err, &settings):
		return Failure{settings.Reason, settings.Message, true}
	case netguard.IsRefused(err):
		return Failure{mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
			"The calendar's address is %v: point calendar.caldav.url at a routable address.", err), true}
	case errors.Is(err, calendar.ErrInvalidEvent):
		return Failure{mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"The meeting series cannot be written (%v): fix the participants' spec.email or the programme's calendar.organizer.",
			strings.TrimPrefix(err.Error(), calendar.ErrInvalidEvent.Error()+": ")), true}
	case errors.Is(err, calendar.ErrUnauthorized):
		return Failure{mentoringv1alpha1.ReasonAuthenticationFailed,
			"The calendar server refused the credentials: fix the Secret named by the programme's calendar.caldav.credentialsSecretRef.", true}
	}
	return Failure{mentoringv1alpha1.ReasonUnreachable, "The calendar server could not be reached; retrying with backoff: " + err.Error() + ".", false}
}

// CallResult is a bounded metric label for the outcome of a calendar call.
func CallResult(err error) string {
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
