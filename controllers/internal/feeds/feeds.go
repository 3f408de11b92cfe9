// Package feeds gives every participant of a programme that sets spec.integrations.calendar.feed a
// calendar subscription: a Secret, owned by the Participant, with an unguessable token and the URL
// built from it (kept as controllers/internal/tokens keeps every token), and the server that answers
// that URL with the participant's meetings.
package feeds

import (
	"context"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/tokens"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// Enabled reports whether the programme serves calendar feeds.
func Enabled(programme *mentoringv1alpha1.Programme) bool {
	i := programme.Spec.Integrations
	return i != nil && i.Calendar != nil && i.Calendar.Feed
}

// SecretName is the name of a participant's feed Secret.
func SecretName(participant string) string { return kind("").SecretName(participant) }

// Secrets manages the participants' feed Secrets.
type Secrets struct {
	// Reader reads the feed Secrets directly from the API server.
	Reader client.Reader
	// BaseURL is where the manager's feed server is reached from outside, such as
	// https://mentoring.example.org; feed URLs are BaseURL + /feeds/TOKEN.ics.
	BaseURL string
}

// kind is the feed Secrets' kind of token Secret.
func kind(baseURL string) tokens.Kind {
	return tokens.Kind{Suffix: "-calendar-feed", What: "a calendar feed Secret", URL: func(token string) string {
		return strings.TrimSuffix(baseURL, "/") + calendar.FeedPrefix + token + ".ics"
	}}
}

// Ensure returns the participant's feed Secret and token hash: a random token, or, with the programme's
// feed key, one derived from it (tokens.Kind.Ensure).
func (f Secrets) Ensure(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant, key []byte) (*mentoringv1alpha1.LocalObjectReference, string, error) {
	hash, err := kind(f.BaseURL).Ensure(ctx, c, f.Reader, p, key)
	if err != nil {
		return nil, "", err
	}
	return &mentoringv1alpha1.LocalObjectReference{Name: SecretName(p.Name)}, hash, nil
}

// Remove deletes a participant's feed Secret when the programme no longer serves feeds.
func (f Secrets) Remove(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) error {
	return kind(f.BaseURL).Remove(ctx, c, p)
}

// Source serves participants' meetings to calendar.FeedHandler from the manager's cache.
type Source struct {
	// Client reads the participants, programmes and pairings from the cache.
	Client client.Reader
	// Secrets reads the feed Secrets directly from the API server, so that deleting a Secret revokes
	// its token at once.
	Secrets client.Reader
	Clock   clock.PassiveClock
}

// Handler is the manager's calendar feed server.
func Handler(c, secrets client.Reader, clk clock.PassiveClock) http.Handler {
	return calendar.FeedHandler(Source{Client: c, Secrets: secrets, Clock: clk})
}

// Feed returns the meetings of the participant whose token this is: one series per active, scheduled
// pairing they are in, nothing of anybody else's.
func (f Source) Feed(ctx context.Context, token string) ([]calendar.Event, bool, error) {
	p, ok, err := kind("").Holder(ctx, f.Client, f.Secrets, watch.FeedTokenIndex, token)
	if !ok || err != nil {
		return nil, false, err
	}
	programme := &mentoringv1alpha1.Programme{}
	if err := f.Client.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Spec.ProgrammeRef.Name}, programme); err != nil {
		return nil, false, client.IgnoreNotFound(err)
	}
	if !Enabled(programme) {
		return nil, false, nil
	}
	pairings, err := watch.PairingsOf(ctx, f.Client, p.Namespace, p.Name)
	if err != nil {
		return nil, false, err
	}
	var events []calendar.Event
	for i := range pairings {
		ev, ok, err := f.event(ctx, programme, &pairings[i])
		if err != nil {
			return nil, false, err
		}
		if ok {
			events = append(events, ev)
		}
	}
	return events, true, nil
}

// event is a pairing's series as the feed shows it; false unless the pairing is active.
func (f Source) event(ctx context.Context, programme *mentoringv1alpha1.Programme, pairing *mentoringv1alpha1.Pairing) (calendar.Event, bool, error) {
	ready := meta.FindStatusCondition(pairing.Status.Conditions, mentoringv1alpha1.ReadyCondition)
	if pairing.Spec.ProgrammeRef.Name != programme.Name || ready == nil || ready.Reason != mentoringv1alpha1.ReasonActive {
		return calendar.Event{}, false, nil
	}
	timeline, err := planner.TimelineOf(programme)
	if err != nil {
		return calendar.Event{}, false, nil
	}
	pair := meetings.Pair{Programme: programme, Timeline: timeline, Pairing: pairing,
		Mentor: &mentoringv1alpha1.Participant{}, Mentee: &mentoringv1alpha1.Participant{}}
	for name, into := range map[string]*mentoringv1alpha1.Participant{pairing.Spec.MentorRef.Name: pair.Mentor, pairing.Spec.MenteeRef.Name: pair.Mentee} {
		if err := f.Client.Get(ctx, client.ObjectKey{Namespace: pairing.Namespace, Name: name}, into); err != nil {
			return calendar.Event{}, false, client.IgnoreNotFound(err)
		}
	}
	slot, err := pair.Slot()
	if err != nil {
		return calendar.Event{}, false, nil
	}
	ev := pair.Event(slot)
	ev.Stamp = pairing.CreationTimestamp.UTC()
	if c := pairing.Status.Calendar; c != nil && c.Stamp != nil {
		ev.Sequence, ev.Stamp = int(c.Sequence), c.Stamp.UTC()
	}
	return ev, true, nil
}
