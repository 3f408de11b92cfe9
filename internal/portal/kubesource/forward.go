package kubesource

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Forwarder sends comments to a programme's comments webhook at the moment people submit them: a
// comment is never stored in the cluster, so it is delivered now or not at all, and the person is
// told which.
type Forwarder struct {
	// Secrets reads the webhook's Secrets straight from the API server.
	Secrets client.Reader
	// AllowLoopback lets the webhook be on loopback (local development and tests).
	AllowLoopback bool
}

// Forward sends the round's feedback.submitted event, with the comment in the person's answers, and
// returns an error wrapping portal.ErrCommentNotDelivered unless the webhook accepted it. The event's
// id is the one the pairing controller derives later from status for the same answers, so the
// receiver drops that numbers-only copy as a duplicate.
func (f *Forwarder) Forward(ctx context.Context, programme *mentoringv1alpha1.Programme, pairing *mentoringv1alpha1.Pairing,
	responses []measure.Response, submitted measure.Response, comment string) error {
	e := planner.FeedbackEvent(pairing, submitted.Round, responses)
	data := e.Data.(webhook.FeedbackData)
	for i := range data.Responses {
		if data.Responses[i].Role == string(submitted.Role) {
			data.Responses[i].Comment = comment
		}
	}
	e.Data = data
	if err := f.send(ctx, programme, e); err != nil {
		return fmt.Errorf("%w: %w", portal.ErrCommentNotDelivered, err)
	}
	return nil
}

func (f *Forwarder) send(ctx context.Context, programme *mentoringv1alpha1.Programme, e webhook.Event) error {
	spec, ok := commentsWebhook(programme)
	if !ok {
		return fmt.Errorf("the programme names no comments webhook")
	}
	url, err := f.read(ctx, programme.Namespace, spec.URLSecretRef, "url")
	if err != nil {
		return err
	}
	var secret webhook.Secret
	if spec.SigningSecretRef != nil {
		raw, err := f.read(ctx, programme.Namespace, *spec.SigningSecretRef, "secret")
		if err != nil {
			return err
		}
		if secret, err = webhook.ParseSecret(string(raw)); err != nil {
			return fmt.Errorf("the signing secret of webhook %s is invalid", spec.Name)
		}
	}
	var caBundle []byte
	if spec.CABundleSecretRef != nil {
		if caBundle, err = f.read(ctx, programme.Namespace, *spec.CABundleSecretRef, "ca.crt"); err != nil {
			return err
		}
	}
	request, err := webhook.Build(webhook.Format(spec.Format), e, secret, time.Now())
	if err != nil {
		return err
	}
	sender, err := webhook.NewSender(webhook.Options{CABundle: caBundle, AllowLoopback: f.AllowLoopback})
	if err != nil {
		return err
	}
	defer sender.Close()
	if result := sender.Send(ctx, string(url), request); result.Outcome != webhook.OutcomeDelivered {
		return fmt.Errorf("webhook %s: %s", spec.Name, result.Message)
	}
	return nil
}

func commentsWebhook(programme *mentoringv1alpha1.Programme) (mentoringv1alpha1.Webhook, bool) {
	m, i := programme.Spec.Measurement, programme.Spec.Integrations
	if m == nil || i == nil {
		return mentoringv1alpha1.Webhook{}, false
	}
	for _, w := range i.Webhooks {
		if w.Name == m.CommentsWebhook {
			return w, true
		}
	}
	return mentoringv1alpha1.Webhook{}, false
}

// read reads one key of a Secret; the key defaults to defaultKey.
func (f *Forwarder) read(ctx context.Context, namespace string, ref mentoringv1alpha1.SecretKeyReference, defaultKey string) ([]byte, error) {
	secret := &corev1.Secret{}
	if err := f.Secrets.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		return nil, fmt.Errorf("reading Secret %s: %w", ref.Name, err)
	}
	key := ref.Key
	if key == "" {
		key = defaultKey
	}
	value, ok := secret.Data[key]
	if !ok {
		return nil, fmt.Errorf("Secret %s has no key %s", ref.Name, key)
	}
	return value, nil
}
