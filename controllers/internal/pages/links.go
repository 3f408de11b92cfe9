package pages

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/tokens"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
)

// Enabled reports whether the programme gives its participants personal pages: when it measures.
func Enabled(programme *mentoringv1alpha1.Programme) bool {
	_, measuring := planner.MeasurementPolicy(programme)
	return measuring
}

// LinkSecretName is the name of a participant's personal-link Secret, which holds the keys
// tokens.TokenKey and tokens.URLKey.
func LinkSecretName(participant string) string { return kind("").SecretName(participant) }

// kind is the personal links' kind of token Secret.
func kind(baseURL string) tokens.Kind {
	return tokens.Kind{Suffix: "-personal-link", What: "a personal-link Secret", URL: func(token string) string {
		return portal.LinkURL(baseURL, token)
	}}
}

// Links keeps participants' personal-link Secrets; the participant controller calls it, as it keeps
// calendar feed Secrets.
type Links struct {
	// Reader reads the Secrets straight from the API server.
	Reader client.Reader
	// BaseURL is where people reach the page server, such as https://mentoring.example.org.
	BaseURL string
}

// Ensure returns the participant's status.personalLink, creating the Secret, owned by the
// Participant, with a new token when it does not exist (at first, or after a person deleted it to
// revoke the link).
func (l Links) Ensure(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) (*mentoringv1alpha1.PersonalLink, error) {
	hash, err := kind(l.BaseURL).Ensure(ctx, c, l.Reader, p, nil)
	if err != nil {
		return nil, err
	}
	return &mentoringv1alpha1.PersonalLink{SecretRef: mentoringv1alpha1.LocalObjectReference{Name: LinkSecretName(p.Name)}, TokenHash: hash}, nil
}

// Remove deletes the participant's personal-link Secret, when the programme stops measuring.
func (l Links) Remove(ctx context.Context, c client.Client, p *mentoringv1alpha1.Participant) error {
	return kind(l.BaseURL).Remove(ctx, c, p)
}
