package controllers

import (
	"context"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"

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
	// FeedBaseURL is where the calendar feed server is reached from outside; feed URLs start with it.
	FeedBaseURL string
}

// Setup registers the field indexes and every controller with the manager. The manager binary and the
// tests both call it, so tests run exactly what ships.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if err := SetupIndexes(ctx, mgr); err != nil {
		return err
	}
	controllerOptions := controller.Options{MaxConcurrentReconciles: max(opts.Concurrency, 1)}
	wake := newWakeups(ctx, mgr.GetClient())
	notifier := &Notifier{Secrets: mgr.GetAPIReader(), AllowLoopback: opts.AllowLoopback, Policy: opts.DeliveryPolicy, Clock: opts.Clock,
		Recovered: wake.recovered}
	if err := (&ProgrammeReconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("programme-controller"),
		Clock:    opts.Clock,
		Options:  controllerOptions,
		Notifier: notifier,
		Wakeups:  wake.programmes,
		Writers:  16,
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&ParticipantReconciler{
		Client:   mgr.GetClient(),
		Recorder: mgr.GetEventRecorder("participant-controller"),
		Options:  controllerOptions,
		Notifier: notifier,
		Wakeups:  wake.participants,
		Feeds:    Feeds{Secrets: mgr.GetAPIReader(), BaseURL: opts.FeedBaseURL},
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	return (&PairingReconciler{
		Client:    mgr.GetClient(),
		Recorder:  mgr.GetEventRecorder("pairing-controller"),
		Clock:     opts.Clock,
		Options:   controllerOptions,
		Notifier:  notifier,
		Wakeups:   wake.pairings,
		Calendars: Calendars{Secrets: mgr.GetAPIReader(), AllowLoopback: opts.AllowLoopback},
	}).SetupWithManager(mgr)
}
