// Package controllers wires the operator's controllers into a manager. Each kind's reconciler lives in
// its own package (programme, participant, pairing); what they share lives below them, in
// controllers/internal, and never calls back into a reconciler. docs/architecture.md tells which
// controller owns which status field and how data flows between them.
package controllers

import (
	"context"
	"net/http"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/feeds"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/mail"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/pages"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/pairing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/participant"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/programme"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Options configure the controllers.
type Options struct {
	// Clock tells the time; tests inject a fake one.
	Clock clock.PassiveClock
	// Concurrency is the number of objects each controller reconciles at once.
	Concurrency int
	// AllowLoopback lets webhooks and calendars reach loopback addresses (local development and tests).
	AllowLoopback bool
	// DeliveryPolicy is how webhook deliveries are retried; the zero value uses the defaults.
	DeliveryPolicy webhook.Policy
	// EmailPolicy is how email deliveries are retried; the zero value uses email.DefaultPolicy.
	EmailPolicy email.Policy
	// FeedBaseURL is where the participant-facing server (ParticipantHandler) is reached from outside;
	// feed URLs and personal links start with it.
	FeedBaseURL string
}

// Setup registers the field indexes and every controller with the manager. The manager binary and the
// tests both call it, so tests run exactly what ships.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if err := watch.SetupIndexes(ctx, mgr); err != nil {
		return err
	}
	controllerOptions := controller.Options{MaxConcurrentReconciles: max(opts.Concurrency, 1)}
	wakeups := notify.NewWakeups(ctx)
	notifier := &notify.Notifier{Secrets: mgr.GetAPIReader(), AllowLoopback: opts.AllowLoopback, Policy: opts.DeliveryPolicy,
		Clock: opts.Clock, Recovered: wakeups.Recovered}
	if opts.EmailPolicy == (email.Policy{}) {
		opts.EmailPolicy = email.DefaultPolicy
	}
	mailer := &mail.Mailer{Reader: mgr.GetAPIReader(), Cache: mgr.GetClient(), AllowLoopback: opts.AllowLoopback, Policy: opts.EmailPolicy,
		Recovered: wakeups.Recovered}
	if err := (&programme.Reconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("programme-controller"),
		Clock:    opts.Clock,
		Options:  controllerOptions,
		Notifier: notifier,
		Mail:     mailer,
		Wakeups:  wakeups.Programmes,
		Writers:  16,
		Secrets:  mgr.GetAPIReader(),
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&participant.Reconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("participant-controller"),
		Options:  controllerOptions,
		Notifier: notifier,
		Wakeups:  wakeups.Participants,
		Feeds:    feeds.Secrets{Reader: mgr.GetAPIReader(), BaseURL: opts.FeedBaseURL},
		Links:    pages.Links{Reader: mgr.GetAPIReader(), BaseURL: opts.FeedBaseURL},
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	return (&pairing.Reconciler{
		Client:    mgr.GetClient(),
		Recorder:  mgr.GetEventRecorder("pairing-controller"),
		Clock:     opts.Clock,
		Options:   controllerOptions,
		Notifier:  notifier,
		Wakeups:   wakeups.Pairings,
		Calendars: meetings.Calendars{Secrets: mgr.GetAPIReader(), AllowLoopback: opts.AllowLoopback},
		Secrets:   mgr.GetAPIReader(),
		Mail:      mailer,
	}).SetupWithManager(mgr)
}

// FeedHandler is the manager's calendar feed server: it reads participants, programmes and pairings
// through c (the manager's cache) and feed Secrets through secrets (the API server).
func FeedHandler(c, secrets client.Reader, clk clock.PassiveClock) http.Handler {
	return feeds.Handler(c, secrets, clk)
}
