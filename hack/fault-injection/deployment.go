package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// programmeName is the programme of every scenario.
const programmeName = "faults"

// deployment is one programme in a namespace of its own, with its own CalDAV collection (named after
// the namespace) and its own webhook receiver.
type deployment struct {
	c      client.Client
	dav    *testenv.Radicale
	hooks  *testenv.WebhookReceiver
	ns     string
	people []mentoringv1alpha1.Participant
	// staleSince is when the programme was first seen reporting deliveries pending that no object
	// holds; nudged is set once it was asked to reconcile.
	staleSince time.Time
	nudged     bool
}

// newDeployment makes the namespace, the Secrets of the calendar and the webhook, and a programme that
// started today (UTC) with n participants of the scale benchmark's population. Its pairings become
// active at once: meetings are booked in the calendar and every event goes to the webhook.
func newDeployment(ctx context.Context, c client.Client, dav *testenv.Radicale, ns string, n int) (*deployment, error) {
	d := &deployment{c: c, dav: dav, hooks: testenv.StartWebhookReceiver(), ns: ns, people: testenv.Population(programmeName, n)}
	objects := []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "caldav"},
			StringData: map[string]string{"username": "mentoring", "password": testenv.RadicaleUsers["mentoring"]}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hr"},
			StringData: map[string]string{"url": d.hooks.URL, "secret": testenv.WebhookSecret}},
		d.programme(),
	}
	for i := range d.people {
		objects = append(objects, &d.people[i])
	}
	return d, testenv.CreateAll(ctx, c, ns, objects, 16)
}

func (d *deployment) programme() *mentoringv1alpha1.Programme {
	today := time.Now().UTC()
	date := func(t time.Time) mentoringv1alpha1.Date { return mentoringv1alpha1.Date(t.Format(time.DateOnly)) }
	p := testenv.PopulationProgramme(programmeName, mentoringv1alpha1.ProgrammeSchedule{
		Start: date(today), EnrolmentDeadline: date(today.AddDate(0, 0, 30)), End: date(today.AddDate(0, 0, 180)), TimeZone: "UTC"})
	p.Spec.Integrations = &mentoringv1alpha1.Integrations{
		Calendar: &mentoringv1alpha1.CalendarIntegration{CalDAV: &mentoringv1alpha1.CalDAVCalendar{
			URL: d.dav.URL("/mentoring/" + d.ns + "/"), CredentialsSecretRef: mentoringv1alpha1.LocalObjectReference{Name: "caldav"}}},
		Webhooks: []mentoringv1alpha1.Webhook{{Name: "hr", Format: mentoringv1alpha1.WebhookStandard,
			URLSecretRef:     mentoringv1alpha1.SecretKeyReference{Name: "hr", Key: "url"},
			SigningSecretRef: &mentoringv1alpha1.SecretKeyReference{Name: "hr", Key: "secret"}}},
	}
	return p
}

// state is everything the operator produced for a deployment: its objects as the API server holds
// them and the meeting series as Radicale stores them.
type state struct {
	programme    mentoringv1alpha1.Programme
	pairings     []mentoringv1alpha1.Pairing
	participants []mentoringv1alpha1.Participant
	// calendar maps each event UID in the collection to the number of stored objects holding it;
	// content maps it to the content of one of them.
	calendar map[string]int
	content  map[string]string
	// types counts the distinct webhook events received by type, once verified.
	types map[string]int
}

func (d *deployment) read(ctx context.Context) (*state, error) {
	s := &state{calendar: map[string]int{}, content: map[string]string{}}
	if err := d.c.Get(ctx, client.ObjectKey{Namespace: d.ns, Name: programmeName}, &s.programme); err != nil {
		return nil, err
	}
	var pairings mentoringv1alpha1.PairingList
	if err := d.c.List(ctx, &pairings, client.InNamespace(d.ns)); err != nil {
		return nil, err
	}
	var participants mentoringv1alpha1.ParticipantList
	if err := d.c.List(ctx, &participants, client.InNamespace(d.ns)); err != nil {
		return nil, err
	}
	s.pairings, s.participants = pairings.Items, participants.Items
	items, err := d.dav.Items("mentoring", d.ns)
	if err != nil {
		return nil, err
	}
	for _, content := range items {
		uid := icalProperty(content, "UID")
		s.calendar[uid]++
		s.content[uid] = content
	}
	return s, nil
}

