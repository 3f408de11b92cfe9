package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/pages"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/tokens"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// during is while check-in 1 is open: the pairs meet every Tuesday at 10:00 UTC from 2027-01-12, so
// it opens on 2027-02-09 and closes on 2027-03-09.
var during = time.Date(2027, 2, 15, 12, 0, 0, 0, time.UTC)

// world is one programme in its own namespace, as the controllers would leave it: Ada mentors Bob in
// pairing dl-ada-bob, whose weekly meeting is booked; Cy is a mentee without a pairing; each has a
// personal link.
type world struct {
	t         testing.TB
	mu        sync.Mutex
	namespace string
	links     map[string]string // participant → token
	// probe is a participant whose page tells when a replica's cache has caught up.
	probe    string
	receiver *receiver
}

// newProgramme is a namespace with the programme, measuring, and its HR webhook's Secrets.
func newProgramme(t testing.TB, comments bool) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, links: map[string]string{}, receiver: startReceiver(t), probe: "ada"}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "portal-"}}
	must(t, env.Client.Create(ctx, ns))
	w.namespace = ns.Name
	programme := &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Name: "digital-leaders", Namespace: w.namespace},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose:  "Leaders learn AI tools from the people who use them every day.",
			Topics:   []mentoringv1alpha1.Topic{"ai", "social-media"},
			Schedule: mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-06-30"},
			Measurement: &mentoringv1alpha1.Measurement{Questions: []mentoringv1alpha1.Question{
				{Name: "tools", Text: "Did you start using a new tool?", Type: mentoringv1alpha1.QuestionYesNo}}},
			Integrations: &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{{
				Name: "hr", Format: mentoringv1alpha1.WebhookStandard, Events: []mentoringv1alpha1.EventType{mentoringv1alpha1.EventFeedbackSubmitted},
				URLSecretRef:     mentoringv1alpha1.SecretKeyReference{Name: "hr-url"},
				SigningSecretRef: &mentoringv1alpha1.SecretKeyReference{Name: "hr-signing"},
			}}},
		},
	}
	if comments {
		programme.Spec.Measurement.CommentsWebhook = "hr"
	}
	must(t, env.Client.Create(ctx, programme))
	for name, value := range map[string]string{"hr-url": w.receiver.server.URL, "hr-signing": testenv.WebhookSecret} {
		key := map[string]string{"hr-url": "url", "hr-signing": "secret"}[name]
		must(t, env.Client.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: w.namespace},
			StringData: map[string]string{key: value}}))
	}
	return w
}

// newWorld is newProgramme with Ada, Bob and Cy, and Ada and Bob's pairing.
func newWorld(t testing.TB, comments bool) *world {
	w := newProgramme(t, comments)
	for _, p := range []struct{ name, display, zone string }{{"ada", "Ada Lovelace", "Europe/London"},
		{"bob", "Bob Babbage", "America/New_York"}, {"cy", "Cy Young", "UTC"}} {
		role := mentoringv1alpha1.RoleMentee
		if p.name == "ada" {
			role = mentoringv1alpha1.RoleMentor
		}
		w.participant(p.name, p.display, p.zone, role)
		if got, want := w.linkURL(p.name), "http://mentoring.example.org/p/"+w.links[p.name]; got != want {
			t.Fatalf("link URL %q, want %q", got, want)
		}
	}
	w.pair("dl-ada-bob", "ada", "bob")
	return w
}

// participant creates a participant and, as the participant controller does, keeps its link's
// Secret and the token's hash in its status.
func (w *world) participant(name, display, zone string, role mentoringv1alpha1.Role) {
	ctx := context.Background()
	participant := &mentoringv1alpha1.Participant{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: w.namespace},
		Spec: mentoringv1alpha1.ParticipantSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: "digital-leaders"},
			Role: role, DisplayName: display, Email: mentoringv1alpha1.Email(name + "@example.org"), Seniority: 3,
			Timezone: mentoringv1alpha1.TimeZone(zone)},
	}
	must(w.t, env.Client.Create(ctx, participant))
	link, err := pages.Links{Reader: env.Client, BaseURL: "http://mentoring.example.org"}.Ensure(ctx, env.Client, participant)
	must(w.t, err)
	before := participant.DeepCopy()
	participant.Status.PersonalLink = link
	must(w.t, env.Client.Status().Patch(ctx, participant, client.MergeFrom(before)))
	w.mu.Lock()
	defer w.mu.Unlock()
	w.links[name] = w.secret(link.SecretRef.Name)[tokens.TokenKey]
}

