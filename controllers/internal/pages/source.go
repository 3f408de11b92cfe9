// Package pages gives every participant of a programme that measures (spec.measurement) a personal
// page: a Secret, owned by the Participant, with an unguessable link (kept as
// controllers/internal/tokens keeps every token), and the page's Source in the Kubernetes API, which
// finds a person by their link and records their answers into the Pairing's status.checkIns, a field
// only it writes. internal/portal serves the page itself.
package pages

import (
	"context"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// The page server reads a Pairing afresh from the API server before it writes the Pairing's status.
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings,verbs=get
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings/status,verbs=patch

// Source implements portal.Source.
type Source struct {
	// Client reads Participants, Programmes and Pairings from the manager's cache, through the
	// indexes SetupIndexes registers, and writes the Pairing's status.
	Client client.Client
	// API reads Secrets and the Pairing to change straight from the API server.
	API client.Reader
	// Notifier sends comments to the programme's comments webhook.
	Notifier *notify.Notifier
}

// Person finds the participant whose link this is: the cache index narrows the token's hash to one
// participant, and the token must then equal the one in their Secret, read from the API server, so a
// deleted Secret revokes the link at once.
func (s *Source) Person(ctx context.Context, token string) (portal.Person, bool, error) {
	p, ok, err := kind("").Holder(ctx, s.Client, s.API, watch.LinkTokenIndex, token)
	if !ok || err != nil {
		return portal.Person{}, false, err
	}
	programme := &mentoringv1alpha1.Programme{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Spec.ProgrammeRef.Name}, programme); err != nil {
		return portal.Person{}, false, client.IgnoreNotFound(err)
	}
	policy, measuring := planner.MeasurementPolicy(programme)
	timeline, err := planner.TimelineOf(programme)
	if !measuring || err != nil {
		return portal.Person{}, false, nil
	}
	zone, err := zones.Load(string(p.Spec.Timezone))
	if err != nil {
		zone = time.UTC
	}
	person := portal.Person{Namespace: p.Namespace, Participant: p.Name, DisplayName: p.Spec.DisplayName, Zone: zone,
		Programme: portal.Programme{Name: programme.Name, Purpose: programme.Spec.Purpose, Policy: policy}}
	pairings, err := watch.PairingsOf(ctx, s.Client, p.Namespace, p.Name)
	if err != nil {
		return portal.Person{}, false, err
	}
	slices.SortFunc(pairings, func(a, b mentoringv1alpha1.Pairing) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
	for i := range pairings {
		pr := &pairings[i]
		if pr.Spec.ProgrammeRef.Name != programme.Name {
			continue
		}
		view, err := s.pairing(ctx, p.Name, pr, timeline)
		if err != nil {
			return portal.Person{}, false, err
		}
		person.Pairings = append(person.Pairings, view)
	}
	return person, true, nil
}

// pairing is one of the person's pairings as the page shows it.
func (s *Source) pairing(ctx context.Context, participant string, pr *mentoringv1alpha1.Pairing, timeline planner.Timeline) (portal.Pairing, error) {
	role, partner := roleIn(pr, participant)
	other := &mentoringv1alpha1.Participant{}
	name := "your partner"
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: pr.Namespace, Name: partner}, other); err == nil {
		name = other.Spec.DisplayName
	} else if !apierrors.IsNotFound(err) {
		return portal.Pairing{}, err
	}
	view := portal.Pairing{Name: pr.Name, Role: role, Partner: name, Schedule: planner.MeasureSchedule(pr, timeline),
		Ended: pr.Status.Ended != nil, Responses: planner.Responses(pr.Status.CheckIns)}
	for _, t := range pr.Spec.Topics {
		view.Topics = append(view.Topics, string(t))
	}
	return view, nil
}

// roleIn is the participant's role in the pairing and the partner's name.
func roleIn(pr *mentoringv1alpha1.Pairing, participant string) (measure.Role, string) {
	if pr.Spec.MentorRef.Name == participant {
		return measure.Mentor, pr.Spec.MenteeRef.Name
	}
	return measure.Mentee, pr.Spec.MentorRef.Name
}

// Record forwards the comment, if any, then writes the answers into the Pairing's status.checkIns,
// read afresh from the API server and patched with its resource version: when another replica wrote
// the same Pairing in between (the partner answering at the same moment, or the pairing controller),
// the write conflicts and is made again on the newer Pairing, so no answer is lost.
func (s *Source) Record(ctx context.Context, sub portal.Submission) error {
	key := client.ObjectKey{Namespace: sub.Person.Namespace, Name: sub.Pairing.Name}
	if sub.Comment != "" {
		if err := s.forward(ctx, key, sub); err != nil {
			return err
		}
	}
	checkIn := planner.CheckIn(sub.Response)
	return retry.RetryOnConflict(conflictBackoff, func() error {
		current := &mentoringv1alpha1.Pairing{}
		if err := s.API.Get(ctx, key, current); err != nil {
			if apierrors.IsNotFound(err) {
				return portal.ErrNotInPairing
			}
			return err
		}
		if role, _ := roleIn(current, sub.Person.Participant); !inPairing(current, sub.Person.Participant) || role != sub.Response.Role {
			return portal.ErrNotInPairing
		}
		desired := current.DeepCopy()
		desired.Status.CheckIns = planner.WithCheckIn(current.Status.CheckIns, checkIn)
		return status.Patch(ctx, s.Client, current, desired, status.PortalManager, true)
	})
}

// conflictBackoff spaces out the writes made again after a conflict: up to eight, from 20 ms doubling
// with jitter, about five seconds in all. client-go's DefaultBackoff (four within 100 ms) gave up under
// two replicas writing one Pairing over and over (found by TestTwoReplicasLoseNoAnswer).
var conflictBackoff = wait.Backoff{Steps: 8, Duration: 20 * time.Millisecond, Factor: 2, Jitter: 0.5}

func inPairing(pr *mentoringv1alpha1.Pairing, participant string) bool {
	return pr.Spec.MentorRef.Name == participant || pr.Spec.MenteeRef.Name == participant
}