// icalProperty returns the first value of a property of an iCalendar text, unfolding long lines.
func icalProperty(content, name string) string {
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(content)
	for _, line := range strings.Split(unfolded, "\n") {
		if value, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), name+":"); ok {
			return value
		}
	}
	return ""
}

func eventUID(p *mentoringv1alpha1.Pairing) string {
	return calendar.EventUID(p.Namespace + "/" + p.Spec.ProgrammeRef.Name + "/" + p.Name)
}

// records gathers the delivery records of the programme, its pairings and its participants.
func (s *state) records() []mentoringv1alpha1.Notification {
	records := slices.Clone(s.programme.Status.Notifications)
	for _, p := range s.pairings {
		records = append(records, p.Status.Notifications...)
	}
	for _, p := range s.participants {
		records = append(records, p.Status.Notifications...)
	}
	return records
}

func (s *state) active() []mentoringv1alpha1.Pairing {
	return testenv.ActivePairings(s.pairings)
}

// settled reports whether the operator finished: the programme Ready for its generation and counting
// every participant, every participant and pairing reconciled, every active pairing Ready (Active,
// its series in the calendar, its events delivered), and no delivery waiting. Otherwise it says what
// is missing.
func (s *state) settled() (bool, string) {
	if ok, why := testenv.Settled(&s.programme, s.participants, s.pairings); !ok {
		return false, why
	}
	for _, q := range s.pairings {
		// testenv.Settled made sure there is a Ready condition.
		ready := meta.FindStatusCondition(q.Status.Conditions, mentoringv1alpha1.ReadyCondition)
		switch {
		case ready.Status != metav1.ConditionTrue:
			return false, "pairing " + q.Name + " not Ready: " + testenv.DescribeConditions(q.Status.Conditions)
		case q.Status.Ended == nil && ready.Reason != mentoringv1alpha1.ReasonActive:
			return false, "pairing " + q.Name + " is " + ready.Reason
		}
	}
	for _, r := range s.records() {
		if r.State == mentoringv1alpha1.DeliveryPending {
			return false, fmt.Sprintf("event %s %s pending", r.Event, r.ID)
		}
	}
	return true, ""
}

// waitSettled polls until the deployment settled and returns its state.
func (d *deployment) waitSettled(ctx context.Context, timeout time.Duration, r *report) (*state, error) {
	deadline := time.Now().Add(timeout)
	why := ""
	for time.Now().Before(deadline) {
		s, err := d.read(ctx)
		if err == nil {
			var ok bool
			if ok, why = s.settled(); ok {
				return s, nil
			}
			d.watchStale(ctx, s, r)
		} else {
			why = err.Error()
		}
		time.Sleep(time.Second)
	}
	return nil, fmt.Errorf("namespace %s did not settle within %s: %s", d.ns, timeout, why)
}

// staleAfter is how long the programme may report deliveries pending that no object holds any more
// before the program says so and asks for a reconcile, as a person would.
const staleAfter = 2 * time.Minute

// watchStale notices a programme whose status still reports pending deliveries although every
// record of every object is delivered: nothing made the programme look again. After staleAfter it
// records the failure and nudges the programme with the reconcile annotation, once.
func (d *deployment) watchStale(ctx context.Context, s *state, r *report) {
	pending := slices.ContainsFunc(s.records(), func(n mentoringv1alpha1.Notification) bool { return n.State == mentoringv1alpha1.DeliveryPending })
	says := slices.ContainsFunc(s.programme.Status.Webhooks, func(w mentoringv1alpha1.WebhookStatus) bool { return w.Pending > 0 })
	if pending || !says {
		d.staleSince = time.Time{}
		return
	}
	if d.staleSince.IsZero() {
		d.staleSince = time.Now()
	}
	if d.nudged || time.Since(d.staleSince) < staleAfter {
		return
	}
	r.fail("%s: the programme still said %s and %d deliveries pending %s after the last pending record (of %d objects) was delivered; asking for a reconcile with the annotation",
		d.ns, conditionOf(s.programme.Status.Conditions, "IntegrationsReady"), s.programme.Status.Webhooks[0].Pending, staleAfter,
		1+len(s.pairings)+len(s.participants))
	d.nudged = true
	_ = d.patchProgramme(ctx, func(p *mentoringv1alpha1.Programme) {
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[mentoringv1alpha1.ReconcileRequestedAnnotation] = time.Now().Format(time.RFC3339Nano)
	})
}

