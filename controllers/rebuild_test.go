package controllers_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// gitManifests are what a repository declares for the rebuild tests: a programme that started
// yesterday, with a CalDAV calendar, calendar feeds derived from a feed key, and a Standard Webhooks
// receiver, and its people.
func gitManifests(dav *testenv.Radicale, rcv *testenv.WebhookReceiver, today time.Time) []client.Object {
	prog := withCalDAV(programme("prog"), dav, "rebuilt")
	date := func(t time.Time) mentoringv1alpha1.Date { return mentoringv1alpha1.Date(t.Format(time.DateOnly)) }
	prog.Spec.Schedule = mentoringv1alpha1.ProgrammeSchedule{Start: date(today.AddDate(0, 0, -1)), EnrolmentDeadline: date(today.AddDate(0, 0, 30)),
		End: date(today.AddDate(0, 0, 180)), TimeZone: "UTC"}
	prog.Spec.Integrations.Calendar.Feed = true
	prog.Spec.Integrations.Calendar.FeedKeySecretRef = &mentoringv1alpha1.SecretKeyReference{Name: "feed-key"}
	prog.Spec.Integrations.Webhooks = []mentoringv1alpha1.Webhook{hrWebhook()}
	feedKey := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "feed-key"},
		StringData: map[string]string{"key": "kept-encrypted-in-git-with-sops-0123456789"}}
	objs := []client.Object{caldavSecret(testenv.RadicaleUsers["mentoring"]), hrSecret(rcv), feedKey, prog}
	return append(objs, objects(cohort("prog", 6, 8))...)
}

// rebuiltState is what a programme left outside its cluster and what it named there.
type rebuiltState struct {
	// series are the calendar's events by UID: their DTSTART and RRULE lines.
	series map[string]string
	// sequences are the events' SEQUENCE by UID.
	sequences map[string]string
	// meetings are the pairings' meetings ("mentor>mentee" → "Weekday HH:MM zone"), names their names.
	meetings map[string]string
	names    []string
	// feeds are the participants' feed URLs.
	feeds map[string]string
}

// runFromGit applies the manifests to a control plane as a GitOps tool would, in a namespace named as
// in Git, runs the operator at now (the receiver checks signatures against the real clock) until the
// programme has settled, and returns what it left.
func runFromGit(t *testing.T, cfg *rest.Config, c client.Client, dav *testenv.Radicale, rcv *testenv.WebhookReceiver, now time.Time) (rebuiltState, *manager) {
	t.Helper()
	g := NewWithT(t)
	ctx := context.Background()
	g.Expect(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})).To(Succeed())
	m := runManager(t, cfg, "team", controllers.Options{Clock: clocktesting.NewFakePassiveClock(now)})
	for _, obj := range gitManifests(dav, rcv, now) {
		obj.SetNamespace("team")
		g.Expect(c.Create(ctx, obj)).To(Succeed())
	}
	var state rebuiltState
	g.Eventually(func(g Gomega) {
		prog := &mentoringv1alpha1.Programme{}
		g.Expect(c.Get(ctx, client.ObjectKey{Namespace: "team", Name: "prog"}, prog)).To(Succeed())
		g.Expect(condition(prog.Status.Conditions, "Ready")).To(Equal("Ready=True/Enrolling"))
		var pairings mentoringv1alpha1.PairingList
		g.Expect(c.List(ctx, &pairings, client.InNamespace("team"))).To(Succeed())
		g.Expect(pairings.Items).NotTo(BeEmpty())
		state = rebuiltState{series: map[string]string{}, sequences: map[string]string{}, meetings: map[string]string{}, feeds: map[string]string{}}
		for _, p := range pairings.Items {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"), p.Name)
			g.Expect(condition(p.Status.Conditions, "Notified")).To(Equal("Notified=True/Delivered"), p.Name)
			m := p.Status.Meeting
			state.meetings[p.Spec.MentorRef.Name+">"+p.Spec.MenteeRef.Name] = string(m.Weekday) + " " + m.Start + " " + string(m.TimeZone)
			state.names = append(state.names, p.Name)
		}
		for _, content := range events(g, dav, "rebuilt") {
			lines := unfold(content)
			uid := icalUID(content)
			state.series[uid] = strings.Join(slices.DeleteFunc(lines, func(l string) bool {
				return !strings.HasPrefix(l, "DTSTART") && !strings.HasPrefix(l, "RRULE")
			}), " ")
			state.sequences[uid] = strings.Join(slices.DeleteFunc(unfold(content), func(l string) bool { return !strings.HasPrefix(l, "SEQUENCE") }), "")
		}
		g.Expect(state.series).To(HaveLen(len(pairings.Items)), "one series per pairing")
		var secrets corev1.SecretList
		g.Expect(c.List(ctx, &secrets, client.InNamespace("team"))).To(Succeed())
		for _, s := range secrets.Items {
			if strings.HasSuffix(s.Name, "-calendar-feed") {
				state.feeds[s.Name] = string(s.Data["url"])
			}
		}
		g.Expect(state.feeds).To(HaveLen(14))
	}).Should(Succeed())
	slices.Sort(state.names)
	return state, m
}

