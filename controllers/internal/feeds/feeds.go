// Package feeds gives every participant of a programme that sets spec.integrations.calendar.feed a
// calendar subscription: a Secret, owned by the Participant, with an unguessable token and the URL
// built from it, and the server that answers that URL with the participant's meetings. The
// Participant's status keeps only the token's SHA-256, which a cache index maps back to the
// participant; the server then compares the token with the one in the Secret, so deleting the Secret
// revokes the URL at once (the participant gets a new one on its next pass).
package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
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
func SecretName(participant string) string { return participant + "-calendar-feed" }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Secrets manages the participants' feed Secrets.
type Secrets struct {
	// Reader reads the feed Secrets directly from the API server.
	Reader client.Reader
	// BaseURL is where the manager's feed server is reached from outside, such as
	// https://mentoring.example.org; feed URLs are BaseURL + /feeds/TOKEN.ics.
	BaseURL string
}

// Ensure returns the participant's feed Secret and token hash. Without a key it creates the Secret
// with a random token when it does not exist; with the programme's feed key the token is derived from
// the key and the participant's declared identity, and the Secret is made to hold it.
func (f Secrets) Ensure(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant, key []byte) (*mentoringv1alpha1.LocalObjectReference, string, error) {
	ref := &mentoringv1alpha1.LocalObjectReference{Name: SecretName(p.Name)}
	secret := &corev1.Secret{}
	err := f.Reader.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: ref.Name}, secret)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, "", err
	}
	exists, current := err == nil, string(secret.Data["token"])
	token := current
	switch {
	case key != nil:
		token = calendar.DerivedToken(key, p.Namespace+"/"+p.Name)
	case current == "":
		token = calendar.NewToken()
	}
	if exists && token == current {
		return ref, hashToken(token), nil
	}
	desired := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: ref.Name, Namespace: p.Namespace},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{"token": []byte(token), "url": []byte(strings.TrimSuffix(f.BaseURL, "/") + calendar.FeedPrefix + token + ".ics")},
	}
	if err := controllerutil.SetControllerReference(p, desired, c.Scheme()); err != nil {
		return nil, "", err
	}
	if exists {
		desired.ResourceVersion = secret.ResourceVersion
		err = c.Update(ctx, desired)
	} else {
		err = c.Create(ctx, desired)
	}
	if err != nil {
		return nil, "", err
	}
	log.FromContext(ctx).Info("Wrote a calendar feed Secret")
	return ref, hashToken(token), nil
}

// Remove deletes a participant's feed Secret when the programme no longer serves feeds.
func (f Secrets) Remove(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) error {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: SecretName(p.Name), Namespace: p.Namespace}}
	return client.IgnoreNotFound(c.Delete(ctx, secret))
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
	var participants mentoringv1alpha1.ParticipantList
	if err := f.Client.List(ctx, &participants, client.MatchingFields{watch.FeedTokenIndex: hashToken(token)}); err != nil {
		return nil, false, err
	}
	if len(participants.Items) != 1 {
		return nil, false, nil
	}
	p := &participants.Items[0]
	secret := &corev1.Secret{}
	err := f.Secrets.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: SecretName(p.Name)}, secret)
	if err != nil || !calendar.TokenEqual(string(secret.Data["token"]), token) {
		return nil, false, client.IgnoreNotFound(err)
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