func conditionOf(conditions []metav1.Condition, t string) string {
	if c := meta.FindStatusCondition(conditions, t); c != nil {
		return fmt.Sprintf("%s=%s/%s", t, c.Status, c.Reason)
	}
	return t + " missing"
}

// verdict is what the checks found in a settled deployment.
type verdict struct {
	active, ended int
	// duplicatePairings: active pairings of a mentor and mentee who have another active pairing;
	// twoMentors: mentees with more than one active pairing.
	duplicatePairings, twoMentors int
	// events stored; missingEvents: active pairings without one; duplicateEvents: stored objects
	// beyond the first for one pairing; staleEvents: events of ended pairings or of no pairing.
	events, missingEvents, duplicateEvents, staleEvents int
	// records in status; undelivered: not Delivered; notReceived: Delivered but never accepted by the
	// receiver; extraReceived: accepted ids that no record holds (superseded events).
	records, undelivered, notReceived, extraReceived int
	// missingEvents counts, by type, the events the objects' state implies that no Delivered record
	// holds: proposed, activated and meeting_scheduled for an active pairing with a meeting, proposed
	// and ended for an ended one, matched for a programme that made pairings, unmatched for an
	// unmatched participant.
	unsent   map[string]int
	received map[string]testenv.ReceivedEvent
	stats    testenv.WebhookStats
	types    map[string]int
	problems []string
}

func (v *verdict) problem(format string, args ...any) {
	if len(v.problems) < 20 {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	}
}

// ok reports whether every promise holds.
func (v *verdict) ok() bool {
	return v.duplicatePairings+v.twoMentors+v.missingEvents+v.duplicateEvents+v.staleEvents+v.undelivered+v.notReceived+v.unsentTotal() == 0
}

func (v *verdict) unsentTotal() int {
	n := 0
	for _, k := range v.unsent {
		n += k
	}
	return n
}

// verify checks the promises: one calendar series per active pairing and none for ended ones, no
// duplicate pairings, every event in status delivered and received.
func (d *deployment) verify(s *state) *verdict {
	v := &verdict{received: d.hooks.Received(), stats: d.hooks.Stats(), types: d.hooks.Types()}
	pairs, mentees := map[string]int{}, map[string]int{}
	byUID := map[string]*mentoringv1alpha1.Pairing{}
	for i := range s.pairings {
		p := &s.pairings[i]
		byUID[eventUID(p)] = p
		if p.Status.Ended != nil {
			v.ended++
			continue
		}
		v.active++
		pairs[p.Spec.MentorRef.Name+">"+p.Spec.MenteeRef.Name]++
		mentees[p.Spec.MenteeRef.Name]++
	}
	for pair, n := range pairs {
		if n > 1 {
			v.duplicatePairings += n - 1
			v.problem("%d active pairings of %s", n, pair)
		}
	}
	for mentee, n := range mentees {
		if n > 1 {
			v.twoMentors++
			v.problem("mentee %s has %d active pairings", mentee, n)
		}
	}
	for uid, n := range s.calendar {
		v.events += n
		p, ok := byUID[uid]
		switch {
		case !ok:
			v.staleEvents += n
			v.problem("calendar event %s belongs to no pairing", uid)
		case p.Status.Ended != nil:
			v.staleEvents += n
			v.problem("calendar event of ended pairing %s", p.Name)
		case n > 1:
			v.duplicateEvents += n - 1
			v.problem("%d calendar events for pairing %s", n, p.Name)
		}
	}
	for uid, p := range byUID {
		if p.Status.Ended == nil && s.calendar[uid] == 0 {
			v.missingEvents++
			v.problem("no calendar event for active pairing %s", p.Name)
		}
	}
	inStatus := map[string]bool{}
	for _, r := range s.records() {
		v.records++
		inStatus[r.ID] = true
		if r.State != mentoringv1alpha1.DeliveryDelivered {
			v.undelivered++
			v.problem("event %s %s is %s (%s)", r.Event, r.ID, r.State, r.LastResult)
			continue
		}
		if _, ok := v.received[r.ID]; !ok {
			v.notReceived++
			v.problem("event %s %s is Delivered but the receiver never accepted it", r.Event, r.ID)
		}
	}
	for id := range v.received {
		if !inStatus[id] {
			v.extraReceived++
		}
	}
	v.unsent = map[string]int{}
	for _, e := range expectedEvents(s) {
		if _, ok := v.received[e.id]; !ok {
			v.unsent[e.event]++
			v.problem("%s: %s %s was never received", e.object, e.event, e.id)
		}
	}
	return v
}

