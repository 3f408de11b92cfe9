package controllers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// measuredProgramme runs in the first half of 2030, after the tests' real time, so that no pairing is
// created after the programme's start and its rounds count from the programme's first weeks. It
// measures with the default cadence (a check-in every four weeks from a pair's first meeting) and
// sends every event, comments included, to the HR system's signed webhook hr.
func measuredProgramme(name string) *mentoringv1alpha1.Programme {
	p := programme(name)
	p.Spec.Schedule = mentoringv1alpha1.ProgrammeSchedule{Start: "2030-01-07", End: "2030-06-28", EnrolmentDeadline: "2030-01-31", TimeZone: "Europe/London"}
	p.Spec.Measurement = &mentoringv1alpha1.Measurement{CommentsWebhook: "hr"}
	p.Spec.Integrations = &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{standardWebhook("hr")}}
	return p
}

// startOf2030 is the measured programme's first morning, before any pair has met.
var startOf2030 = time.Date(2030, 1, 7, 8, 0, 0, 0, time.UTC)

// pageServer is the participant-facing server at one address, as a Service in front of the manager's
// replicas: a manager started again serves behind the same address.
type pageServer struct {
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
}

func startPageServer(t *testing.T) *pageServer {
	s := &pageServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*s.handler.Load()).ServeHTTP(w, r) }))
	t.Cleanup(s.srv.Close)
	return s
}

// startMeasuring starts the real manager with every controller on clock, and serves its
// participant-facing server (controllers.ParticipantHandler, as cmd/manager does) at pages.
func startMeasuring(t *testing.T, ns string, clock *clocktesting.FakePassiveClock, pages *pageServer) *manager {
	t.Helper()
	opts := controllers.Options{Clock: clock, AllowLoopback: true, FeedBaseURL: pages.srv.URL}
	m := runManager(t, env.Config, ns, opts)
	m.clock = clock
	h, err := controllers.ParticipantHandler(m.client, env.Client, opts)
	if err != nil {
		t.Fatal(err)
	}
	pages.handler.Store(&h)
	return m
}

// pairingOf is the pairing whose mentor is mentor.
func pairingOf(g Gomega, ns, mentor string) mentoringv1alpha1.Pairing {
	for _, p := range listPairings(g, ns) {
		if p.Spec.MentorRef.Name == mentor {
			return p
		}
	}
	g.Expect(mentor).To(BeEmpty(), "no pairing has mentor %s", mentor)
	return mentoringv1alpha1.Pairing{}
}

// roundsOf are a pairing's rounds, as the controllers and the page server work them out from its
// booked meeting.
func roundsOf(g Gomega, prog *mentoringv1alpha1.Programme, pairing mentoringv1alpha1.Pairing) []measure.Round {
	g.Expect(pairing.Status.Meeting).NotTo(BeNil(), "pairing %s has its meeting booked", pairing.Name)
	timeline, err := planner.TimelineOf(prog)
	g.Expect(err).NotTo(HaveOccurred())
	state, measuring := planner.CheckInStateOf(prog, &pairing, timeline, time.Time{})
	g.Expect(measuring).To(BeTrue())
	g.Expect(len(state.Rounds)).To(BeNumerically(">=", 5))
	return state.Rounds
}

// linkOf is a participant's personal link, from their Secret.
func linkOf(g Gomega, ns, participant string) string {
	secret := get(g, ns, participant+"-personal-link", &corev1.Secret{})
	g.Expect(secret.OwnerReferences).To(HaveLen(1), "the Participant owns its link's Secret")
	return string(secret.Data["url"])
}

// healthOf is a pairing's Healthy condition as "Healthy=Status/Reason".
func healthOf(g Gomega, ns, name string) string {
	return condition(get(g, ns, name, &mentoringv1alpha1.Pairing{}).Status.Conditions, mentoringv1alpha1.HealthyCondition)
}

// measurementOf is the programme's status.measurement.
func measurementOf(g Gomega, ns, name string) mentoringv1alpha1.MeasurementSummary {
	m := get(g, ns, name, &mentoringv1alpha1.Programme{}).Status.Measurement
	g.Expect(m).NotTo(BeNil())
	return *m
}

// warnings are the Warning events about an object, as "Reason: note".
func warnings(g Gomega, ns, name string) []string {
	var list eventsv1.EventList
	g.Expect(env.Client.List(context.Background(), &list, client.InNamespace(ns))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Type == corev1.EventTypeWarning && e.Regarding.Name == name {
			out = append(out, e.Reason+": "+e.Note)
		}
	}
	return out
}