// TestRebuiltFromGitNothingDoubles runs a programme on one control plane, loses that cluster without any
// cleanup, and applies the same manifests to a second, empty control plane against the same calendar
// and webhook receiver. The second operator makes the same pairings with the same meetings, finds the
// series the first wrote and adopts them (one series per pairing, SEQUENCE continued, nothing written
// again), gives everyone the same feed link, and sends the receiver no event under an id it has not
// seen. (Before identities came from declared names the calendar held two series per pairing at
// different times, and the receiver got every event again under new ids.)
func TestRebuiltFromGitNothingDoubles(t *testing.T) {
	g := NewWithT(t)
	dav := testenv.RadicaleForTest(t)
	rcv := testenv.StartWebhookReceiver()
	t.Cleanup(rcv.Close)

	now := time.Now().UTC().Truncate(time.Second)
	first, _ := controlPlane(t)
	before, m := runFromGit(t, first.Config, first.Client, dav, rcv, now)
	seen := rcv.Received()
	m.Stop()
	g.Expect(first.Stop()).To(Succeed()) // the cluster is lost: nothing is cleaned up

	second, _ := controlPlane(t)
	after, _ := runFromGit(t, second.Config, second.Client, dav, rcv, now)
	g.Expect(after.names).To(Equal(before.names), "the same pairings, by the same names")
	g.Expect(after.meetings).To(Equal(before.meetings), "every pair meets at the same time")
	g.Expect(after.series).To(Equal(before.series), "the same series (UID, start and recurrence), none added")
	g.Expect(after.sequences).To(Equal(before.sequences), "series adopted as they were, not written again")
	g.Expect(after.feeds).To(Equal(before.feeds), "feed links derived from the key survive")
	g.Consistently(func(g Gomega) {
		for id, e := range rcv.Received() {
			_, known := seen[id]
			g.Expect(known).To(BeTrue(), "event %s (%s) under a new id after the rebuild", id, e.Type)
		}
	}).WithTimeout(2 * time.Second).Should(Succeed())
	g.Expect(slices.Collect(maps.Keys(rcv.Received()))).To(HaveLen(len(seen)))
}

