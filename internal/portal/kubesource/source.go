// Package kubesource is the participant page's Source in the Kubernetes API: it finds a person by the
// SHA-256 of their link's token through a cache index, checks the token against the one in their
// Secret, and records answers into the Pairing's status.checkIns, a field only it writes.
//
// It is controller-side glue, like the calendar feed's source in controllers/feed.go, kept out of
// controllers while that package is restructured; it may move there unchanged.
package kubesource

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// FieldManager owns status.checkIns: the page server is its only writer, on every replica.
const FieldManager = "mentoring-portal"

// Source implements portal.Source.
type Source struct {
	// Client reads Participants, Programmes and Pairings from the manager's cache, through the
	// indexes SetupIndexes registers, and writes the Pairing's status.
	Client client.Client
	// API reads Secrets and the Pairing to change straight from the API server.
	API client.Reader
	// Comments forwards comments to the programme's comments webhook.
	Comments *Forwarder
}

// Person finds the participant whose link this is: the cache index narrows the token's hash to one
// participant, and the token must then equal the one in their Secret, read from the API server, so a
// deleted Secret revokes the link at once.
func (s *Source) Person(ctx context.Context, token string) (portal.Person, bool, error) {
	var participants mentoringv1alpha1.ParticipantList
	if err := s.Client.List(ctx, &participants, client.MatchingFields{LinkHashIndex: portal.HashToken(token)}); err != nil {
		return portal.Person{}, false, err
	}
	if len(participants.Items) != 1 {
		return portal.Person{}, false, nil
	}
	p := &participants.Items[0]
	secret := &corev1.Secret{}
	err := s.API.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Status.PersonalLink.SecretRef.Name}, secret)
	if err != nil || !calendar.TokenEqual(string(secret.Data[TokenKey]), token) {
		return portal.Person{}, false, client.IgnoreNotFound(err)
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
	var pairings mentoringv1alpha1.PairingList
	if err := s.Client.List(ctx, &pairings, client.InNamespace(p.Namespace), client.MatchingFields{ParticipantIndex: p.Name}); err != nil {
		return portal.Person{}, false, err
	}
	slices.SortFunc(pairings.Items, func(a, b mentoringv1alpha1.Pairing) int { return a.CreationTimestamp.Compare(b.CreationTimestamp.Time) })
	for i := range pairings.Items {
		pr := &pairings.Items[i]
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
		return s.Client.Status().Patch(ctx, desired, client.MergeFromWithOptions(current, client.MergeFromWithOptimisticLock{}),
			client.FieldOwner(FieldManager))
	})
}

// conflictBackoff spaces out the writes made again after a conflict: up to eight, from 20 ms doubling
// with jitter, about five seconds in all. client-go's DefaultBackoff (four within 100 ms) gave up under
// two replicas writing one Pairing over and over (found by TestTwoReplicasLoseNoAnswer).
var conflictBackoff = wait.Backoff{Steps: 8, Duration: 20 * time.Millisecond, Factor: 2, Jitter: 0.5}

func inPairing(pr *mentoringv1alpha1.Pairing, participant string) bool {
	return pr.Spec.MentorRef.Name == participant || pr.Spec.MenteeRef.Name == participant
}

// forward sends the round's answers with the comment to the comments webhook; the comment is then
// forgotten.
func (s *Source) forward(ctx context.Context, key client.ObjectKey, sub portal.Submission) error {
	pairing := &mentoringv1alpha1.Pairing{}
	if err := s.API.Get(ctx, key, pairing); err != nil {
		return fmt.Errorf("%w: reading the pairing: %w", portal.ErrCommentNotDelivered, err)
	}
	programme := &mentoringv1alpha1.Programme{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: pairing.Spec.ProgrammeRef.Name}, programme); err != nil {
		return fmt.Errorf("%w: reading the programme: %w", portal.ErrCommentNotDelivered, err)
	}
	responses := planner.Responses(planner.WithCheckIn(pairing.Status.CheckIns, planner.CheckIn(sub.Response)))
	return s.Comments.Forward(ctx, programme, pairing, responses, sub.Response, sub.Comment)
}
