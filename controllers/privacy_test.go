package controllers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// managerSetup is how startManagerAs runs the manager, beyond what startManagerWith does.
type managerSetup struct {
	// config reaches the API server; env.Config (an administrator) when nil.
	config *rest.Config
	// logs, when set, receives every log line of the manager and its controllers, as JSON, at every
	// verbosity up to V(7), the most the manager allows. The suite's logger is global and
	// controller-runtime lets it be set only once (TestMain does), so the manager gets a logger of
	// its own, and so do the contexts of its reconciles, event handlers and feed requests.
	logs *logBuffer
	// leaderElectionNamespace, when set, makes the manager hold a Lease there before it acts, as the
	// deployed manager does.
	leaderElectionNamespace string
	opts                    controllers.Options
}

// startManagerAs starts the real manager with every controller, watching only namespace, with a fake
// clock set to now, as startManagerWith does, configured by setup.
func startManagerAs(t *testing.T, namespace string, now time.Time, setup managerSetup) *manager {
	t.Helper()
	cfg := setup.config
	if cfg == nil {
		cfg = env.Config
	}
	options := ctrl.Options{
		Scheme:                 scheme.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheFor(namespace),
		Controller:             controllerConfig(),
	}
	ctx, cancel := context.WithCancel(context.Background())
	if setup.logs != nil {
		options.Logger = zap.New(zap.WriteTo(setup.logs), zap.Level(mostVerbose))
		ctx = log.IntoContext(ctx, options.Logger)
	}
	if setup.leaderElectionNamespace != "" {
		options.LeaderElection = true
		options.LeaderElectionNamespace = setup.leaderElectionNamespace
		options.LeaderElectionID = "reverse-mentoring-operator.mentoring.reverse-mentoring.dev"
		options.LeaderElectionReleaseOnCancel = true
	}
	mgr, err := ctrl.NewManager(cfg, options)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	m := &manager{clock: clocktesting.NewFakePassiveClock(now), client: mgr.GetClient(), done: make(chan error, 1), stop: cancel}
	opts := setup.opts
	opts.AllowLoopback, opts.Clock, opts.Concurrency = true, m.clock, 4
	if err := controllers.Setup(ctx, mgr, opts); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { m.done <- mgr.Start(ctx) }()
	t.Cleanup(m.Stop)
	return m
}

// logBuffer collects log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// mostVerbose is the most detailed logging the manager allows (cmd/manager caps --zap-log-level at 7:
// from 8 the Kubernetes client logs request and response bodies).
const mostVerbose = zapcore.Level(-7)

// withLogs serves h with the most verbose logger writing into logs in every request's context.
func withLogs(h http.Handler, logs *logBuffer) http.Handler {
	logger := zap.New(zap.WriteTo(logs), zap.Level(mostVerbose))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(log.IntoContext(r.Context(), logger)))
	})
}

// private is one participant's personal data, each value unique in the test.
type private struct {
	name, displayName, email, employeeID, attribute string
}

// values are the personal values, which must appear nowhere but in the participant's own spec.
func (p private) values() map[string]string {
	return map[string]string{"display name": p.displayName, "email": p.email, "employee id": p.employeeID, "attribute value": p.attribute}
}

// privateCohort is twelve participants with distinctive personal data: five mentors and six mentees
// who want to learn about AI (so one of them is unmatched for want of a mentor), and a mentee who wants
// to learn about inclusion, which no mentor offers. The first mentor reports to that last mentee, by
// email; the second by employee id.
func privateCohort(programme string) ([]*mentoringv1alpha1.Participant, []private) {
	var people []*mentoringv1alpha1.Participant
	var data []private
	for i := range 12 {
		d := private{
			name:        fmt.Sprintf("emp-%04d", 4100+i),
			displayName: fmt.Sprintf("Ottoline Brightwater-Quayle %02d", i),
			email:       fmt.Sprintf("ottoline.bq%02d@private-mail.example", i),
			employeeID:  fmt.Sprintf("EMPID-%05d", 31337+i),
			attribute:   fmt.Sprintf("secret-generation-%02d", i),
		}
		var p *mentoringv1alpha1.Participant
		switch {
		case i < 5:
			p = mentor(d.name, programme)
		case i < 11:
			p = mentee(d.name, programme)
		default:
			p = mentee(d.name, programme)
			p.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "inclusion", Priority: 4}}
		}
		p.Spec.DisplayName, p.Spec.Email, p.Spec.EmployeeID = d.displayName, mentoringv1alpha1.Email(d.email), d.employeeID
		p.Spec.Department = fmt.Sprintf("Department of Quiet Things %d", i%3)
		p.Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "generation", Value: d.attribute}}
		people, data = append(people, p), append(data, d)
	}
	people[0].Spec.ManagementChain = []string{data[11].email}
	people[1].Spec.ManagementChain = []string{data[11].employeeID}
	return people, data
}