// TestSeriesOfTheUIDSchemeBeforeAreReplacedOnceWithoutMoving: pairings whose series were written under
// the UIDs of the previous scheme (from the Pairing's metadata.uid), at the meeting times the previous
// seed chose, get, after the upgrade, one series each under the new UID at the same time, and the old
// series are gone.
func TestSeriesOfTheUIDSchemeBeforeAreReplacedOnceWithoutMoving(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	dav := testenv.RadicaleForTest(t)
	ns := newNamespace(t)
	prog := withCalDAV(programme("prog"), dav, ns)
	m := startManager(t, ns, january2027)
	create(t, ns, caldavSecret(testenv.RadicaleUsers["mentoring"]), prog, mentor("ada", "prog"), mentee("bob", "prog"),
		mentor("cy", "prog"), mentee("dee", "prog"))
	var pairings []mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		pairings = listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
		}
	}).Should(Succeed())
	m.Stop()

	// What the previous version left: every series under the old UID, at another time the old seed
	// chose (Monday 09:00, or Tuesday 09:00 for a pair the new seed puts on Monday), and status saying so.
	provider, err := calendar.NewCalDAV(calendar.CalDAVConfig{URL: dav.URL("/mentoring/" + ns + "/"), Username: "mentoring",
		Password: testenv.RadicaleUsers["mentoring"], AllowLoopback: true, Timeout: 10 * time.Second})
	g.Expect(err).NotTo(HaveOccurred())
	old := map[string]string{}
	for i := range pairings {
		p := &pairings[i]
		g.Expect(meetings.RemoveSeries(ctx, provider, p.Status.Calendar)).To(Succeed())
		standing := mentoringv1alpha1.Weekday("Monday")
		if p.Status.Meeting.Weekday == standing {
			standing = "Tuesday"
		}
		p.Status.Meeting.Weekday, p.Status.Meeting.Start = standing, "09:00"
		timeline, err := planner.TimelineOf(get(g, ns, "prog", &mentoringv1alpha1.Programme{}))
		g.Expect(err).NotTo(HaveOccurred())
		pair := meetings.Pair{Programme: get(g, ns, "prog", &mentoringv1alpha1.Programme{}), Timeline: timeline, Pairing: p,
			Mentor: get(g, ns, p.Spec.MentorRef.Name, &mentoringv1alpha1.Participant{}), Mentee: get(g, ns, p.Spec.MenteeRef.Name, &mentoringv1alpha1.Participant{})}
		slot, err := pair.Slot()
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(string(slot.Weekday.String()) + " " + slot.Start).To(Equal(string(standing) + " 09:00"))
		ev := pair.Event(slot)
		ev.UID, ev.Sequence, ev.Stamp = string(p.UID)+"@mentoring.reverse-mentoring.dev", 2, january2027
		ref, err := provider.Put(ctx, ev, calendar.Ref{})
		g.Expect(err).NotTo(HaveOccurred())
		old[p.Name] = ev.UID
		written := p.DeepCopy()
		written.Status.Meeting = p.Status.Meeting
		written.Status.Calendar = &mentoringv1alpha1.CalendarStatus{UID: ev.UID, Sequence: 2, Href: ref.Href, ETag: ref.ETag, Hash: "before-the-upgrade",
			Stamp: &metav1.Time{Time: january2027}}
		current := get(g, ns, p.Name, &mentoringv1alpha1.Pairing{})
		written.ResourceVersion = current.ResourceVersion
		g.Expect(env.Client.Status().Update(ctx, written)).To(Succeed())
	}
	g.Expect(events(g, dav, ns)).To(HaveLen(2))

	// The upgraded operator.
	startManager(t, ns, january2027)
	g.Eventually(func(g Gomega) {
		stored := events(g, dav, ns)
		g.Expect(stored).To(HaveLen(2), "one series per pairing")
		for _, p := range listPairings(g, ns) {
			g.Expect(p.Status.Calendar.UID).To(Equal(seriesUID(p)))
			g.Expect(p.Status.Meeting.Start).To(Equal("09:00"), "%s moved", p.Name)
			i := slices.IndexFunc(stored, func(e string) bool { return icalUID(e) == seriesUID(p) })
			g.Expect(i).NotTo(BeNumerically("<", 0), "no series under the new UID of %s", p.Name)
			g.Expect(stored[i]).To(ContainSubstring("T090000"))
			g.Expect(strings.Join(stored, "\n")).NotTo(ContainSubstring(old[p.Name]), "the old series of %s is still there", p.Name)
		}
	}).Should(Succeed())
}
