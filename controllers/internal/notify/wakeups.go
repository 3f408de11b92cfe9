package notify

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Wakeups reconciles at once, when a webhook accepts a delivery again after an outage, every object
// whose delivery to that webhook waits for a retry. Without them each would wait out its own backoff,
// minutes after a long outage. The Notifier knows them from its own passes; after a restart every
// object is reconciled anyway.
type Wakeups struct {
	ctx context.Context
	// Programmes, Participants and Pairings are watched by their controllers (see Source).
	Programmes, Participants, Pairings chan event.GenericEvent
}

// NewWakeups wakes objects until ctx ends.
func NewWakeups(ctx context.Context) *Wakeups {
	return &Wakeups{ctx: ctx, Programmes: make(chan event.GenericEvent),
		Participants: make(chan event.GenericEvent), Pairings: make(chan event.GenericEvent)}
}

// Source is a controller's watch of one of the channels.
func Source(events <-chan event.GenericEvent) source.Source {
	return source.Channel(events, &handler.EnqueueRequestForObject{})
}

// Recovered is the Notifier's Recovered hook: it enqueues each waiting object with its controller. It
// returns at once.
func (w *Wakeups) Recovered(waiting []Waiting) {
	go func() {
		for _, o := range waiting {
			var obj client.Object
			events := w.Pairings
			switch o.Kind {
			case "Programme":
				obj, events = &mentoringv1alpha1.Programme{}, w.Programmes
			case "Participant":
				obj, events = &mentoringv1alpha1.Participant{}, w.Participants
			default:
				obj = &mentoringv1alpha1.Pairing{}
			}
			obj.SetNamespace(o.Namespace)
			obj.SetName(o.Name)
			select {
			case events <- event.GenericEvent{Object: obj}:
			case <-w.ctx.Done():
				return
			}
		}
	}()
}
