package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// The manager's identity, as config/rbac/service_account.yaml declares it.
const (
	operatorNamespace = "reverse-mentoring-system"
	operatorAccount   = "reverse-mentoring-operator"
)

// unusedRules are the rules of config/rbac/role.yaml that the RBAC scenario does not use, each with why
// it is granted anyway, or why it should not be. The test fails when a rule is unused and not listed
// here, when a listed rule is used (move it out), and when a listed rule is no longer granted.
var unusedRules = map[string]string{
	// Needed, but the API server checks them itself: OwnerReferencesPermissionEnforcement (on in this
	// test's API server, and in OpenShift) lets an object's ownerReference set blockOwnerDeletion only
	// for a user who may update the owner's finalizers. expectFinalizerRulesNeeded proves both.
	"update mentoring.reverse-mentoring.dev/programmes/finalizers":   "needed: Pairings are created with a controller reference to their Programme (blockOwnerDeletion)",
	"update mentoring.reverse-mentoring.dev/participants/finalizers": "needed: feed and personal-link Secrets are created with a controller reference to their Participant (blockOwnerDeletion)",
}

// maybeUnusedRules are rules a run may or may not use, each with why it is needed.
var maybeUnusedRules = map[string]string{
	"patch events.k8s.io/events": "the event recorder patches an event to count it when it repeats within six minutes (an event series)",
	// client-go's informers fill the cache with a streaming watch (sendInitialEvents), which the API
	// server authorises as watch alone, and fall back to a list where streaming is unavailable.
	"list mentoring.reverse-mentoring.dev/programmes":   "the informer's initial list where watch-list streaming is unavailable",
	"list mentoring.reverse-mentoring.dev/participants": "the informer's initial list where watch-list streaming is unavailable",
	"list mentoring.reverse-mentoring.dev/pairings":     "the informer's initial list where watch-list streaming is unavailable",
	"list /configmaps": "the metadata informer's initial list where watch-list streaming is unavailable",
}

