package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// The keys a webhook's Secret references default to.
const (
	urlKey      = "url"
	signingKey  = "secret"
	caBundleKey = "ca.crt"
)

// Endpoint is a webhook as its spec and Secrets configure it.
type Endpoint struct {
	// Hash fingerprints the webhook's spec and the versions of its Secrets: it changes whenever a person
	// changes the webhook.
	Hash string
	// URL of the endpoint; empty when a referenced Secret or key is missing.
	URL string
	// Missing names the Secret that is missing, or one whose key is; empty when none is.
	Missing string
	// Format of the request body.
	Format webhook.Format

	secret   webhook.Secret
	sender   *webhook.Sender
	unusable webhook.Result
}

// Endpoint reads a webhook's Secrets. A missing Secret or key is not an error of the pass: deliveries
// are retried with backoff, and the programme's IntegrationsReady condition names the Secret. A
// webhook the spec does not name has an empty Endpoint that cannot be used.
func (n *Notifier) Endpoint(ctx context.Context, programme *mentoringv1alpha1.Programme, name string) (Endpoint, error) {
	spec, ok := webhookNamed(programme, name)
	if !ok {
		return Endpoint{unusable: webhook.Result{Outcome: webhook.OutcomeFailed, Message: "the webhook is not in the programme's spec"}}, nil
	}
	fingerprint := sha256.New()
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return Endpoint{}, err
	}
	fingerprint.Write(specJSON)
	ep := Endpoint{Format: webhook.Format(spec.Format)}
	read := func(ref *mentoringv1alpha1.SecretKeyReference, defaultKey string) ([]byte, error) {
		if ref == nil || ep.Missing != "" {
			return nil, nil
		}
		value, version, err := secrets.Key(ctx, n.Secrets, programme.Namespace, *ref, defaultKey)
		if err == nil && value == nil {
			ep.Missing = ref.Name
		}
		fingerprint.Write([]byte(version))
		return value, err
	}
	url, err := read(&spec.URLSecretRef, urlKey)
	if err != nil {
		return Endpoint{}, err
	}
	signing, err := read(spec.SigningSecretRef, signingKey)
	if err != nil {
		return Endpoint{}, err
	}
	caBundle, err := read(spec.CABundleSecretRef, caBundleKey)
	if err != nil {
		return Endpoint{}, err
	}
	ep.Hash = hex.EncodeToString(fingerprint.Sum(nil))[:16]
	if ep.Missing != "" {
		ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "a referenced Secret or key is missing"}
		return ep, nil
	}
	ep.URL = string(url)
	if signing != nil {
		if ep.secret, err = webhook.ParseSecret(string(signing)); err != nil {
			ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "the signing secret is invalid"}
			return ep, nil
		}
	}
	if ep.sender, err = n.sender(caBundle); err != nil {
		ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "the CA bundle holds no certificate"}
	}
	return ep, nil
}

// attempt sends one event to the endpoint, unless it is unusable, and counts the request.
func (ep Endpoint) attempt(ctx context.Context, e webhook.Event, now time.Time) (webhook.Result, error) {
	if ep.unusable.Outcome != "" {
		return ep.unusable, nil
	}
	request, err := webhook.Build(ep.Format, e, ep.secret, now)
	if err != nil {
		return webhook.Result{}, err
	}
	result := ep.sender.Send(ctx, ep.URL, request)
	metrics.ExternalCalls.WithLabelValues("webhook", result.Class()).Inc()
	return result, nil
}

// sender returns the shared Sender for a CA bundle, so connections are reused across passes.
func (n *Notifier) sender(caBundle []byte) (*webhook.Sender, error) {
	key := sha256.Sum256(caBundle)
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.senders[key]; ok {
		return s, nil
	}
	s, err := webhook.NewSender(webhook.Options{CABundle: caBundle, AllowLoopback: n.AllowLoopback, Now: n.Clock.Now})
	if err != nil {
		return nil, err
	}
	if n.senders == nil {
		n.senders = map[[sha256.Size]byte]*webhook.Sender{}
	}
	n.senders[key] = s
	return s, nil
}

func webhookNamed(programme *mentoringv1alpha1.Programme, name string) (mentoringv1alpha1.Webhook, bool) {
	for _, w := range Webhooks(programme) {
		if w.Name == name {
			return w, true
		}
	}
	return mentoringv1alpha1.Webhook{}, false
}