// delivered are the data of the events of a type the receiver accepted, about a pairing or programme.
func (r *receiver) delivered(eventType, about string) []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for id, t := range r.accepted {
		var body struct{ Data map[string]any }
		if t != eventType || json.Unmarshal(r.bodies[id], &body) != nil {
			continue
		}
		if body.Data["pairing"] == about || (body.Data["pairing"] == nil && body.Data["programme"] == about) {
			out = append(out, body.Data)
		}
	}
	return out
}

// answer records a person's answers in a pairing's status.checkIns as the page server does: under its
// field manager, with the resource version read, made again on a conflict.
func answer(t *testing.T, ns, pairing string, c mentoringv1alpha1.CheckIn) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current := &mentoringv1alpha1.Pairing{}
		if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: pairing}, current); err != nil {
			return err
		}
		desired := current.DeepCopy()
		desired.Status.CheckIns = planner.WithCheckIn(current.Status.CheckIns, c)
		return env.Client.Status().Patch(context.Background(), desired, client.MergeFromWithOptions(current, client.MergeFromWithOptimisticLock{}),
			client.FieldOwner("mentoring-portal"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// at moves the clock and asks the programme and its pairings for a pass, as time passing would.
func at(t *testing.T, g Gomega, m *manager, ns string, now time.Time) {
	t.Helper()
	moveClock(g, m, ns, now)
	nudge(t, get(g, ns, "prog", &mentoringv1alpha1.Programme{}))
	for _, p := range listPairings(g, ns) {
		nudge(t, &p)
	}
}

// moveClock moves the clock once every delivery has been made: the receiver checks each signature's
// time against the same clock, and would refuse one signed weeks before.
func moveClock(g Gomega, m *manager, ns string, now time.Time) {
	g.Eventually(func(g Gomega) {
		for _, r := range allRecords(g, ns) {
			g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryDelivered), "%s to %s", r.Event, r.Webhook)
		}
	}).Should(Succeed())
	m.clock.SetTime(now)
}

// answerInBrowser fills in the open round of a pairing on a person's page as a person does: typing
// the number of meetings, clicking the labels of the ratings, typing a comment, pressing the button.
func answerInBrowser(t *testing.T, ctx context.Context, link, pairing, meetings, usefulness, topic, comment string) string {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(link),
		chromedp.SendKeys(chromedp.CSS("#"+pairing+"-q-meetings"), meetings),
		chromedp.Click(chromedp.CSS(`label[for="` + pairing + `-q-usefulness-` + usefulness + `"]`)),
		chromedp.Click(chromedp.CSS(`label[for="` + pairing + `-t-ai-` + topic + `"]`)),
	}
	if comment != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#"+pairing+"-comment"), comment))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	return pageNotice(t, ctx)
}