// TestRBACLeastPrivilege runs the real manager as its ServiceAccount, bound to exactly
// config/rbac/role.yaml and the leader-election Role of config/rbac, against an API server that enforces
// owner-reference permissions (as OpenShift does), through a scenario that exercises every feature: a
// CalDAV calendar, calendar feeds, a signed webhook, a webhook whose Secret is missing, manual approval,
// check-ins answered on a personal page with a comment for the HR webhook, a participant leaving, an
// orphan participant, a feed key added, feeds and check-ins turned off, and a programme deleted with its
// pairings and their calendar finalizers. Every request the manager makes is recorded: none may be
// forbidden, and every rule of role.yaml must be used or be listed in unusedRules or maybeUnusedRules
// with its reason. Finally, an account with role.yaml less its finalizers rules shows those are needed.
func TestRBACLeastPrivilege(t *testing.T) {
	g := NewWithT(t)
	api := startOwnerReferenceEnforcingAPIServer(t)
	admin := api.client
	role := installOperatorRBAC(t, admin)
	requests := &requestLog{}
	operator := impersonate(api.config, operatorAccount)
	operator.Wrap(requests.wrap)

	ns := createNamespace(t, admin, "rbac-")
	dav := testenv.RadicaleForTest(t)
	m := startManagerAs(t, ns, january2027, managerSetup{config: operator, leaderElectionNamespace: operatorNamespace, opts: fastRetries})
	operatorReader, err := client.New(operator, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	participantServer, err := controllers.ParticipantHandler(m.client, operatorReader, controllers.Options{Clock: m.clock, AllowLoopback: true})
	g.Expect(err).NotTo(HaveOccurred())
	feeds := httptest.NewServer(participantServer)
	t.Cleanup(feeds.Close)
	hr := startReceiver(t, m.clock)
	relay := testenv.SMTPForTest(t, testenv.SMTPOptions{})

	prog := withCalDAV(programme("prog"), dav, ns)
	prog.Spec.Integrations.Calendar.Feed = true
	prog.Spec.Integrations.Webhooks = []mentoringv1alpha1.Webhook{standardWebhook("hr")}
	prog.Spec.Measurement = &mentoringv1alpha1.Measurement{CommentsWebhook: "hr"}
	prog.Spec.Integrations.Email = &mentoringv1alpha1.EmailIntegration{Address: relay.Addr, TLS: mentoringv1alpha1.EmailNoTLS,
		From: "office@example.org", MaxMessagesPerMinute: 6000, TemplatesConfigMapRef: &mentoringv1alpha1.LocalObjectReference{Name: "email"}}
	templates := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "email"},
		Data: map[string]string{"introduction.subject": "Meet {{.Partner.Name}}"}}
	manual := programme("manual")
	manual.Spec.Matching.Approval = mentoringv1alpha1.ApprovalManual
	broken := programme("broken")
	broken.Spec.Integrations = &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{{
		Name: "chat", Format: mentoringv1alpha1.WebhookSlack, URLSecretRef: mentoringv1alpha1.SecretKeyReference{Name: "absent-url"}}}}
	objs := append(webhookSecrets("hr", hr.srv.URL+"/hr"), caldavSecret(testenv.RadicaleUsers["mentoring"]), templates, prog, manual, broken,
		mentor("ada", "prog"), mentee("bob", "prog"), mentor("cy", "prog"), mentee("dee", "prog"),
		mentor("eve", "manual"), mentee("fay", "manual"), mentor("orphan", "nowhere"))
	createIn(t, admin, ns, objs...)

	// Everything works under the operator's own permissions.
	g.Eventually(func(g Gomega) {
		byProgramme := map[string][]mentoringv1alpha1.Pairing{}
		for _, p := range pairingsIn(g, admin, ns) {
			byProgramme[p.Spec.ProgrammeRef.Name] = append(byProgramme[p.Spec.ProgrammeRef.Name], p)
		}
		g.Expect(byProgramme["prog"]).To(HaveLen(2))
		for _, p := range byProgramme["prog"] {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
			g.Expect(condition(p.Status.Conditions, "Notified")).To(Equal("Notified=True/Delivered"))
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
		}
		g.Expect(byProgramme["manual"]).To(HaveLen(1))
		g.Expect(condition(byProgramme["manual"][0].Status.Conditions, "Ready")).To(Equal("Ready=True/AwaitingApproval"))
		g.Expect(events(g, dav, ns)).To(HaveLen(2))
		g.Expect(condition(getIn(g, admin, ns, "broken", &mentoringv1alpha1.Programme{}).Status.Conditions, "IntegrationsReady")).To(
			Equal("IntegrationsReady=False/SecretNotFound"))
		g.Expect(condition(getIn(g, admin, ns, "orphan", &mentoringv1alpha1.Participant{}).Status.Conditions, "Stalled")).To(
			Equal("Stalled=True/ProgrammeNotFound"))
		token := string(getIn(g, admin, ns, "bob-calendar-feed", &corev1.Secret{}).Data["token"])
		code, _, body := fetch(g, feeds.URL+"/feeds/"+token+".ics")
		g.Expect(code).To(Equal(http.StatusOK))
		g.Expect(body).To(ContainSubstring("BEGIN:VEVENT"))
	}).Should(Succeed())

	// Ada answers the first check-in on her page, with a comment for the HR system.
	adas := slices.DeleteFunc(pairingsIn(g, admin, ns), func(p mentoringv1alpha1.Pairing) bool { return p.Spec.MentorRef.Name != "ada" })[0]
	g.Eventually(func(g Gomega) {
		// The receiver checks each signature's time against the clock that is about to move.
		for _, n := range getIn(g, admin, ns, "prog", &mentoringv1alpha1.Programme{}).Status.Notifications {
			g.Expect(n.State).To(Equal(mentoringv1alpha1.DeliveryDelivered))
		}
	}).Should(Succeed())
	m.clock.SetTime(roundsOf(g, getIn(g, admin, ns, "prog", &mentoringv1alpha1.Programme{}), adas)[0].Opens.Add(time.Hour))
	link := feeds.URL + portal.Prefix + string(getIn(g, admin, ns, "ada-personal-link", &corev1.Secret{}).Data["token"])
	g.Expect(postComment(g, link, adas.Name, "A comment for HR.")).To(Equal(http.StatusSeeOther))
	g.Eventually(func(g Gomega) {
		p := getIn(g, admin, ns, adas.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(p.Status.CheckIns).To(HaveLen(1))
		g.Expect(condition(p.Status.Conditions, "Healthy")).To(Equal("Healthy=True/OnTrack"))
		g.Expect(getIn(g, admin, ns, "prog", &mentoringv1alpha1.Programme{}).Status.Measurement.Responses).To(Equal(int32(1)))
	}).Should(Succeed())

	// A person approves the manual pairing; a mentee leaves.
	pending := slices.DeleteFunc(pairingsIn(g, admin, ns), func(p mentoringv1alpha1.Pairing) bool { return p.Spec.ProgrammeRef.Name != "manual" })[0]
	patch := client.MergeFrom(pending.DeepCopy())
	pending.Spec.Approved = true
	g.Expect(admin.Patch(context.Background(), &pending, patch)).To(Succeed())
	g.Expect(admin.Delete(context.Background(), &mentoringv1alpha1.Participant{ObjectMeta: metav1.ObjectMeta{Name: "bob", Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(condition(getIn(g, admin, ns, pending.Name, &mentoringv1alpha1.Pairing{}).Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		for _, p := range pairingsIn(g, admin, ns) {
			if p.Spec.MenteeRef.Name == "bob" {
				g.Expect(p.Status.Ended).NotTo(BeNil())
				g.Expect(p.Status.Calendar).To(BeNil())
			}
		}
		g.Expect(events(g, dav, ns)).To(HaveLen(1))
	}).Should(Succeed())

	// The programme gets a feed key: the feed Secrets are rewritten with tokens derived from it.
	random := string(getIn(g, admin, ns, "ada-calendar-feed", &corev1.Secret{}).Data["token"])
	g.Expect(admin.Create(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "feed-key", Namespace: ns},
		StringData: map[string]string{"key": "a-feed-key-of-at-least-thirty-two-bytes"}})).To(Succeed())
	updateIn(t, admin, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Integrations.Calendar.FeedKeySecretRef = &mentoringv1alpha1.SecretKeyReference{Name: "feed-key"}
	})
	g.Eventually(func(g Gomega) {
		g.Expect(string(getIn(g, admin, ns, "ada-calendar-feed", &corev1.Secret{}).Data["token"])).NotTo(Equal(random))
	}).Should(Succeed())

	// Feeds and measurement are turned off, then the programme is deleted: its pairings go, and their
	// series with them.
	updateIn(t, admin, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Integrations.Calendar.Feed, p.Spec.Measurement = false, nil
	})
	g.Eventually(func(g Gomega) {
		err := admin.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "ada-calendar-feed"}, &corev1.Secret{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "feed Secrets are deleted")
		err = admin.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "ada-personal-link"}, &corev1.Secret{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "personal-link Secrets are deleted")
	}).Should(Succeed())
	g.Expect(admin.Delete(context.Background(), &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Name: "prog", Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		err := admin.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "prog"}, &mentoringv1alpha1.Programme{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the programme's finalizer let it go")
		for _, p := range pairingsIn(g, admin, ns) {
			g.Expect(p.Spec.ProgrammeRef.Name).NotTo(Equal("prog"))
		}
		g.Expect(events(g, dav, ns)).To(BeEmpty())
	}).Should(Succeed())
	m.Stop() // releases the Lease

	// Nothing was forbidden.
	accesses := requests.all()
	g.Expect(accesses).NotTo(BeEmpty())
	for _, a := range accesses {
		if a.code == http.StatusForbidden || a.code == http.StatusUnauthorized {
			t.Errorf("the operator was refused: %s (HTTP %d)", a, a.code)
		}
	}

	// Every rule of role.yaml was used, or is listed with its reason.
	used := map[string]int{}
	for _, a := range accesses {
		for _, permission := range a.permissions() {
			used[permission]++
		}
	}
	granted := expand(role.Rules)
	for _, rule := range granted {
		_, unused := unusedRules[rule]
		_, maybe := maybeUnusedRules[rule]
		switch {
		case used[rule] > 0 && unused:
			t.Errorf("%s is used %d times: remove it from unusedRules", rule, used[rule])
		case used[rule] == 0 && maybe:
			t.Logf("granted, not used in this run: %s (%s)", rule, maybeUnusedRules[rule])
		case used[rule] == 0 && !unused:
			t.Errorf("%s is granted by role.yaml but the controllers never used it: remove its marker, or list it with the reason it is needed", rule)
		case used[rule] == 0:
			t.Logf("granted, never used: %s (%s)", rule, unusedRules[rule])
		}
	}
	for rule := range unusedRules {
		if !slices.Contains(granted, rule) {
			t.Errorf("unusedRules lists %s, which role.yaml no longer grants: remove it", rule)
		}
	}
	var summary []string
	for _, rule := range granted {
		summary = append(summary, fmt.Sprintf("%s ×%d", rule, used[rule]))
	}
	t.Logf("%d requests; role.yaml use:\n  %s", len(accesses), strings.Join(summary, "\n  "))

	// The leader-election Role: its rules that were used, for the record.
	var leaderElection []string
	for _, rule := range expand(readRBAC[rbacv1.Role](t, "leader_election_role.yaml").Rules) {
		leaderElection = append(leaderElection, fmt.Sprintf("%s ×%d", rule, used[rule]))
	}
	t.Logf("leader-election Role use: %s", strings.Join(leaderElection, ", "))
	g.Expect(used["create coordination.k8s.io/leases"]).To(BeNumerically(">", 0), "the manager took the Lease")

	// Nothing is owned by a Pairing, which is why pairings/finalizers is never needed.
	for _, holder := range ownedBy(g, admin, ns, "Pairing") {
		t.Errorf("%s is owned by a Pairing: pairings/finalizers is needed after all", holder)
	}

	t.Run("finalizers rules are needed", func(t *testing.T) { expectFinalizerRulesNeeded(t, api, role) })
}

