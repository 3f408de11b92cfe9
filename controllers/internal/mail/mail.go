// Package mail is a programme's email as the controllers use it. The Mailer reads a programme's email
// settings (the credentials and CA Secrets, the templates ConfigMap), keeps the one relay all its
// pairings share (so that they share its rate limit), and owns what this process knows about each relay:
// failing, recovered, or refusing the settings until a person changes them. It is shared by the
// programme and pairing controllers and never calls back into them.
package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// Mailer opens programmes' email. One Mailer serves every controller of a manager.
type Mailer struct {
	// Reader reads Secrets and templates ConfigMaps from the API server, only when a pass needs them.
	Reader client.Reader
	// Cache holds the metadata of ConfigMaps and the Pairings: a templates ConfigMap is read again
	// only when its resource version changed.
	Cache client.Reader
	// AllowLoopback lets relays be on loopback addresses (local development and tests).
	AllowLoopback bool
	// Policy is how deliveries are retried.
	Policy email.Policy
	// Recovered is told, when a programme's relay accepts a message after failing, which of the
	// programme's pairings have messages waiting, so that they are reconciled at once. It must not
	// block.
	Recovered func(waiting []notify.Waiting)

	mu sync.Mutex
	// relays are what this process knows of each programme's relay.
	relays map[client.ObjectKey]*relay
	// templates are the parsed templates of each ConfigMap, at the resource version parsed.
	templates map[client.ObjectKey]parsed
	// left are the email statuses the last passes over pairings left, until the cache shows them (see
	// Status).
	left map[types.UID]*mentoringv1alpha1.PairingEmailStatus
}

// relay is one programme's relay and what this process has seen of it.
type relay struct {
	// settings the relay was made from (see Office.settings).
	settings string
	relay    *email.Relay
	// failing is set while the last attempt failed and will be retried.
	failing bool
	// recoveredAt is when the relay last accepted a message after failing.
	recoveredAt time.Time
	// problem is a setting a person must fix, met under the settings problemSettings; the relay is not
	// tried again until they change. result is how the problem showed, such as "SMTP 535 5.7.8 at AUTH".
	problem         email.Problem
	problemSettings string
	result          string
}

// parsed are a templates ConfigMap's templates, or why they do not load.
type parsed struct {
	version   string
	templates *email.Templates
	err       error
}

// SettingsError is a setting of the programme's email that only a person can fix, such as a missing
// Secret. Reason is a condition reason; Message names the setting and the fix.
type SettingsError struct{ Reason, Message string }

func (e *SettingsError) Error() string { return e.Message }

// Settings are the programme's email settings, or nil when it sends no email.
func Settings(programme *mentoringv1alpha1.Programme) *mentoringv1alpha1.EmailIntegration {
	if i := programme.Spec.Integrations; i != nil {
		return i.Email
	}
	return nil
}

// Office is a programme's email for one pass.
type Office struct {
	// Relay hands the programme's messages to its SMTP relay; all its pairings share it.
	Relay *email.Relay
	// Templates render the messages.
	Templates *email.Templates
	// From is the sender and organizer; ReplyTo is optional.
	From    email.Address
	ReplyTo string

	mailer    *Mailer
	programme client.ObjectKey
	// settings identifies what the relay was made from: the email spec, the resource versions of the
	// Secrets and the ConfigMap read, and the programme's reconcile request, so that a problem is tried
	// again once a person changed any of them.
	settings string
}

// Open reads the programme's email settings and returns its office. The error is a *SettingsError when
// a person must fix a setting; any other error is transient.
func (m *Mailer) Open(ctx context.Context, programme *mentoringv1alpha1.Programme) (*Office, error) {
	spec := Settings(programme)
	if spec == nil {
		return nil, errors.New("the programme sends no email")
	}
	cfg := email.Config{Address: spec.Address, TLS: email.TLSMode(spec.TLS), PerMinute: int(spec.MaxMessagesPerMinute), AllowLoopback: m.AllowLoopback}
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	versions := []string{string(specJSON), programme.Annotations[mentoringv1alpha1.ReconcileRequestedAnnotation]}
	if err := m.checkAddress(spec.Address); err != nil {
		return nil, err
	}
	if ref := spec.CredentialsSecretRef; ref != nil {
		version, err := m.credentials(ctx, programme.Namespace, ref.Name, &cfg)
		if err != nil {
			return nil, err
		}
		versions = append(versions, version)
	}
	if ref := spec.CABundleSecretRef; ref != nil {
		bundle, version, err := secrets.Key(ctx, m.Reader, programme.Namespace, *ref, "ca.crt")
		if err != nil {
			return nil, err
		}
		if bundle == nil {
			return nil, &SettingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
				"Secret %s or its key with the relay's CA bundle does not exist: create it, or remove email.caBundleSecretRef.", ref.Name)}
		}
		cfg.CABundle = bundle
		versions = append(versions, version)
	}
	templates, version, err := m.templatesOf(ctx, programme.Namespace, spec.TemplatesConfigMapRef)
	if err != nil {
		return nil, err
	}
	o := &Office{Templates: templates, From: email.Address{Name: spec.FromName, Email: string(spec.From)}, ReplyTo: string(spec.ReplyTo),
		mailer: m, programme: client.ObjectKeyFromObject(programme), settings: fingerprint(append(versions, version)...)}
	if o.From.Name == "" {
		o.From.Name = programme.Name
	}
	if o.Relay, err = m.relayFor(o, cfg); err != nil {
		return nil, err
	}
	return o, nil
}