func pageNotice(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice")))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestCheckInsInTheBrowser drives the real page in headless Chromium against the real manager: both
// people of a pairing answer on their personal links, the mentor with a comment for the HR system; the
// Pairing becomes OnTrack and the Programme counts the answers; a forged link, another person's link
// for a pairing they are not in and a cross-site post are refused; the manager restarts and every
// answer is still there; once the round has closed, the pairing nobody answered for is Inactive,
// with a Warning event and a pairing.needs_attention event, and the response rate is 50%.
func TestCheckInsInTheBrowser(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	clock := clocktesting.NewFakePassiveClock(startOf2030.Add(24 * time.Hour))
	pages := startPageServer(t)
	m := startMeasuring(t, ns, clock, pages)
	hr := startReceiver(t, clock)
	create(t, ns, webhookSecrets("hr", hr.srv.URL+"/hr")...)
	create(t, ns, measuredProgramme("prog"), mentor("ada", "prog"), mentee("bob", "prog"), mentor("cy", "prog"), mentee("dee", "prog"))

	// Before anybody could answer, both pairings are TooEarly, and everybody has a link.
	var ada, cy mentoringv1alpha1.Pairing
	links := map[string]string{}
	g.Eventually(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(2))
		ada, cy = pairingOf(g, ns, "ada"), pairingOf(g, ns, "cy")
		for _, p := range []mentoringv1alpha1.Pairing{ada, cy} {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			g.Expect(condition(p.Status.Conditions, "Healthy")).To(Equal("Healthy=Unknown/TooEarly"))
		}
		g.Expect(measurementOf(g, ns, "prog").PairingsByHealth.TooEarly).To(Equal(int32(2)))
		for _, name := range []string{"ada", "bob", "cy", "dee"} {
			links[name] = linkOf(g, ns, name)
			g.Expect(links[name]).To(HavePrefix(pages.srv.URL + portal.Prefix))
			g.Expect(get(g, ns, name, &mentoringv1alpha1.Participant{}).Status.PersonalLink).NotTo(BeNil())
		}
	}).Should(Succeed())
	prog := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
	adaRounds, cyRounds := roundsOf(g, prog, ada), roundsOf(g, prog, cy)

	// The first check-in of both pairings opens: checkin.due for each.
	at(t, g, m, ns, later(adaRounds[0].Opens, cyRounds[0].Opens).Add(time.Hour))
	g.Eventually(func(g Gomega) {
		g.Expect(hr.delivered("checkin.due", ada.Name)).To(HaveLen(1))
		g.Expect(hr.delivered("checkin.due", cy.Name)).To(HaveLen(1))
	}).Should(Succeed())

	// Ada answers with a comment, her mentee without.
	browser, cancel, err := testenv.Browser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	const comment = "Showed me how prompt testing works."
	g.Expect(answerInBrowser(t, browser, links["ada"], ada.Name, "3", "4", "5", comment)).To(ContainSubstring("your answers are saved"))
	g.Expect(answerInBrowser(t, browser, links[ada.Spec.MenteeRef.Name], ada.Name, "2", "5", "4", "")).To(ContainSubstring("your answers are saved"))
	g.Eventually(func(g Gomega) {
		p := get(g, ns, ada.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(p.Status.CheckIns).To(HaveLen(2))
		g.Expect(usefulnessOf(p, mentoringv1alpha1.RoleMentor)).To(Equal(int32(4)))
		g.Expect(usefulnessOf(p, mentoringv1alpha1.RoleMentee)).To(Equal(int32(5)))
		g.Expect(condition(p.Status.Conditions, "Healthy")).To(Equal("Healthy=True/OnTrack"))
		g.Expect(healthOf(g, ns, cy.Name)).To(Equal("Healthy=Unknown/TooEarly"))
		summary := measurementOf(g, ns, "prog")
		g.Expect(summary.Responses).To(Equal(int32(2)))
		g.Expect(summary.PairingsByHealth).To(Equal(mentoringv1alpha1.PairingHealthCounts{OnTrack: 1, TooEarly: 1}))
		// The comment reached the HR system, signed, with the answers; the operator's own copy of the
		// final answers follows.
		withComment := 0
		for _, data := range hr.delivered("feedback.submitted", ada.Name) {
			if raw, _ := json.Marshal(data); strings.Contains(string(raw), comment) {
				withComment++
			}
		}
		g.Expect(withComment).To(Equal(1))
		final := false
		for _, data := range hr.delivered("feedback.submitted", ada.Name) {
			final = final || len(data["responses"].([]any)) == 2
		}
		g.Expect(final).To(BeTrue(), "feedback.submitted with both people's answers")
	}).Should(Succeed())
	g.Expect(objectsHolding(g, ns, "prompt testing")).To(BeEmpty(), "the comment is stored nowhere in the cluster")

	// Refused: a forged link, Cy's link for Ada's pairing, and Ada's form posted from another site.
	if err := chromedp.Do(browser, chromedp.Navigate(pages.srv.URL+portal.Prefix+"Zm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm8")); err != nil {
		t.Fatal(err)
	}
	g.Expect(pageNotice(t, browser)).To(ContainSubstring("does not lead to a page"))
	g.Expect(postAs(t, links["cy"], ada.Name, adaRounds[0].Key)).To(Equal(http.StatusNotFound))
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`<!doctype html><form method="post" action="` + links["ada"] + "/" + ada.Name + "/" + adaRounds[0].Key + `">` +
			`<input type="hidden" name="q-usefulness" value="1"><button id="go">Win a prize</button></form>`))
	}))
	t.Cleanup(evil.Close)
	if err := chromedp.Do(browser, chromedp.Navigate(evil.URL), chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS(".notice"))); err != nil {
		t.Fatal(err)
	}
	g.Expect(pageNotice(t, browser)).To(ContainSubstring("not sent from its own page"))
	g.Expect(usefulnessOf(get(g, ns, ada.Name, &mentoringv1alpha1.Pairing{}), mentoringv1alpha1.RoleMentor)).To(Equal(int32(4)), "refused posts changed nothing")

	// The manager restarts: Ada's page shows her answers, ready to be changed, and the status keeps them.
	m.Stop()
	m = startMeasuring(t, ns, clock, pages)
	if err := chromedp.Do(browser, chromedp.Navigate(links["ada"])); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(browser, chromedp.Evaluate[bool](`document.getElementById("`+ada.Name+`-q-usefulness-4").checked && `+
		`document.getElementById("`+ada.Name+`-q-meetings").value === "3"`))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(shown).To(BeTrue(), "the page after a restart shows Ada's answers")
	g.Expect(get(g, ns, ada.Name, &mentoringv1alpha1.Pairing{}).Status.CheckIns).To(HaveLen(2))

	// The round closes: nobody answered for Cy's pairing, which becomes Inactive; half the answers due
	// were given.
	at(t, g, m, ns, later(adaRounds[0].Closes, cyRounds[0].Closes).Add(time.Hour))
	g.Eventually(func(g Gomega) {
		g.Expect(healthOf(g, ns, ada.Name)).To(Equal("Healthy=True/OnTrack"))
		g.Expect(healthOf(g, ns, cy.Name)).To(Equal("Healthy=False/Inactive"))
		g.Expect(warnings(g, ns, cy.Name)).To(ContainElement("Inactive: Nobody answered the pairing's recent check-ins."))
		attention := hr.delivered("pairing.needs_attention", cy.Name)
		g.Expect(attention).To(HaveLen(1))
		g.Expect(attention[0]["health"]).To(Equal("Inactive"))
		summary := measurementOf(g, ns, "prog")
		g.Expect(summary.ResponsesDue).To(Equal(int32(4)))
		g.Expect(summary.ResponseRatePercent).To(Equal(ptr.To[int32](50)))
		g.Expect(summary.PairingsByHealth).To(Equal(mentoringv1alpha1.PairingHealthCounts{OnTrack: 1, Inactive: 1}))
		g.Expect(testutil.ToFloat64(metrics.CheckInResponseRatio.WithLabelValues(ns, "prog"))).To(Equal(0.5))
		g.Expect(testutil.ToFloat64(metrics.PairingHealth.WithLabelValues(ns, "prog", "Inactive"))).To(Equal(1.0))
	}).Should(Succeed())
	g.Expect(warnings(g, ns, ada.Name)).To(BeEmpty())
	g.Expect(hr.invalid).To(BeZero(), "every delivery carried a valid signature")
}

