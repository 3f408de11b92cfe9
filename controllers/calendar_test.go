package controllers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// january2027 is the second day of the test programme: pairings are active and meetings due.
var january2027 = time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC)

// withCalDAV makes a programme write its meetings to a collection of the Radicale server, with the
// credentials in the Secret "caldav".
func withCalDAV(p *mentoringv1alpha1.Programme, dav *testenv.Radicale, collection string) *mentoringv1alpha1.Programme {
	p.Spec.Integrations = &mentoringv1alpha1.Integrations{Calendar: &mentoringv1alpha1.CalendarIntegration{
		CalDAV: &mentoringv1alpha1.CalDAVCalendar{URL: dav.URL("/mentoring/" + collection + "/"),
			CredentialsSecretRef: mentoringv1alpha1.LocalObjectReference{Name: "caldav"}},
	}}
	return p
}

func caldavSecret(password string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "caldav"},
		StringData: map[string]string{"username": "mentoring", "password": password}}
}

// events returns the calendar objects in the collection, read from Radicale's storage.
func events(g Gomega, dav *testenv.Radicale, collection string) []string {
	items, err := dav.Items("mentoring", collection)
	g.Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, content := range items {
		out = append(out, content)
	}
	slices.Sort(out)
	return out
}

// update changes an object through the uncached client, retrying on conflicts.
func update[T client.Object](t *testing.T, ns, name string, obj T, change func(T)) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		current := get(g, ns, name, obj)
		change(current)
		g.Expect(env.Client.Update(context.Background(), current)).To(Succeed())
	}).Should(Succeed())
}

// twoPairsWithCalDAV starts Radicale and a manager on the fake clock, and creates in a new namespace a
// programme booking meetings in Radicale with mentors ada and cy and mentees bob and dee.
func twoPairsWithCalDAV(t *testing.T) (string, *testenv.Radicale) {
	t.Helper()
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	startManager(t, ns, january2027)
	create(t, ns, caldavSecret(testenv.RadicaleUsers["mentoring"]), withCalDAV(programme("prog"), dav, ns),
		mentor("ada", "prog"), mentee("bob", "prog"), mentor("cy", "prog"), mentee("dee", "prog"))
	return ns, dav
}