// checkAddress refuses, before any connection, a relay address that is a literal IP address the guard
// refuses. Host names are checked when dialled.
func (m *Mailer) checkAddress(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &SettingsError{mentoringv1alpha1.ReasonInvalidSpec, "The relay's address is not host:port: fix email.address."}
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if err := (netguard.Guard{AllowLoopback: m.AllowLoopback}).Check(addr); err != nil {
			return &SettingsError{mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
				"The relay's address is %v: point email.address at a routable address.", err)}
		}
	}
	return nil
}

// credentials reads the username and password into cfg and returns the Secret's resource version.
func (m *Mailer) credentials(ctx context.Context, namespace, name string, cfg *email.Config) (string, error) {
	secret := &corev1.Secret{}
	err := m.Reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, secret)
	switch {
	case apierrors.IsNotFound(err):
		return "", &SettingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
			"Secret %s with the relay's credentials does not exist: create it with the keys username and password, or remove email.credentialsSecretRef.", name)}
	case err != nil:
		return "", err
	case secret.Type == corev1.SecretTypeServiceAccountToken:
		return "", &SettingsError{mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"Secret %s holds a service account token, which the operator never sends anywhere: put the relay's credentials in a Secret of their own.", name)}
	case len(secret.Data["username"]) == 0 || len(secret.Data["password"]) == 0:
		return "", &SettingsError{mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
			"Secret %s lacks the key username or password for the relay: add both.", name)}
	}
	cfg.Username, cfg.Password = string(secret.Data["username"]), string(secret.Data["password"])
	return secret.ResourceVersion, nil
}

// templatesOf returns the templates of the programme's ConfigMap, parsed again only when its resource
// version changed, or the built-in ones without a ConfigMap, and the version parsed.
func (m *Mailer) templatesOf(ctx context.Context, namespace string, ref *mentoringv1alpha1.LocalObjectReference) (*email.Templates, string, error) {
	if ref == nil {
		return email.Builtin(), "", nil
	}
	key := client.ObjectKey{Namespace: namespace, Name: ref.Name}
	missing := &SettingsError{mentoringv1alpha1.ReasonTemplateInvalid, fmt.Sprintf(
		"ConfigMap %s with the email templates does not exist: create it, or remove email.templatesConfigMapRef.", ref.Name)}
	current := &metav1.PartialObjectMetadata{}
	current.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("ConfigMap"))
	if err := m.Cache.Get(ctx, key, current); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", missing
		}
		return nil, "", err
	}
	m.mu.Lock()
	known, ok := m.templates[key]
	m.mu.Unlock()
	if ok && known.version == current.ResourceVersion {
		return known.templates, known.version, known.err
	}
	configMap := &corev1.ConfigMap{}
	if err := m.Reader.Get(ctx, key, configMap); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", missing
		}
		return nil, "", err
	}
	known = parsed{version: configMap.ResourceVersion}
	known.templates, known.err = email.LoadTemplates(configMap.Data)
	if known.err != nil {
		known.err = &SettingsError{mentoringv1alpha1.ReasonTemplateInvalid, fmt.Sprintf("ConfigMap %s: %v: fix it.", ref.Name, known.err)}
	}
	m.mu.Lock()
	if m.templates == nil {
		m.templates = map[client.ObjectKey]parsed{}
	}
	m.templates[key] = known
	m.mu.Unlock()
	return known.templates, known.version, known.err
}

// relayFor returns the programme's relay, made again when its settings changed.
func (m *Mailer) relayFor(o *Office, cfg email.Config) (*email.Relay, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.relays[o.programme]
	if r != nil && r.settings == o.settings {
		return r.relay, nil
	}
	made, err := email.NewRelay(cfg)
	if err != nil {
		return nil, &SettingsError{mentoringv1alpha1.ReasonInvalidSpec, "The email settings are invalid: " + err.Error() + "."}
	}
	if m.relays == nil {
		m.relays = map[client.ObjectKey]*relay{}
	}
	if r == nil {
		r = &relay{}
		m.relays[o.programme] = r
	}
	r.settings, r.relay = o.settings, made
	return made, nil
}