// expectFinalizerRulesNeeded shows that the finalizers rules of role.yaml, which no request uses
// directly, are needed where the API server enforces owner-reference permissions: without them, the
// operator's ServiceAccount cannot create a Pairing owned by its Programme, or a feed Secret owned by its
// Participant, as the controllers do; with role.yaml it can.
func expectFinalizerRulesNeeded(t *testing.T, api ownerReferenceAPI, role *rbacv1.ClusterRole) {
	g := NewWithT(t)
	admin := api.client
	ns := createNamespace(t, admin, "owners-")
	createIn(t, admin, ns, programme("prog"), mentor("ada", "prog"))
	prog := getIn(g, admin, ns, "prog", &mentoringv1alpha1.Programme{})
	ada := getIn(g, admin, ns, "ada", &mentoringv1alpha1.Participant{})

	// A second account with role.yaml less the finalizers rules.
	limited := role.DeepCopy()
	limited.ObjectMeta = metav1.ObjectMeta{Name: "without-finalizers"}
	for i := range limited.Rules {
		limited.Rules[i].Resources = slices.DeleteFunc(limited.Rules[i].Resources, func(r string) bool { return strings.HasSuffix(r, "/finalizers") })
	}
	limited.Rules = slices.DeleteFunc(limited.Rules, func(r rbacv1.PolicyRule) bool { return len(r.Resources) == 0 })
	createIn(t, admin, "", limited,
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "limited", Namespace: operatorNamespace}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "without-finalizers"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: limited.Name},
			Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "limited", Namespace: operatorNamespace}}})
	limitedClient, err := client.New(impersonate(api.config, "limited"), client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	operatorClient, err := client.New(impersonate(api.config, operatorAccount), client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())

	controlledBy := func(owner client.Object, kind string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: kind, Name: owner.GetName(), UID: owner.GetUID(),
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
	}
	pairing := personalPairing("ada-bob", "prog", "ada", "bob")
	pairing.Namespace, pairing.OwnerReferences = ns, controlledBy(prog, "Programme")
	feed := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ada-calendar-feed", Namespace: ns, OwnerReferences: controlledBy(ada, "Participant")}}
	for rule, obj := range map[string]client.Object{"programmes/finalizers": pairing, "participants/finalizers": feed} {
		err := limitedClient.Create(context.Background(), obj.DeepCopyObject().(client.Object))
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "without update on %s: %v", rule, err)
		g.Expect(err.Error()).To(ContainSubstring("cannot set blockOwnerDeletion"))
		g.Expect(operatorClient.Create(context.Background(), obj)).To(Succeed(), "with role.yaml, which grants update on %s", rule)
	}
}

