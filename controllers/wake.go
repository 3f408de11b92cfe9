package controllers

import (
	"context"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/source"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// wakeups reconciles at once, when a webhook accepts a delivery again after an outage, the programme
// and every participant and pairing of it whose delivery to that webhook waits for a retry. Without
// them each would wait out its own backoff, minutes after a long outage.
type wakeups struct {
	ctx    context.Context
	reader client.Reader
	// Each controller watches its channel.
	programmes, participants, pairings chan event.GenericEvent
}

func newWakeups(ctx context.Context, reader client.Reader) *wakeups {
	return &wakeups{ctx: ctx, reader: reader, programmes: make(chan event.GenericEvent),
		participants: make(chan event.GenericEvent), pairings: make(chan event.GenericEvent)}
}

// wakeupSource is a controller's watch of its channel.
func wakeupSource(events <-chan event.GenericEvent) source.Source {
	return source.Channel(events, &handler.EnqueueRequestForObject{})
}

// recovered is the Notifier's Recovered hook. It returns at once; the objects are found and enqueued
// in the background.
func (w *wakeups) recovered(programme client.ObjectKey, webhookName string) {
	go func() {
		if err := w.wake(programme, webhookName); err != nil {
			log.FromContext(w.ctx).Error(err, "Failed to find the deliveries waiting for a recovered webhook; they wait for their retry")
		}
	}()
}

func (w *wakeups) wake(programme client.ObjectKey, webhookName string) error {
	owner := &mentoringv1alpha1.Programme{}
	owner.Namespace, owner.Name = programme.Namespace, programme.Name
	participants, pairings, err := programmeMembers(w.ctx, w.reader, owner)
	if err != nil {
		return err
	}
	w.send(w.programmes, owner)
	for i := range participants {
		if waitsFor(participants[i].Status.Notifications, webhookName) {
			w.send(w.participants, &participants[i])
		}
	}
	for i := range pairings {
		if waitsFor(pairings[i].Status.Notifications, webhookName) {
			w.send(w.pairings, &pairings[i])
		}
	}
	return nil
}

func (w *wakeups) send(events chan event.GenericEvent, obj client.Object) {
	select {
	case events <- event.GenericEvent{Object: obj}:
	case <-w.ctx.Done():
	}
}

// waitsFor is true when a delivery to the webhook is pending: it failed, or waits for the retry of one
// that failed before it.
func waitsFor(records []mentoringv1alpha1.Notification, webhookName string) bool {
	return slices.ContainsFunc(records, func(r mentoringv1alpha1.Notification) bool {
		return r.Webhook == webhookName && r.State == mentoringv1alpha1.DeliveryPending
	})
}