func TestMeetingSeriesFollowThePairings(t *testing.T) {
	g := NewWithT(t)
	ns, dav := twoPairsWithCalDAV(t)

	// Every active pairing gets one series, in both people's hours, recurring every two weeks.
	var pairings []mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		pairings = listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
			g.Expect(p.Finalizers).To(ContainElement("mentoring.reverse-mentoring.dev/calendar"))
			g.Expect(p.Status.Meeting).NotTo(BeNil())
			// Not in the past. The slot's seed includes the generated namespace's name, so the first
			// meeting can start at the clock's very instant, and then it is the next one.
			g.Expect(p.Status.Meeting.NextMeeting.Time).To(BeTemporally(">=", january2027))
			g.Expect(p.Status.Meeting.NextMeetingMentor).To(HaveSuffix("Europe/London"))
			g.Expect(p.Status.Meeting.RecurrenceRule).To(ContainSubstring("INTERVAL=2"))
			g.Expect(p.Status.Calendar.Sequence).To(BeZero())
		}
		g.Expect(events(g, dav, ns)).To(HaveLen(2))
	}).Should(Succeed())
	for _, e := range events(g, dav, ns) {
		g.Expect(e).To(ContainSubstring("RRULE:FREQ=WEEKLY;INTERVAL=2"))
		g.Expect(e).To(ContainSubstring("BEGIN:VTIMEZONE"))
		g.Expect(e).To(ContainSubstring("SEQUENCE:0"))
	}

	// A new cadence rewrites both series with a higher sequence.
	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Meetings.Cadence = mentoringv1alpha1.CadenceWeekly
	})
	g.Eventually(func(g Gomega) {
		for _, e := range events(g, dav, ns) {
			g.Expect(e).To(ContainSubstring("SEQUENCE:1"))
			g.Expect(e).To(ContainSubstring("RRULE:FREQ=WEEKLY;INTERVAL=1"))
		}
		for _, p := range listPairings(g, ns) {
			g.Expect(p.Status.Calendar.Sequence).To(BeEquivalentTo(1))
		}
	}).Should(Succeed())

	// A pairing that lost its calendar status finds its own event again: no duplicate.
	lost := pairings[0].Name
	g.Eventually(func(g Gomega) {
		p := get(g, ns, lost, &mentoringv1alpha1.Pairing{})
		p.Status.Calendar = nil
		g.Expect(env.Client.Status().Update(context.Background(), p)).To(Succeed())
	}).Should(Succeed())
	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Meetings.DurationMinutes = 60
	})
	g.Eventually(func(g Gomega) {
		g.Expect(get(g, ns, lost, &mentoringv1alpha1.Pairing{}).Status.Calendar).NotTo(BeNil())
		all := events(g, dav, ns)
		g.Expect(all).To(HaveLen(2))
		for _, e := range all {
			g.Expect(e).To(ContainSubstring("DURATION:PT1H"))
		}
	}).Should(Succeed())

	// The server goes down: the pairings say so and retry; it comes back: they recover by themselves.
	dav.Stop()
	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Meetings.DurationMinutes = 30
	})
	g.Eventually(func(g Gomega) {
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=False/Unreachable"))
			g.Expect(condition(p.Status.Conditions, "Reconciling")).To(Equal("Reconciling=True/Unreachable"))
		}
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/Unreachable"))
	}).Should(Succeed())
	if err := dav.Start(); err != nil {
		t.Fatal(err)
	}
	g.Eventually(func(g Gomega) {
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
		for _, e := range events(g, dav, ns) {
			g.Expect(e).To(ContainSubstring("DURATION:PT30M"))
		}
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
	}).WithTimeout(2 * time.Minute).Should(Succeed())

	// A mentee leaves: their pairing ends and its series leaves the calendar.
	leaving := pairings[0]
	g.Expect(env.Client.Delete(context.Background(), &mentoringv1alpha1.Participant{
		ObjectMeta: metav1.ObjectMeta{Name: leaving.Spec.MenteeRef.Name, Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		ended := get(g, ns, leaving.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(ended.Status.Ended).NotTo(BeNil())
		g.Expect(ended.Status.Calendar).To(BeNil())
		g.Expect(events(g, dav, ns)).To(HaveLen(1))
	}).Should(Succeed())

	// Deleting the other pairing removes its series through the finalizer.
	staying := pairings[1]
	g.Expect(env.Client.Delete(context.Background(), &staying)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(events(g, dav, ns)).To(BeEmpty())
	}).Should(Succeed())
}

func TestRefusedCalendarCredentialsStall(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	startManager(t, ns, january2027)
	create(t, ns, caldavSecret("wrong-password"), withCalDAV(programme("prog"), dav, ns), mentor("ada", "prog"), mentee("bob", "prog"))

	g.Eventually(func(g Gomega) {
		pairings := listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(1))
		p := pairings[0]
		g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=False/AuthenticationFailed"))
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/AuthenticationFailed"))
		g.Expect(conditionMessage(p.Status.Conditions, "Stalled")).To(ContainSubstring("credentialsSecretRef"))
		g.Expect(conditionMessage(p.Status.Conditions, "Stalled")).NotTo(ContainSubstring("wrong-password"))
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/AuthenticationFailed"))
		g.Expect(condition(programme.Status.Conditions, "Stalled")).To(Equal("Stalled=True/AuthenticationFailed"))
	}).Should(Succeed())
	g.Expect(events(g, dav, ns)).To(BeEmpty())

	// The right password, and a nudge as a person would give after fixing the Secret, heal it.
	update(t, ns, "caldav", &corev1.Secret{}, func(s *corev1.Secret) {
		s.Data["password"] = []byte(testenv.RadicaleUsers["mentoring"])
	})
	nudge(t, get(g, ns, listPairings(g, ns)[0].Name, &mentoringv1alpha1.Pairing{}))
	g.Eventually(func(g Gomega) {
		p := listPairings(g, ns)[0]
		g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled missing"))
		g.Expect(events(g, dav, ns)).To(HaveLen(1))
		g.Expect(strings.Join(events(g, dav, ns), "")).To(ContainSubstring("ATTENDEE"))
	}).Should(Succeed())
}

// TestPausingAPairedParticipantEndsThePairingAndRemovesItsSeries: bob, already paired and booked in
// Radicale, pauses. His pairing ends with ParticipantPaused and its series leaves the calendar; the
// other pair's series stays as it was. (Caught: the participant's pause not ending an active pairing,
// or an ended pairing keeping its series.)
func TestPausingAPairedParticipantEndsThePairingAndRemovesItsSeries(t *testing.T) {
	g := NewWithT(t)
	ns, dav := twoPairsWithCalDAV(t)
	var others []string
	g.Eventually(func(g Gomega) {
		all := events(g, dav, ns)
		g.Expect(all).To(HaveLen(2))
		others = slices.DeleteFunc(all, func(e string) bool { return strings.Contains(e, "bob@example.org") })
		g.Expect(others).To(HaveLen(1), "one series is bob's")
	}).Should(Succeed())

	update(t, ns, "bob", &mentoringv1alpha1.Participant{}, func(p *mentoringv1alpha1.Participant) { p.Spec.Paused = true })
	g.Eventually(func(g Gomega) {
		var bobs []mentoringv1alpha1.Pairing
		for _, p := range listPairings(g, ns) {
			if p.Spec.MenteeRef.Name == "bob" {
				bobs = append(bobs, p)
			}
		}
		g.Expect(bobs).To(HaveLen(1))
		g.Expect(bobs[0].Status.Ended).NotTo(BeNil())
		g.Expect(bobs[0].Status.Ended.Reason).To(Equal(mentoringv1alpha1.EndParticipantPaused))
		g.Expect(events(g, dav, ns)).To(Equal(others), "only bob's series was removed")
	}).Should(Succeed())
}