// TestNoPersonalDataLeaks runs a whole programme (a CalDAV calendar in Radicale, calendar feeds, a
// signed HR webhook and a Slack webhook, introductions and invitations by email through an SMTP relay,
// check-ins with comments for the HR webhook, twelve
// participants, five active pairings, unmatched mentees, then a paired mentee leaving, and a mentor
// answering a check-in with a comment on their page) with the manager logging at V(7), the most it
// allows, and checks that no participant's email, display name, employee id or attribute value is in
// a log line, in a Kubernetes event, in a metric label or in a webhook message; that once the mentee
// has left, nothing in the namespace or the calendar holds their data, except their feed and link
// Secrets, which the Participant owns (garbage collected in a cluster; envtest has no garbage
// collector); and that the comment reached the HR webhook and nothing else: no object, log line,
// event or Slack message holds it.
func TestNoPersonalDataLeaks(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	logs := &logBuffer{}
	m := startManagerAs(t, ns, january2027, managerSetup{logs: logs})
	participantServer, err := controllers.ParticipantHandler(m.client, env.Client, controllers.Options{Clock: m.clock, AllowLoopback: true})
	g.Expect(err).NotTo(HaveOccurred())
	feeds := httptest.NewServer(withLogs(participantServer, logs))
	t.Cleanup(feeds.Close)
	hr := startReceiver(t, m.clock)
	chat := startChatReceiver(t)
	relay := testenv.SMTPForTest(t, testenv.SMTPOptions{})

	prog := withCalDAV(programme("prog"), dav, ns)
	prog.Spec.Integrations.Calendar.Feed = true
	prog.Spec.Matching.Diversity = []mentoringv1alpha1.DiversityGoal{{Attribute: "generation", Prefer: mentoringv1alpha1.PreferDifferent, Weight: 10}}
	slack, slackSecrets := chatWebhooks(chat)
	prog.Spec.Integrations.Webhooks = []mentoringv1alpha1.Webhook{standardWebhook("hr"), slack[0]}
	prog.Spec.Measurement = &mentoringv1alpha1.Measurement{CommentsWebhook: "hr"}
	prog.Spec.Integrations.Email = &mentoringv1alpha1.EmailIntegration{Address: relay.Addr, TLS: mentoringv1alpha1.EmailNoTLS,
		From: "office@example.org", MaxMessagesPerMinute: 6000}
	people, data := privateCohort("prog")
	// The relay refuses one mentor's address: the Warning event that reports it names no address.
	g.Expect(relay.RefuseRecipient(data[1].email, 550)).To(Succeed())
	create(t, ns, append(append(webhookSecrets("hr", hr.srv.URL+"/hr"), slackSecrets...), caldavSecret(testenv.RadicaleUsers["mentoring"]), prog)...)
	create(t, ns, objects(people)...)

	// Five pairs meet, their series are in the calendar and their events delivered; two mentees wait.
	var pairings []mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		pairings = listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(5))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
			if p.Spec.MentorRef.Name == data[1].name {
				g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/RecipientRefused"))
			} else {
				g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
			}
		}
		g.Expect(events(g, dav, ns)).To(HaveLen(5))
		g.Expect(mailbox(g, relay)).To(HaveLen(18), "each person of the five pairs but the refused one got an introduction and an invitation")
		g.Expect(warningsWithReason(g, ns, mentoringv1alpha1.ReasonRecipientRefused)).NotTo(BeEmpty())
		g.Expect(condition(get(g, ns, "emp-4111", &mentoringv1alpha1.Participant{}).Status.Conditions, "Matched")).To(
			HavePrefix("Matched=False/"), "the inclusion mentee is told why they are unmatched")
		g.Expect(chat.received("/slack")).NotTo(BeEmpty())
		g.Expect(hr.types()).To(HaveKey("participant.unmatched"))
	}).Should(Succeed())
	for _, d := range data {
		token := string(get(g, ns, d.name+"-calendar-feed", &corev1.Secret{}).Data["token"])
		code, _, _ := fetch(g, feeds.URL+"/feeds/"+token+".ics")
		g.Expect(code).To(Equal(http.StatusOK))
	}

	// A paired mentee leaves; before that, the scan finds their data in their own Participant.
	leaving := pairings[0].Spec.MenteeRef.Name
	var leaver private
	for _, d := range data {
		if d.name == leaving {
			leaver = d
		}
	}
	g.Expect(objectsHolding(g, ns, leaver.email)).To(ContainElement("Participant " + leaving))
	participantUID := get(g, ns, leaving, &mentoringv1alpha1.Participant{}).UID
	g.Expect(env.Client.Delete(context.Background(), &mentoringv1alpha1.Participant{ObjectMeta: metav1.ObjectMeta{Name: leaving, Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		ended := get(g, ns, pairings[0].Name, &mentoringv1alpha1.Pairing{})
		g.Expect(ended.Status.Ended).NotTo(BeNil())
		g.Expect(ended.Status.Email.Series.Cancelled).To(BeTrue(), "the partner was sent the cancellation")
		g.Expect(condition(ended.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
		active := 0
		for _, p := range listPairings(g, ns) {
			if p.Status.Ended == nil {
				active++
				g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
			}
		}
		g.Expect(events(g, dav, ns)).To(HaveLen(active))
	}).Should(Succeed())

	// Nothing in the namespace holds the leaver's data but their feed and link Secrets, which they own.
	for what, value := range leaver.values() {
		for _, holder := range objectsHolding(g, ns, value) {
			t.Errorf("%s holds the %s of the participant who left", holder, what)
		}
		for _, item := range events(g, dav, ns) {
			g.Expect(item).NotTo(ContainSubstring(value), "the calendar holds the %s of the participant who left", what)
		}
	}
	feedSecret := get(g, ns, leaving+"-calendar-feed", &corev1.Secret{})
	g.Expect(feedSecret.OwnerReferences).To(ConsistOf(metav1.OwnerReference{
		APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Participant", Name: leaving, UID: participantUID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}), "the leaver's feed Secret goes with them in a cluster with a garbage collector")

	// A mentor answers the first check-in with a comment: it reaches the HR webhook and nothing else.
	const comment = "Confidential remark 7f3a: my mentee struggles with the new tools."
	commenter := active(listPairings(g, ns))[0]
	moveClock(g, m, ns, roundsOf(g, get(g, ns, "prog", &mentoringv1alpha1.Programme{}), commenter)[0].Opens.Add(time.Hour))
	link := feeds.URL + portal.Prefix + string(get(g, ns, commenter.Spec.MentorRef.Name+"-personal-link", &corev1.Secret{}).Data["token"])
	g.Expect(postComment(g, link, commenter.Name, comment)).To(Equal(http.StatusSeeOther))
	g.Eventually(func(g Gomega) {
		g.Expect(hr.delivered("feedback.submitted", commenter.Name)).NotTo(BeEmpty())
		p := get(g, ns, commenter.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(condition(p.Status.Conditions, "Healthy")).To(Equal("Healthy=True/OnTrack"))
		var feedback []string
		for _, n := range p.Status.Notifications {
			if n.Event == mentoringv1alpha1.EventFeedbackSubmitted {
				feedback = append(feedback, n.Webhook+" "+string(n.State))
			}
		}
		g.Expect(feedback).To(ConsistOf("hr Delivered"), "feedback.submitted goes to the HR webhook, never to a chat channel")
	}).Should(Succeed())
	raw, _ := json.Marshal(hr.delivered("feedback.submitted", commenter.Name))
	g.Expect(string(raw)).To(ContainSubstring(comment), "the HR webhook got the comment")
	g.Expect(objectsHolding(g, ns, "Confidential remark 7f3a")).To(BeEmpty(), "an object holds the comment")

	// Logs: at debug level, and without anybody's personal data.
	lines := logs.lines()
	g.Expect(strings.Join(lines, "\n")).To(And(ContainSubstring("Updated pairing status"), ContainSubstring("Wrote a calendar feed Secret")),
		"the capture holds the controllers' debug lines")
	for _, line := range lines {
		if strings.Contains(line, "Confidential remark") {
			t.Errorf("a log line holds the comment: %.400s", line)
		}
		for _, d := range data {
			for what, value := range d.values() {
				if strings.Contains(line, value) {
					t.Errorf("a log line holds the %s of %s: %.400s", what, d.name, line)
				}
			}
		}
	}
	t.Logf("%d log lines at the manager's most verbose level, none with personal data", len(lines))

	// Kubernetes events of both APIs.
	var newEvents eventsv1.EventList
	var oldEvents corev1.EventList
	g.Expect(env.Client.List(context.Background(), &newEvents, client.InNamespace(ns))).To(Succeed())
	g.Expect(env.Client.List(context.Background(), &oldEvents, client.InNamespace(ns))).To(Succeed())
	g.Expect(newEvents.Items).NotTo(BeEmpty(), "the operator reported events")
	for _, e := range append(asJSON(g, &newEvents), asJSON(g, &oldEvents)...) {
		g.Expect(e).NotTo(ContainSubstring("Confidential remark"), "an event holds the comment")
		for _, d := range data {
			for what, value := range d.values() {
				g.Expect(e).NotTo(ContainSubstring(value), "an event holds the %s of %s", what, d.name)
			}
		}
	}

	// Metrics, as the manager's registry serves them: no label holds a participant's name or data.
	families, err := metrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	labelled := 0
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			for _, label := range metric.GetLabel() {
				if label.GetValue() == "prog" && strings.HasPrefix(f.GetName(), "mentoring_") {
					labelled++
				}
				for _, d := range data {
					for what, value := range map[string]string{"name": d.name, "display name": d.displayName, "email": d.email,
						"employee id": d.employeeID, "attribute value": d.attribute} {
						g.Expect(label.GetValue()).NotTo(ContainSubstring(value), "metric %s label %s holds the %s of %s", f.GetName(), label.GetName(), what, d.name)
					}
				}
			}
		}
	}
	g.Expect(labelled).To(BeNumerically(">", 0), "the operator's own metrics were gathered")

	// Webhook messages carry participants' names (pseudonymous ids) and nothing else about them.
	bodies := chat.received("/slack")
	g.Expect(bodies).NotTo(BeEmpty())
	for _, body := range bodies {
		g.Expect(string(body)).NotTo(Or(ContainSubstring("Confidential remark"), ContainSubstring("Feedback submitted")),
			"a Slack message carries individual answers")
		for _, d := range data {
			for what, value := range d.values() {
				g.Expect(string(body)).NotTo(ContainSubstring(value), "a Slack message holds the %s of %s", what, d.name)
			}
		}
	}
}

// postComment answers the open round of a pairing on a person's page with a comment, as their
// browser would: to the pairing's form, with its token, from the page's own origin.
func postComment(g Gomega, link, pairing, comment string) int {
	page, err := http.Get(link)
	g.Expect(err).NotTo(HaveOccurred())
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	// The pairing's form: its action, then its token.
	_, form, found := strings.Cut(string(body), `action="`+link[strings.Index(link, portal.Prefix):]+"/"+pairing+"/")
	g.Expect(found).To(BeTrue(), "the page has a form for pairing %s", pairing)
	round, _, _ := strings.Cut(form, `"`)
	_, form, _ = strings.Cut(form, `name="form" value="`)
	token, _, _ := strings.Cut(form, `"`)
	values := url.Values{"form": {token}, "q-meetings": {"2"}, "q-usefulness": {"4"}, "comment": {comment}}
	req, err := http.NewRequest(http.MethodPost, link+"/"+pairing+"/"+round, strings.NewReader(values.Encode()))
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	return resp.StatusCode
}

// asJSON returns every item of a list as JSON.
func asJSON(g Gomega, list client.ObjectList) []string {
	data, err := json.Marshal(list)
	g.Expect(err).NotTo(HaveOccurred())
	var items struct{ Items []json.RawMessage }
	g.Expect(json.Unmarshal(data, &items)).To(Succeed())
	out := make([]string, len(items.Items))
	for i, item := range items.Items {
		out[i] = string(item)
	}
	return out
}

// objectsHolding lists, as "Kind name", every object of every kind in the namespace whose JSON (and,
// for Secrets, decoded data) holds value.
func objectsHolding(g Gomega, namespace, value string) []string {
	resources, err := discovery.NewDiscoveryClientForConfigOrDie(env.Config).ServerPreferredNamespacedResources()
	g.Expect(err).NotTo(HaveOccurred())
	dyn := dynamic.NewForConfigOrDie(env.Config)
	var holders []string
	for _, group := range resources {
		gv, err := schema.ParseGroupVersion(group.GroupVersion)
		g.Expect(err).NotTo(HaveOccurred())
		for _, r := range group.APIResources {
			if !strings.Contains(strings.Join(r.Verbs, ","), "list") || strings.Contains(r.Name, "/") {
				continue
			}
			list, err := dyn.Resource(gv.WithResource(r.Name)).Namespace(namespace).List(context.Background(), metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred(), "listing %s", r.Name)
			for _, item := range list.Items {
				content, err := json.Marshal(item.Object)
				g.Expect(err).NotTo(HaveOccurred())
				text := string(content)
				if r.Kind == "Secret" {
					data, _ := item.Object["data"].(map[string]any)
					for _, v := range data {
						decoded, _ := base64.StdEncoding.DecodeString(fmt.Sprint(v))
						text += "\n" + string(decoded)
					}
				}
				if strings.Contains(text, value) {
					holders = append(holders, r.Kind+" "+item.GetName())
				}
			}
		}
	}
	return holders
}