// fingerprint is a short hash of the parts.
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Health is how the outbox sees the programme's relay: disabled while a problem met under the same
// settings stands, and when it last recovered.
func (o *Office) Health() email.RelayHealth {
	o.mailer.mu.Lock()
	defer o.mailer.mu.Unlock()
	r := o.mailer.relays[o.programme]
	return email.RelayHealth{Disabled: r.problem != "" && r.problemSettings == o.settings, RecoveredAt: r.recoveredAt}
}

// Problem is the setting a person must fix before the relay is tried again, and how it showed; empty
// when none stands.
func (o *Office) Problem() (email.Problem, string) {
	o.mailer.mu.Lock()
	defer o.mailer.mu.Unlock()
	r := o.mailer.relays[o.programme]
	if r.problem == "" || r.problemSettings != o.settings {
		return "", ""
	}
	return r.problem, r.result
}

// Observe records what a delivery pass over a pairing showed of the relay. When the relay accepted a
// message after failing, it tells Recovered which other pairings of the programme have messages
// waiting.
func (o *Office) Observe(ctx context.Context, pairing client.ObjectKey, out email.Pass, now time.Time) {
	m := o.mailer
	m.mu.Lock()
	r := m.relays[o.programme]
	recovered := false
	for _, a := range out.Attempts {
		switch a.Outcome {
		case email.OutcomeDelivered:
			recovered = recovered || r.failing || r.problem != ""
			r.failing, r.problem = false, ""
		case email.OutcomeRetry:
			r.failing = true
			if a.Problem != "" {
				r.problem, r.problemSettings, r.result = a.Problem, o.settings, a.Message
			}
		}
	}
	if recovered {
		r.recoveredAt = now
	}
	m.mu.Unlock()
	if recovered && m.Recovered != nil {
		m.Recovered(o.waiting(ctx, pairing))
	}
}

// waiting are the programme's pairings but one with messages waiting for the relay, as the cache shows
// them.
func (o *Office) waiting(ctx context.Context, except client.ObjectKey) []notify.Waiting {
	var pairings mentoringv1alpha1.PairingList
	if err := o.mailer.Cache.List(ctx, &pairings, client.InNamespace(o.programme.Namespace),
		client.MatchingFields{watch.ProgrammeIndex: o.programme.Name}); err != nil {
		return nil
	}
	var waiting []notify.Waiting
	for _, p := range pairings.Items {
		key := client.ObjectKeyFromObject(&p)
		if key != except && p.Status.Email != nil && slices.ContainsFunc(p.Status.Email.Messages, func(m mentoringv1alpha1.EmailMessage) bool {
			return m.State == mentoringv1alpha1.DeliveryPending
		}) {
			waiting = append(waiting, notify.Waiting{Kind: "Pairing", ObjectKey: key})
		}
	}
	return waiting
}

// Status is a pairing's email status as this process last left it. Only this process writes it, so
// what it left is never older than the cache's copy, which may not show the last write yet: a pass that
// read that copy would send again what the last pass delivered.
func (m *Mailer) Status(pairing *mentoringv1alpha1.Pairing) *mentoringv1alpha1.PairingEmailStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	left, ok := m.left[pairing.UID]
	if !ok {
		return pairing.Status.Email
	}
	if equality.Semantic.DeepEqual(left, pairing.Status.Email) {
		delete(m.left, pairing.UID)
	}
	return left.DeepCopy()
}

// Leave records the email status a pass over the pairing left, written or not.
func (m *Mailer) Leave(pairing *mentoringv1alpha1.Pairing, status *mentoringv1alpha1.PairingEmailStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.left == nil {
		m.left = map[types.UID]*mentoringv1alpha1.PairingEmailStatus{}
	}
	m.left[pairing.UID] = status.DeepCopy()
}

// ProgrammesUsing lists the programmes whose email templates the ConfigMap holds, for the watches that
// take up a change to it at once.
func ProgrammesUsing(ctx context.Context, c client.Reader, configMap client.Object) []client.Object {
	var programmes mentoringv1alpha1.ProgrammeList
	if err := c.List(ctx, &programmes, client.InNamespace(configMap.GetNamespace())); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list programmes")
		return nil
	}
	var using []client.Object
	for i := range programmes.Items {
		if s := Settings(&programmes.Items[i]); s != nil && s.TemplatesConfigMapRef != nil && s.TemplatesConfigMapRef.Name == configMap.GetName() {
			using = append(using, &programmes.Items[i])
		}
	}
	return using
}