// pairsOf describes active pairings as sorted "mentor>mentee" with their scores.
func pairsOf(s *state) map[string]int32 {
	out := map[string]int32{}
	for _, p := range s.active() {
		score := int32(-1)
		if p.Status.Score != nil {
			score = *p.Status.Score
		}
		out[p.Spec.MentorRef.Name+">"+p.Spec.MenteeRef.Name] = score
	}
	return out
}

// comparison of two runs' pairings.
type comparison struct {
	same                   bool
	onlyA, onlyB           []string
	scoreA, scoreB         int64
	menteesA, menteesB     int
	sameMentees, sameTotal bool
}

// compare compares the active pairings of two runs exactly. When they differ, it says whether the
// difference is only a swap among equally scored assignments: the same mentees matched and the same
// total score.
func compare(a, b *state) comparison {
	pa, pb := pairsOf(a), pairsOf(b)
	c := comparison{}
	mentees := func(pairs map[string]int32) []string {
		var out []string
		for pair := range pairs {
			out = append(out, pair[strings.Index(pair, ">")+1:])
		}
		slices.Sort(out)
		return out
	}
	for _, pair := range slices.Sorted(maps.Keys(pa)) {
		c.scoreA += int64(pa[pair])
		if _, ok := pb[pair]; !ok {
			c.onlyA = append(c.onlyA, fmt.Sprintf("%s (%d)", pair, pa[pair]))
		}
	}
	for _, pair := range slices.Sorted(maps.Keys(pb)) {
		c.scoreB += int64(pb[pair])
		if _, ok := pa[pair]; !ok {
			c.onlyB = append(c.onlyB, fmt.Sprintf("%s (%d)", pair, pb[pair]))
		}
	}
	c.menteesA, c.menteesB = len(pa), len(pb)
	c.same = len(c.onlyA) == 0 && len(c.onlyB) == 0
	c.sameMentees = slices.Equal(mentees(pa), mentees(pb))
	c.sameTotal = c.scoreA == c.scoreB
	return c
}

func (c comparison) String() string {
	if c.same {
		return fmt.Sprintf("identical: %d pairings, total score %d", c.menteesA, c.scoreA)
	}
	verdict := "DIFFERENT"
	if c.sameMentees && c.sameTotal {
		verdict = "differ only in equally scored swaps (the known tie-break issue)"
	}
	return fmt.Sprintf("%s: %d and %d pairings, total score %d and %d, same mentees matched: %t; %d pairings only in the first run %v, %d only in the second %v",
		verdict, c.menteesA, c.menteesB, c.scoreA, c.scoreB, c.sameMentees, len(c.onlyA), head(c.onlyA), len(c.onlyB), head(c.onlyB))
}

func head(s []string) []string {
	if len(s) > 6 {
		return append(slices.Clone(s[:6]), "...")
	}
	return s
}

// summary describes what the conditions say, for a timeline: the programme's Ready, Reconciling,
// Stalled and IntegrationsReady, its webhook's last failure and pending count, and the pairings counted
// by their CalendarSynced and Notified reasons.
func (s *state) summary() string {
	p := s.programme
	cond := func(conditions []metav1.Condition, t string) string {
		if c := meta.FindStatusCondition(conditions, t); c != nil {
			return fmt.Sprintf("%s=%s/%s", t, c.Status, c.Reason)
		}
		return ""
	}
	parts := []string{"programme"}
	for _, t := range []string{"Ready", "Reconciling", "Stalled", "IntegrationsReady"} {
		if c := cond(p.Status.Conditions, t); c != "" {
			parts = append(parts, c)
		}
	}
	for _, w := range p.Status.Webhooks {
		parts = append(parts, fmt.Sprintf("webhook %s pending=%d lastFailure=%q", w.Name, w.Pending, w.LastFailure))
	}
	counts := map[string]int{}
	for _, q := range s.active() {
		for _, t := range []string{"CalendarSynced", "Notified"} {
			if c := meta.FindStatusCondition(q.Status.Conditions, t); c != nil {
				counts[t+"="+c.Reason]++
			}
		}
		if c := meta.FindStatusCondition(q.Status.Conditions, "Notified"); c != nil && c.Status == metav1.ConditionFalse {
			for _, result := range []string{"timeout", "HTTP 500", "connection refused"} {
				if strings.Contains(c.Message, "("+result) {
					counts["retrying after "+result]++
				}
			}
		}
	}
	var pairings []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		pairings = append(pairings, fmt.Sprintf("%s:%d", k, counts[k]))
	}
	return strings.Join(parts, " ") + "; pairings " + strings.Join(pairings, " ")
}

