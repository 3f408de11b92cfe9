// Package tokens keeps a participant's unguessable tokens: each in a Secret owned by the Participant,
// with the token and the URL built from it, while the Participant's status keeps only the token's
// SHA-256, which a cache index maps back to the participant. A server then finds the participant by the
// hash and compares the token with the one in the Secret, read from the API server, so deleting the
// Secret revokes the URL at once; the participant gets a new token on its next pass. Calendar feeds
// (controllers/internal/feeds) and personal pages (controllers/internal/pages) both keep theirs so.
package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// The keys of a token Secret.
const (
	TokenKey = "token"
	URLKey   = "url"
)

// Hash is the SHA-256 of a token in hex, as the Participant's status keeps it.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Kind is one kind of token Secret.
type Kind struct {
	// Suffix names a participant's Secret: the participant's name and the suffix.
	Suffix string
	// URL is the address a token opens.
	URL func(token string) string
	// What names the Secret in the log line of its creation, such as "a calendar feed Secret".
	What string
}

// SecretName is the name of the participant's Secret of this kind.
func (k Kind) SecretName(participant string) string { return participant + k.Suffix }

// Ensure returns the hash of the participant's token and keeps the Secret, owned by the Participant,
// that holds it. Without a key the token is random: the Secret is created with a new one when it does
// not exist (at first, or after a person deleted it to revoke the URL). With a key the token is derived
// from it and the participant's declared identity (calendar.DerivedToken), the same on any cluster,
// and the Secret is made to hold it. api reads the Secret straight from the API server.
func (k Kind) Ensure(ctx context.Context, c client.Client, api client.Reader, p *mentoringv1alpha1.Participant, key []byte) (string, error) {
	secret := &corev1.Secret{}
	err := api.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: k.SecretName(p.Name)}, secret)
	if err != nil && !apierrors.IsNotFound(err) {
		return "", err
	}
	exists, current := err == nil, string(secret.Data[TokenKey])
	token := current
	switch {
	case key != nil:
		token = calendar.DerivedToken(key, p.Namespace+"/"+k.SecretName(p.Name))
	case current == "":
		token = calendar.NewToken()
	}
	if exists && token == current {
		return Hash(token), nil
	}
	desired := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: k.SecretName(p.Name), Namespace: p.Namespace},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{TokenKey: []byte(token), URLKey: []byte(k.URL(token))},
	}
	if err := controllerutil.SetControllerReference(p, desired, c.Scheme()); err != nil {
		return "", err
	}
	if exists {
		desired.ResourceVersion = secret.ResourceVersion
		err = c.Update(ctx, desired)
	} else {
		err = c.Create(ctx, desired)
	}
	if err != nil {
		return "", err
	}
	log.FromContext(ctx).Info("Wrote " + k.What)
	return Hash(token), nil
}

// Remove deletes the participant's Secret of this kind.
func (k Kind) Remove(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) error {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: k.SecretName(p.Name), Namespace: p.Namespace}}
	return client.IgnoreNotFound(c.Delete(ctx, secret))
}

// Holder finds the participant whose token this is: the cache index narrows the token's hash to one
// participant, whose Secret, read from api, must then hold the same token. False when nobody holds it.
func (k Kind) Holder(ctx context.Context, cache, api client.Reader, index, token string) (*mentoringv1alpha1.Participant, bool, error) {
	var participants mentoringv1alpha1.ParticipantList
	if err := cache.List(ctx, &participants, client.MatchingFields{index: Hash(token)}); err != nil {
		return nil, false, err
	}
	if len(participants.Items) != 1 {
		return nil, false, nil
	}
	p := &participants.Items[0]
	secret := &corev1.Secret{}
	err := api.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: k.SecretName(p.Name)}, secret)
	if err != nil || !calendar.TokenEqual(string(secret.Data[TokenKey]), token) {
		return nil, false, client.IgnoreNotFound(err)
	}
	return p, true, nil
}