// usefulnessOf is the usefulness a person of the pairing gave in the first check-in; 0 when none.
func usefulnessOf(p *mentoringv1alpha1.Pairing, role mentoringv1alpha1.Role) int32 {
	for _, c := range p.Status.CheckIns {
		if c.Round == measure.CheckInKey(1) && c.Role == role && c.Usefulness != nil {
			return *c.Usefulness
		}
	}
	return 0
}

// postAs posts answers to a pairing's round with a person's link, as their browser would from their
// own page, and returns the status code.
func postAs(t *testing.T, link, pairing, round string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, link+"/"+pairing+"/"+round, strings.NewReader(url.Values{"q-meetings": {"0"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestHealthOverTime follows one pairing's health with the fake clock through the controllers, its
// answers written as the page server writes them: TooEarly before the first meeting; NeedsAttention,
// with a Warning event and pairing.needs_attention, once the last two check-ins reported no meeting;
// Inactive once nobody answered two more; and programme.completed, with the outcome, only once the
// end survey has closed.
func TestHealthOverTime(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	clock := clocktesting.NewFakePassiveClock(startOf2030)
	m := startMeasuring(t, ns, clock, startPageServer(t))
	hr := startReceiver(t, clock)
	create(t, ns, webhookSecrets("hr", hr.srv.URL+"/hr")...)
	create(t, ns, measuredProgramme("prog"), mentor("ada", "prog"), mentee("bob", "prog"))

	var pairing mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(1))
		pairing = pairingOf(g, ns, "ada")
		g.Expect(condition(pairing.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		g.Expect(condition(pairing.Status.Conditions, "Healthy")).To(Equal("Healthy=Unknown/TooEarly"))
	}).Should(Succeed())
	rounds := roundsOf(g, get(g, ns, "prog", &mentoringv1alpha1.Programme{}), pairing)
	g.Expect(pairing.Status.Meeting.NextMeeting.Time).To(BeTemporally(">", clock.Now()), "the pair has not met yet")
	g.Expect(conditionMessage(pairing.Status.Conditions, "Healthy")).To(Equal("The first check-in opens on " + rounds[0].Opens.Format(time.DateOnly) + "."))

	// Both answer the first two check-ins: no meeting.
	noMeeting := func(round measure.Round, role mentoringv1alpha1.Role) mentoringv1alpha1.CheckIn {
		return mentoringv1alpha1.CheckIn{Round: round.Key, Role: role, SubmittedTime: metav1.NewTime(round.Opens.Add(time.Hour)), Meetings: ptr.To[int32](0)}
	}
	at(t, g, m, ns, rounds[0].Opens.Add(2*time.Hour))
	answer(t, ns, pairing.Name, noMeeting(rounds[0], mentoringv1alpha1.RoleMentor))
	answer(t, ns, pairing.Name, noMeeting(rounds[0], mentoringv1alpha1.RoleMentee))
	g.Eventually(func(g Gomega) {
		g.Expect(healthOf(g, ns, pairing.Name)).To(Equal("Healthy=True/OnTrack"), "one check-in without a meeting is no cause for concern")
	}).Should(Succeed())
	moveClock(g, m, ns, rounds[1].Opens.Add(2*time.Hour))
	answer(t, ns, pairing.Name, noMeeting(rounds[1], mentoringv1alpha1.RoleMentor))
	answer(t, ns, pairing.Name, noMeeting(rounds[1], mentoringv1alpha1.RoleMentee))
	g.Eventually(func(g Gomega) {
		p := get(g, ns, pairing.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(condition(p.Status.Conditions, "Healthy")).To(Equal("Healthy=False/NeedsAttention"))
		g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"), "health is informational")
		g.Expect(warnings(g, ns, pairing.Name)).To(ConsistOf("NeedsAttention: No meeting was reported in the last two check-ins."))
		attention := hr.delivered("pairing.needs_attention", pairing.Name)
		g.Expect(attention).To(HaveLen(1))
		g.Expect(attention[0]).To(HaveKeyWithValue("cause", "NoMeetingsReported"))
	}).Should(Succeed())

	// Nobody answers two more check-ins.
	at(t, g, m, ns, rounds[4].Opens.Add(time.Hour))
	g.Eventually(func(g Gomega) {
		g.Expect(healthOf(g, ns, pairing.Name)).To(Equal("Healthy=False/Inactive"))
		g.Expect(warnings(g, ns, pairing.Name)).To(ContainElement("Inactive: Nobody answered the pairing's recent check-ins."))
		g.Expect(hr.delivered("pairing.needs_attention", pairing.Name)).To(HaveLen(2))
		g.Expect(hr.delivered("checkin.due", pairing.Name)).To(HaveLen(3), "the rounds the operator saw open: 1, 2 and 5")
	}).Should(Succeed())

	// The programme completes; programme.completed waits until the end survey closes, then carries
	// the outcome.
	timeline, err := planner.TimelineOf(get(g, ns, "prog", &mentoringv1alpha1.Programme{}))
	g.Expect(err).NotTo(HaveOccurred())
	at(t, g, m, ns, timeline.End.Add(24*time.Hour))
	g.Eventually(func(g Gomega) {
		prog := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(prog.Status.Conditions, "Ready")).To(Equal("Ready=True/Completed"))
		for _, n := range prog.Status.Notifications {
			g.Expect(n.Event).NotTo(Equal(mentoringv1alpha1.EventProgrammeCompleted), "programme.completed waits for the end survey")
		}
	}).Should(Succeed())
	at(t, g, m, ns, timeline.End.Add(measure.Grace))
	g.Eventually(func(g Gomega) {
		completed := hr.delivered("programme.completed", "prog")
		g.Expect(completed).To(HaveLen(1))
		g.Expect(completed[0]["outcome"]).To(HaveKeyWithValue("responses", BeNumerically("==", 4)))
		g.Expect(completed[0]["outcome"]).To(HaveKeyWithValue("responsesDue", BeNumerically("==", 2*len(rounds))))
	}).Should(Succeed())
}