// timeline records what the conditions say while an outage lasts, one line each time it changes.
type timeline struct {
	start time.Time
	lines []string
	last  string
	seen  map[string]bool
}

func newTimeline() *timeline { return &timeline{start: time.Now(), seen: map[string]bool{}} }

func (t *timeline) sample(ctx context.Context, d *deployment, label string) {
	s, err := d.read(ctx)
	line := ""
	if err != nil {
		line = "API server: " + shorten(err.Error())
	} else {
		line = s.summary()
	}
	t.seen[line] = true
	if line != t.last {
		t.lines = append(t.lines, fmt.Sprintf("  %+7.1fs %-8s %s", time.Since(t.start).Seconds(), label, line))
		t.last = line
	}
}

// sampleFor samples every interval for a while.
func (t *timeline) sampleFor(ctx context.Context, d *deployment, label string, duration, interval time.Duration) {
	for end := time.Now().Add(duration); time.Now().Before(end); time.Sleep(interval) {
		t.sample(ctx, d, label)
	}
}

// saw reports whether some sampled line contains all the parts.
func (t *timeline) saw(parts ...string) bool {
	for line := range t.seen {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// expected is an event that the state of an object implies.
type expected struct{ object, event, id string }

// expectedEvents derives, from the objects' state alone, the events the receiver must have: for a
// pairing proposed, then activated and meeting_scheduled for its current meeting while it is active,
// or ended; matched for the programme's last matching pass; unmatched for each participant the matcher
// left without a pairing. The ids follow the webhook package's scheme (one id per object, type and
// discriminator), so a missing id is an event that was never delivered, whatever status says.
func expectedEvents(s *state) []expected {
	var out []expected
	add := func(object string, kind webhook.Kind, name string, t webhook.EventType, discriminator string) {
		identity := s.programme.Namespace + "/" + s.programme.Name + "/" + string(kind) + "/" + name
		out = append(out, expected{object, string(t), webhook.ID(identity, t, discriminator)})
	}
	ended := map[string][]string{}
	for _, p := range s.pairings {
		add("pairing "+p.Name, webhook.KindPairing, p.Name, webhook.PairingProposed, "")
		if p.Status.Ended != nil {
			add("pairing "+p.Name, webhook.KindPairing, p.Name, webhook.PairingEnded, string(p.Status.Ended.Reason))
			ended[p.Spec.MentorRef.Name] = append(ended[p.Spec.MentorRef.Name], p.Name)
			ended[p.Spec.MenteeRef.Name] = append(ended[p.Spec.MenteeRef.Name], p.Name)
			continue
		}
		add("pairing "+p.Name, webhook.KindPairing, p.Name, webhook.PairingActivated, "")
		if m := p.Status.Meeting; m != nil && m.NextMeeting != nil {
			add("pairing "+p.Name, webhook.KindPairing, p.Name, webhook.PairingMeetingScheduled,
				fmt.Sprintf("%s/%s/%s/%d/%s", m.Weekday, m.Start, m.TimeZone, m.DurationMinutes, m.RecurrenceRule))
		}
	}
	if d := s.programme.Status.LastMatchDigest; d != "" {
		add("programme "+s.programme.Name, webhook.KindProgramme, s.programme.Name, webhook.ProgrammeMatched, d)
	} else if len(s.pairings) > 0 {
		out = append(out, expected{"programme " + s.programme.Name + " (no lastMatchDigest although it made pairings)", string(webhook.ProgrammeMatched), "none"})
	}
	for _, p := range s.participants {
		if c := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.MatchedCondition); c != nil && c.Status == metav1.ConditionFalse {
			history := ended[p.Name]
			slices.Sort(history)
			add("participant "+p.Name, webhook.KindParticipant, p.Name, webhook.ParticipantUnmatched, c.Reason+"/"+strings.Join(history, ","))
		}
	}
	return out
}
