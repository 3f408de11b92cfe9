package kubesource

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
)

// The keys of a personal-link Secret.
const (
	TokenKey = "token"
	URLKey   = "url"
)

// LinkSecretName is the name of a participant's personal-link Secret.
func LinkSecretName(participant string) string { return participant + "-personal-link" }

// Links keeps participants' personal-link Secrets; the participant controller calls it, as it keeps
// calendar feed Secrets.
type Links struct {
	// Secrets reads the Secrets straight from the API server.
	Secrets client.Reader
	// BaseURL is where people reach the page server, such as https://mentoring.example.org.
	BaseURL string
}

// Ensure returns the participant's status.personalLink, creating the Secret, owned by the
// Participant, with a new token when it does not exist (at first, or after a person deleted it to
// revoke the link).
func (l Links) Ensure(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) (*mentoringv1alpha1.PersonalLink, error) {
	link := &mentoringv1alpha1.PersonalLink{SecretRef: mentoringv1alpha1.LocalObjectReference{Name: LinkSecretName(p.Name)}}
	secret := &corev1.Secret{}
	err := l.Secrets.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: link.SecretRef.Name}, secret)
	switch {
	case err == nil && len(secret.Data[TokenKey]) > 0:
		link.TokenHash = portal.HashToken(string(secret.Data[TokenKey]))
		return link, nil
	case err != nil && !apierrors.IsNotFound(err):
		return nil, err
	}
	token := calendar.NewToken()
	secret = &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: link.SecretRef.Name, Namespace: p.Namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: map[string]string{TokenKey: token, URLKey: portal.LinkURL(l.BaseURL, token)},
	}
	if err := controllerutil.SetControllerReference(p, secret, c.Scheme()); err != nil {
		return nil, err
	}
	if err := c.Create(ctx, secret); err != nil {
		return nil, err
	}
	link.TokenHash = portal.HashToken(token)
	return link, nil
}

// Remove deletes the participant's personal-link Secret, when the programme stops measuring.
func (l Links) Remove(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) error {
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: LinkSecretName(p.Name), Namespace: p.Namespace}}
	return client.IgnoreNotFound(c.Delete(ctx, secret))
}