// ownerReferenceAPI is an API server of its own that enforces owner-reference permissions.
type ownerReferenceAPI struct {
	config *rest.Config
	client client.Client
}

// startOwnerReferenceEnforcingAPIServer starts etcd and kube-apiserver, with the admission plugin
// OwnerReferencesPermissionEnforcement and the CRDs, for one test: its RBAC objects are cluster-wide.
func startOwnerReferenceEnforcingAPIServer(t *testing.T) ownerReferenceAPI {
	t.Helper()
	assets, err := testenv.Assets()
	if err != nil {
		t.Fatal(err)
	}
	e := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(testenv.RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
	}
	e.ControlPlane.GetAPIServer().Configure().Append("enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
	cfg, err := e.Start()
	t.Cleanup(func() { _ = e.Stop() })
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return ownerReferenceAPI{config: cfg, client: c}
}

// installOperatorRBAC creates the operator's namespace, ServiceAccount, ClusterRole, Role and bindings
// from config/rbac, and returns the ClusterRole.
func installOperatorRBAC(t *testing.T, c client.Client) *rbacv1.ClusterRole {
	t.Helper()
	createIn(t, c, "", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}})
	for _, file := range []string{"service_account.yaml", "role.yaml", "role_binding.yaml", "leader_election_role.yaml", "leader_election_role_binding.yaml"} {
		obj := readRBAC[unstructured.Unstructured](t, file)
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %s: %v", file, err)
		}
	}
	return readRBAC[rbacv1.ClusterRole](t, "role.yaml")
}