func (w *world) secret(name string) map[string]string {
	secret := &corev1.Secret{}
	must(w.t, env.Client.Get(context.Background(), client.ObjectKey{Namespace: w.namespace, Name: name}, secret))
	out := map[string]string{}
	for k, v := range secret.Data {
		out[k] = string(v)
	}
	return out
}

func (w *world) linkURL(participant string) string {
	return w.secret(pages.LinkSecretName(participant))[tokens.URLKey]
}

// pair creates a pairing on the topic ai and, as the pairing controller does, books its meeting:
// every Tuesday at 10:00 UTC.
func (w *world) pair(name, mentor, mentee string) {
	ctx := context.Background()
	pairing := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: w.namespace},
		Spec: mentoringv1alpha1.PairingSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: "digital-leaders"},
			MentorRef: mentoringv1alpha1.LocalObjectReference{Name: mentor}, MenteeRef: mentoringv1alpha1.LocalObjectReference{Name: mentee},
			Topics: []mentoringv1alpha1.Topic{"ai"}},
	}
	must(w.t, env.Client.Create(ctx, pairing))
	before := pairing.DeepCopy()
	pairing.Status.Meeting = &mentoringv1alpha1.MeetingStatus{Weekday: mentoringv1alpha1.Tuesday, Start: "10:00", TimeZone: "UTC",
		DurationMinutes: 45, RecurrenceRule: "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20270629T100000Z"}
	must(w.t, env.Client.Status().Patch(ctx, pairing, client.MergeFrom(before)))
}

// replica is one manager replica's page server: its own cache and handler, as on another Pod.
type replica struct {
	URL    string
	server *httptest.Server
	stop   context.CancelFunc
	done   chan struct{}
}

func (w *world) startReplica(opts portal.Options) *replica {
	w.t.Helper()
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
	must(w.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	must(w.t, watch.SetupIndexes(ctx, mgr))
	r := &replica{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		_ = mgr.Start(ctx)
	}()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		w.t.Fatal("the cache did not sync")
	}
	opts.Source = &pages.Source{Client: mgr.GetClient(), API: env.Client,
		Notifier: &notify.Notifier{Secrets: env.Client, AllowLoopback: true, Clock: clock.RealClock{}}}
	if opts.Clock == nil {
		opts.Clock = clocktesting.NewFakePassiveClock(during)
	}
	h, err := portal.Handler(opts)
	must(w.t, err)
	r.server = httptest.NewServer(h)
	r.URL = r.server.URL
	w.t.Cleanup(r.Stop)
	// The cache sees the links written above once it has synced; wait until it finds Ada.
	waitFor(w.t, func() bool {
		resp, err := http.Get(r.URL + portal.Prefix + w.links[w.probe])
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	return r
}

// Stop stops the replica's server and manager, as when its Pod goes away.
func (r *replica) Stop() {
	if r.server != nil {
		r.server.Close()
		r.stop()
		<-r.done
		r.server = nil
	}
}

func (w *world) pairing() *mentoringv1alpha1.Pairing {
	w.t.Helper()
	p := &mentoringv1alpha1.Pairing{}
	must(w.t, env.Client.Get(context.Background(), client.ObjectKey{Namespace: w.namespace, Name: "dl-ada-bob"}, p))
	return p
}

// checkIn is the person's answers in the pairing's status, nil when none.
func (w *world) checkIn(round string, role mentoringv1alpha1.Role) *mentoringv1alpha1.CheckIn {
	for _, c := range w.pairing().Status.CheckIns {
		if c.Round == round && c.Role == role {
			return &c
		}
	}
	return nil
}

// receiver is the HR system's Standard Webhooks endpoint: it verifies each request's signature and
// keeps the bodies it accepted.
type receiver struct {
	server *httptest.Server
	mu     sync.Mutex
	status int
	bodies []map[string]any
}

func startReceiver(t testing.TB) *receiver {
	r := &receiver{status: http.StatusNoContent}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := testenv.VerifyStandardWebhook(testenv.WebhookSecret, req.Header, body, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.status < 300 {
			var decoded map[string]any
			_ = json.Unmarshal(body, &decoded)
			decoded["id"] = req.Header.Get("webhook-id")
			r.bodies = append(r.bodies, decoded)
		}
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.server.Close)
	return r
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

func (r *receiver) received() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.bodies...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until ok, for a minute at most: a guard against a hang, not a speed goal.
func waitFor(t testing.TB, ok func() bool) {
	t.Helper()
	for range 1200 {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("gave up waiting")
}

func clientKey(namespace, name string) client.ObjectKey {
	return client.ObjectKey{Namespace: namespace, Name: name}
}