// readRBAC decodes a file of config/rbac, whose leading comments are skipped.
func readRBAC[T any](t *testing.T, file string) *T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "rbac", file))
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.TrimPrefix(strings.TrimSpace(string(data)), "---"))
	out := new(T)
	if u, ok := any(out).(*unstructured.Unstructured); ok {
		err = yaml.Unmarshal(data, &u.Object)
	} else {
		err = yaml.UnmarshalStrict(data, out)
	}
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

// impersonate is cfg acting as a ServiceAccount of the operator's namespace, with the groups a token of
// that account carries.
func impersonate(cfg *rest.Config, account string) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{
		UserName: "system:serviceaccount:" + operatorNamespace + ":" + account,
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + operatorNamespace, "system:authenticated"},
	}
	return c
}

// expand lists a role's permissions as "verb group/resource".
func expand(rules []rbacv1.PolicyRule) []string {
	var out []string
	for _, r := range rules {
		for _, group := range r.APIGroups {
			for _, resource := range r.Resources {
				for _, verb := range r.Verbs {
					out = append(out, verb+" "+group+"/"+resource)
				}
			}
		}
	}
	return out
}

// access is one request to the API server and its answer.
type access struct {
	method, path, query string
	// verb, group, resource (with its subresource) and name as the authorizer sees them; resource is
	// empty for discovery and other non-resource paths.
	verb, group, resource, name string
	code                        int
}

func (a access) String() string {
	return fmt.Sprintf("%s %s/%s %q (%s %s)", a.verb, a.group, a.resource, a.name, a.method, a.path)
}

// permissions are the RBAC permissions the request needed: a server-side apply that creates an object
// is authorised as a patch and as a create.
func (a access) permissions() []string {
	if a.resource == "" {
		return nil
	}
	out := []string{a.verb + " " + a.group + "/" + a.resource}
	if a.verb == "patch" && a.code == http.StatusCreated {
		out = append(out, "create "+a.group+"/"+a.resource)
	}
	return out
}

// requestLog records every request made through a rest.Config it wraps.
type requestLog struct {
	mu       sync.Mutex
	accesses []access
}

func (l *requestLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		a := parseAccess(req)
		if err == nil {
			a.code = resp.StatusCode
		}
		l.mu.Lock()
		l.accesses = append(l.accesses, a)
		l.mu.Unlock()
		return resp, err
	})
}

func (l *requestLog) all() []access {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.accesses)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// parseAccess reads a request to the API server as the authorizer does: /api/v1/... or
// /apis/GROUP/VERSION/..., then namespaces/NS/ when namespaced, then RESOURCE[/NAME[/SUBRESOURCE]].
func parseAccess(req *http.Request) access {
	a := access{method: req.Method, path: req.URL.Path, query: req.URL.RawQuery}
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		a.group, parts = parts[1], parts[3:]
	default:
		return a
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	} else if len(parts) == 2 && parts[0] == "namespaces" {
		parts = []string{"namespaces", parts[1]}
	}
	if len(parts) == 0 {
		return a
	}
	a.resource = parts[0]
	if len(parts) >= 2 {
		a.name = parts[1]
	}
	if len(parts) >= 3 {
		a.resource += "/" + parts[2]
	}
	switch req.Method {
	case http.MethodGet:
		switch {
		case a.name != "":
			a.verb = "get"
		case req.URL.Query().Get("watch") == "true" || req.URL.Query().Get("watch") == "1":
			a.verb = "watch"
		default:
			a.verb = "list"
		}
	case http.MethodPost:
		a.verb = "create"
	case http.MethodPut:
		a.verb = "update"
	case http.MethodPatch:
		a.verb = "patch"
	case http.MethodDelete:
		a.verb = "delete"
		if a.name == "" {
			a.verb = "deletecollection"
		}
	}
	return a
}

// ownedBy lists the objects of the namespace with an owner reference of the given kind.
func ownedBy(g Gomega, c client.Client, namespace, kind string) []string {
	var out []string
	var secrets corev1.SecretList
	var pairings mentoringv1alpha1.PairingList
	g.Expect(c.List(context.Background(), &secrets, client.InNamespace(namespace))).To(Succeed())
	g.Expect(c.List(context.Background(), &pairings, client.InNamespace(namespace))).To(Succeed())
	var objs []client.Object
	for i := range secrets.Items {
		objs = append(objs, &secrets.Items[i])
	}
	for i := range pairings.Items {
		objs = append(objs, &pairings.Items[i])
	}
	for _, o := range objs {
		for _, ref := range o.GetOwnerReferences() {
			if ref.Kind == kind {
				out = append(out, fmt.Sprintf("%T %s", o, o.GetName()))
			}
		}
	}
	return out
}

// createNamespace creates a namespace with a generated name through c.
func createNamespace(t *testing.T, c client.Client, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix}}
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// createIn creates objects through c, in namespace unless it is empty.
func createIn(t *testing.T, c client.Client, namespace string, objs ...client.Object) {
	t.Helper()
	for _, obj := range objs {
		if namespace != "" {
			obj.SetNamespace(namespace)
		}
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
		}
	}
}

// getIn reads an object through c.
func getIn[T client.Object](g Gomega, c client.Client, namespace, name string, obj T) T {
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, obj)).To(Succeed())
	return obj
}

// updateIn changes an object through c, retrying on conflicts.
func updateIn[T client.Object](t *testing.T, c client.Client, namespace, name string, obj T, change func(T)) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		current := getIn(g, c, namespace, name, obj)
		change(current)
		g.Expect(c.Update(context.Background(), current)).To(Succeed())
	}).Should(Succeed())
}

// pairingsIn lists a namespace's pairings through c.
func pairingsIn(g Gomega, c client.Client, namespace string) []mentoringv1alpha1.Pairing {
	var list mentoringv1alpha1.PairingList
	g.Expect(c.List(context.Background(), &list, client.InNamespace(namespace))).To(Succeed())
	return list.Items
}
