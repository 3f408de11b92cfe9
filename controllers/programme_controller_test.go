package controllers_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// listPairings lists a namespace's pairings afresh from the API server.
func listPairings(g Gomega, ns string) []mentoringv1alpha1.Pairing {
	var list mentoringv1alpha1.PairingList
	g.Expect(env.Client.List(context.Background(), &list, client.InNamespace(ns))).To(Succeed())
	return list.Items
}

// active keeps the pairings that have not ended.
func active(pairings []mentoringv1alpha1.Pairing) []mentoringv1alpha1.Pairing {
	return slices.DeleteFunc(slices.Clone(pairings), func(p mentoringv1alpha1.Pairing) bool { return p.Status.Ended != nil })
}

// pairs describes pairings as sorted "mentor>mentee" strings.
func pairs(pairings []mentoringv1alpha1.Pairing) []string {
	out := make([]string, len(pairings))
	for i, p := range pairings {
		out[i] = p.Spec.MentorRef.Name + ">" + p.Spec.MenteeRef.Name
	}
	slices.Sort(out)
	return out
}

// programmeReady waits until the programme's latest generation is Ready and every pairing has been
// reconciled, and returns the programme.
func programmeReady(t *testing.T, ns, name string) *mentoringv1alpha1.Programme {
	t.Helper()
	var programme *mentoringv1alpha1.Programme
	NewWithT(t).Eventually(func(g Gomega) {
		programme = get(g, ns, name, &mentoringv1alpha1.Programme{})
		g.Expect(programme.Status.ObservedGeneration).To(Equal(programme.Generation))
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(HavePrefix("Ready=True/"))
		for _, p := range listPairings(g, ns) {
			g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation), "pairing %s not reconciled", p.Name)
			g.Expect(p.Status.Score).NotTo(BeNil(), "pairing %s not scored", p.Name)
		}
	}).Should(Succeed())
	return programme
}

// expectConstraintsHold checks the hard constraints on every active pairing independently of the
// matcher, under the programme's own matching policy (read from the API server, with its defaults):
// roles, the minimum seniority gap in the programme's direction, capacity capped by
// maxMenteesPerMentor, one mentor per mentee, a shared programme topic, neither person in the other's
// management chain (unless the policy allows it), different departments (when the policy asks), and
// a common weekly window that holds a whole meeting (the matcher demands one in every week; this
// checks the first week, which any such window must cover).
func expectConstraintsHold(t *testing.T, programme *mentoringv1alpha1.Programme, people []*mentoringv1alpha1.Participant, pairings []mentoringv1alpha1.Pairing) {
	t.Helper()
	policy := programme.Spec.Matching
	gap := int32(1)
	if policy.MinSeniorityGap != nil {
		gap = *policy.MinSeniorityGap
	}
	chains := policy.ExcludeManagementChain == nil || *policy.ExcludeManagementChain
	byName := map[string]*mentoringv1alpha1.Participant{}
	for _, p := range people {
		byName[p.Name] = p
	}
	load := map[string]int32{}
	mentees := map[string]bool{}
	for _, pairing := range active(pairings) {
		mentor, mentee := byName[pairing.Spec.MentorRef.Name], byName[pairing.Spec.MenteeRef.Name]
		if mentor == nil || mentee == nil || mentor.Spec.Role != mentoringv1alpha1.RoleMentor || mentee.Spec.Role != mentoringv1alpha1.RoleMentee {
			t.Errorf("%s pairs unknown people or wrong roles", pairing.Name)
			continue
		}
		above := mentee.Spec.Seniority - mentor.Spec.Seniority
		if programme.Spec.Direction == mentoringv1alpha1.DirectionTraditional {
			above = -above
		}
		if above < gap {
			t.Errorf("%s: mentor seniority %d, mentee seniority %d: a gap of %d in a %s programme that needs %d",
				pairing.Name, mentor.Spec.Seniority, mentee.Spec.Seniority, above, programme.Spec.Direction, gap)
		}
		if mentees[mentee.Name] {
			t.Errorf("mentee %s has two active pairings", mentee.Name)
		}
		mentees[mentee.Name] = true
		load[mentor.Name]++
		capacity := int32(1)
		if mentor.Spec.Capacity != nil {
			capacity = *mentor.Spec.Capacity
		}
		if policy.MaxMenteesPerMentor > 0 {
			capacity = min(capacity, policy.MaxMenteesPerMentor)
		}
		if load[mentor.Name] > capacity {
			t.Errorf("mentor %s has %d mentees, capacity %d", mentor.Name, load[mentor.Name], capacity)
		}
		if chains && slices.Contains(mentor.Spec.ManagementChain, string(mentee.Spec.Email)) {
			t.Errorf("%s pairs mentor %s with %s, who is in their management chain", pairing.Name, mentor.Name, mentee.Name)
		}
		if chains && slices.Contains(mentee.Spec.ManagementChain, string(mentor.Spec.Email)) {
			t.Errorf("%s pairs mentee %s with %s, who is in their management chain", pairing.Name, mentee.Name, mentor.Name)
		}
		if policy.ExcludeSameDepartment && mentor.Spec.Department != "" && mentor.Spec.Department == mentee.Spec.Department {
			t.Errorf("%s pairs two people of department %s, which the programme excludes", pairing.Name, mentor.Spec.Department)
		}
		shared := slices.ContainsFunc(mentor.Spec.Expertise, func(e mentoringv1alpha1.TopicExpertise) bool {
			return slices.Contains(programme.Spec.Topics, e.Topic) &&
				slices.ContainsFunc(mentee.Spec.Goals, func(g mentoringv1alpha1.TopicGoal) bool { return g.Topic == e.Topic })
		})
		if !shared {
			t.Errorf("%s shares no programme topic", pairing.Name)
		}
		if !shareAMeeting(t, programme, mentor, mentee) {
			t.Errorf("%s: %s and %s have no common window of %d minutes in the programme's first week", pairing.Name, mentor.Name, mentee.Name,
				programme.Spec.Meetings.DurationMinutes)
		}
		if pairing.Labels[mentoringv1alpha1.MentorLabel] != mentor.Name || metav1.GetControllerOf(&pairing) == nil ||
			metav1.GetControllerOf(&pairing).Kind != "Programme" {
			t.Errorf("%s lacks its labels or its controller owner reference", pairing.Name)
		}
	}
}

// shareAMeeting reports whether two people's availability overlaps by a whole meeting somewhere in the
// programme's first week, each window taken in its owner's time zone. The days around the week are
// included, so that a window a zone moves across midnight is not missed: the check may be looser than
// the matcher's, never stricter.
func shareAMeeting(t *testing.T, programme *mentoringv1alpha1.Programme, a, b *mentoringv1alpha1.Participant) bool {
	t.Helper()
	start, err := time.Parse(time.DateOnly, string(programme.Spec.Schedule.Start))
	if err != nil {
		t.Fatalf("programme start %q: %v", programme.Spec.Schedule.Start, err)
	}
	meeting := time.Duration(programme.Spec.Meetings.DurationMinutes) * time.Minute
	if meeting == 0 {
		meeting = 45 * time.Minute
	}
	type span struct{ from, to time.Time }
	windows := func(p *mentoringv1alpha1.Participant) []span {
		zone, err := time.LoadLocation(string(p.Spec.Timezone))
		if err != nil {
			t.Fatalf("participant %s: time zone %q: %v", p.Name, p.Spec.Timezone, err)
		}
		var out []span
		for day := -1; day <= 8; day++ {
			date := start.AddDate(0, 0, day)
			for _, w := range p.Spec.Availability {
				if !slices.Contains(w.Days, mentoringv1alpha1.Weekday(date.Weekday().String())) {
					continue
				}
				at := func(clock string) time.Time {
					hm, err := time.Parse("15:04", clock)
					if err != nil {
						t.Fatalf("participant %s: window time %q: %v", p.Name, clock, err)
					}
					return time.Date(date.Year(), date.Month(), date.Day(), hm.Hour(), hm.Minute(), 0, 0, zone)
				}
				out = append(out, span{at(w.Start), at(w.End)})
			}
		}
		return out
	}
	for _, x := range windows(a) {
		for _, y := range windows(b) {
			from, to := x.from, x.to
			if y.from.After(from) {
				from = y.from
			}
			if y.to.Before(to) {
				to = y.to
			}
			if to.Sub(from) >= meeting {
				return true
			}
		}
	}
	return false
}

// TestProgrammeMatchesThirtyParticipants matches a cohort of thirty under a strict policy (a seniority
// gap of 3, departments kept apart), with four pairs besides, each on a topic of its own, that only
// breaking one hard constraint could match: a mentor in the mentee's management chain, two people of
// one department, a seniority gap of 2, and no common window (the mentee is free on Saturdays only).
// (Caught, as mutations of internal/matching, each in index.check and in the cost matrix's pairs.row
// and pairs.broken, each making the matcher pair one of the four: the management chain recorded one
// way only, ExcludeSameDepartment ignored, the gap compared with 1 rather than the policy's minimum,
// and NoCommonAvailability dropped. The former check, gap 1 and the mentor's chain only, passed on the
// first three, and ignored availability.)
func TestProgrammeMatchesThirtyParticipants(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	people := cohort("prog", 12, 18)
	strict := programme("prog")
	strict.Spec.Topics = append(strict.Spec.Topics, "ethics", "security", "design", "data")
	strict.Spec.Matching.MinSeniorityGap = ptr.To(int32(3))
	strict.Spec.Matching.ExcludeSameDepartment = true
	impossible := func(topic mentoringv1alpha1.Topic, mentorSeniority, menteeSeniority int32) (*mentoringv1alpha1.Participant, *mentoringv1alpha1.Participant) {
		m := participant("mentor-"+string(topic), "prog", mentoringv1alpha1.RoleMentor, mentorSeniority)
		m.Spec.Expertise = []mentoringv1alpha1.TopicExpertise{{Topic: topic, Level: 5}}
		e := participant("mentee-"+string(topic), "prog", mentoringv1alpha1.RoleMentee, menteeSeniority)
		e.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: topic, Priority: 5}}
		people = append(people, m, e)
		return m, e
	}
	chainMentor, chainMentee := impossible("ethics", 3, 15)
	chainMentee.Spec.ManagementChain = []string{string(chainMentor.Spec.Email)}
	deptMentor, deptMentee := impossible("security", 3, 15)
	deptMentor.Spec.Department, deptMentee.Spec.Department = "legal", "legal"
	impossible("design", 10, 12)
	_, weekendMentee := impossible("data", 3, 15)
	weekendMentee.Spec.Availability = []mentoringv1alpha1.AvailabilityWindow{{Days: []mentoringv1alpha1.Weekday{"Saturday"}, Start: "09:00", End: "17:00"}}
	create(t, ns, objects(people)...)
	create(t, ns, strict)

	// The programme is Ready only once every pairing's own controller has acted on it.
	g.Eventually(func(g Gomega) {
		g.Expect(condition(get(g, ns, "prog", &mentoringv1alpha1.Programme{}).Status.Conditions, "Ready")).To(HavePrefix("Ready=True/"))
	}).Should(Succeed())
	for _, p := range listPairings(g, ns) {
		g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation), "the programme was Ready before pairing %s was reconciled", p.Name)
	}
	programme := programmeReady(t, ns, "prog")
	pairings := listPairings(g, ns)
	expectConstraintsHold(t, programme, people, pairings)
	g.Expect(programme.Status.Participants).To(BeEquivalentTo(len(people)))
	g.Expect(programme.Status.Pairings).To(BeEquivalentTo(len(active(pairings))))
	g.Expect(programme.Status.Pairings).To(BeNumerically(">=", 14), "most mentees are matched")
	g.Expect(condition(programme.Status.Conditions, "Ready")).To(Equal("Ready=True/Upcoming"))
	g.Expect(condition(programme.Status.Conditions, "Matched")).To(Equal("Matched=True/Succeeded"))
	g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
	for _, p := range pairings {
		g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Proposed"))
		g.Expect(condition(p.Status.Conditions, "ConstraintsMet")).To(Equal("ConstraintsMet=True/ConstraintsMet"))
		g.Expect(p.Spec.Approved).To(BeFalse(), "the operator never writes spec.approved")
	}
	// Being unpaired is normal: unmatched participants stay Ready and say why.
	g.Eventually(func(g Gomega) {
		for _, p := range people {
			participant := get(g, ns, p.Name, &mentoringv1alpha1.Participant{})
			g.Expect(condition(participant.Status.Conditions, "Ready")).To(Equal("Ready=True/Succeeded"))
			g.Expect(condition(participant.Status.Conditions, "Matched")).To(MatchRegexp(`^Matched=(True/Paired|False/\w+)$`))
		}
	}).Should(Succeed())
}

func TestJoiningAndLeavingChangeOnlyWhatTheyMust(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	create(t, ns, objects(cohort("prog", 6, 6))...)
	create(t, ns, programme("prog"))
	programmeReady(t, ns, "prog")
	before := listPairings(g, ns)
	versions := map[string]string{}
	for _, p := range before {
		versions[p.Name] = p.ResourceVersion
	}

	// A mentor with free capacity and a new mentee who only fits them: exactly one new pairing.
	newcomer := mentee("newcomer", "prog")
	newcomer.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "inclusion", Priority: 4}}
	spare := mentor("spare", "prog")
	spare.Spec.Expertise = []mentoringv1alpha1.TopicExpertise{{Topic: "inclusion", Level: 5}}
	create(t, ns, spare, newcomer)
	g.Eventually(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(len(before) + 1))
	}).Should(Succeed())
	programmeReady(t, ns, "prog")
	g.Consistently(func(g Gomega) {
		after := listPairings(g, ns)
		g.Expect(after).To(HaveLen(len(before) + 1))
		for _, p := range after {
			if version, existed := versions[p.Name]; existed {
				g.Expect(p.Spec).To(Equal(specOf(before, p.Name)), "pairing %s changed", p.Name)
				g.Expect(p.ResourceVersion).To(Equal(version), "pairing %s was written again", p.Name)
			} else {
				g.Expect(p.Spec.MenteeRef.Name).To(Equal("newcomer"))
			}
		}
	}).Should(Succeed())

	// A backup mentor whom only the newcomer may take (every cohort mentee manages them) changes nothing.
	backup := mentor("backup", "prog")
	backup.Spec.Expertise = []mentoringv1alpha1.TopicExpertise{{Topic: "inclusion", Level: 3}}
	for i := range 6 {
		backup.Spec.ManagementChain = append(backup.Spec.ManagementChain, fmt.Sprintf("mentee-%03d@example.org", i))
	}
	create(t, ns, backup)
	programmeReady(t, ns, "prog")
	g.Consistently(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(len(before) + 1))
	}).Should(Succeed())

	// The newcomer's mentor leaves: the pairing ends and stays as history; the newcomer is matched again.
	leaving := active(listPairings(g, ns))[slices.IndexFunc(active(listPairings(g, ns)), func(p mentoringv1alpha1.Pairing) bool {
		return p.Spec.MenteeRef.Name == "newcomer"
	})]
	g.Expect(env.Client.Delete(context.Background(), &mentoringv1alpha1.Participant{
		ObjectMeta: metav1.ObjectMeta{Name: leaving.Spec.MentorRef.Name, Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		ended := get(g, ns, leaving.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(ended.Status.Ended).NotTo(BeNil())
		g.Expect(ended.Status.Ended.Reason).To(Equal(mentoringv1alpha1.EndParticipantLeft))
		g.Expect(condition(ended.Status.Conditions, "Ready")).To(Equal("Ready=True/Ended"))
		rematched := slices.ContainsFunc(active(listPairings(g, ns)), func(p mentoringv1alpha1.Pairing) bool {
			return p.Spec.MenteeRef.Name == "newcomer" && p.Name != leaving.Name
		})
		g.Expect(rematched).To(BeTrue(), "the newcomer is matched again")
	}).Should(Succeed())
}

func specOf(pairings []mentoringv1alpha1.Pairing, name string) mentoringv1alpha1.PairingSpec {
	for _, p := range pairings {
		if p.Name == name {
			return p.Spec
		}
	}
	return mentoringv1alpha1.PairingSpec{}
}

func TestManualApprovalAndPinnedPairings(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	m := startManager(t, ns, december2026)
	manual := programme("cohort")
	manual.Spec.Matching.Approval = mentoringv1alpha1.ApprovalManual
	boss := mentee("boss", "cohort")
	report := mentor("report", "cohort")
	report.Spec.ManagementChain = []string{"boss@example.org"}
	// A person pairs a mentor with their own manager: honoured, with a warning condition.
	create(t, ns, manual, boss, report, mentor("ada", "cohort"), mentee("bob", "cohort"),
		personalPairing("chosen", "cohort", "report", "boss"))

	g.Eventually(func(g Gomega) {
		pairings := listPairings(g, ns)
		g.Expect(pairs(pairings)).To(Equal([]string{"ada>bob", "report>boss"}))
		chosen := get(g, ns, "chosen", &mentoringv1alpha1.Pairing{})
		g.Expect(condition(chosen.Status.Conditions, "ConstraintsMet")).To(Equal("ConstraintsMet=False/ConstraintViolated"))
		g.Expect(conditionMessage(chosen.Status.Conditions, "ConstraintsMet")).To(ContainSubstring("management chain"))
		g.Expect(chosen.Status.Ended).To(BeNil(), "a pairing written by a person is honoured")
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/AwaitingApproval"))
		}
	}).Should(Succeed())

	m.clock.SetTime(time.Date(2027, 1, 12, 9, 0, 0, 0, time.UTC))
	for _, p := range listPairings(g, ns) {
		patch := client.MergeFrom(p.DeepCopy())
		p.Spec.Approved = true
		g.Expect(env.Client.Patch(context.Background(), &p, patch)).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
	}).Should(Succeed())
}

func TestScheduleDrivesTheProgramme(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	m := startManager(t, ns, december2026)
	create(t, ns, programme("prog"), mentor("ada", "prog"), mentee("bob", "prog"))
	programmeReady(t, ns, "prog")

	// After the enrolment deadline, newcomers are not matched and say why.
	m.clock.SetTime(time.Date(2027, 2, 15, 9, 0, 0, 0, time.UTC))
	late, lateMentor := mentee("late", "prog"), mentor("late-mentor", "prog")
	create(t, ns, late, lateMentor)
	g.Eventually(func(g Gomega) {
		p := get(g, ns, "late", &mentoringv1alpha1.Participant{})
		g.Expect(condition(p.Status.Conditions, "Eligible")).To(Equal("Eligible=False/EnrolmentClosed"))
		g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Succeeded"))
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(Equal("Ready=True/Running"))
	}).Should(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(pairs(listPairings(g, ns))).To(Equal([]string{"ada>bob"}))
	}).Should(Succeed())

	// At the end, pairings complete and the programme reports Completed.
	m.clock.SetTime(july2027)
	nudge(t, get(g, ns, "prog", &mentoringv1alpha1.Programme{}))
	g.Eventually(func(g Gomega) {
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(Equal("Ready=True/Completed"))
		g.Expect(programme.Status.Pairings).To(BeZero())
		for _, p := range listPairings(g, ns) {
			g.Expect(p.Status.Ended).NotTo(BeNil())
			g.Expect(p.Status.Ended.Reason).To(Equal(mentoringv1alpha1.EndProgrammeCompleted))
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Completed"))
		}
	}).Should(Succeed())
}

func TestSuspendStopsMatching(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	suspended := programme("prog")
	suspended.Spec.Suspend = true
	create(t, ns, suspended, mentor("ada", "prog"), mentee("bob", "prog"))
	g.Eventually(func(g Gomega) {
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(Equal("Ready=True/Suspended"))
		g.Expect(programme.Status.Participants).To(BeEquivalentTo(2))
		g.Expect(programme.Status.Pairings).To(BeZero(), "a suspended programme plans no pairings")
		bob := get(g, ns, "bob", &mentoringv1alpha1.Participant{})
		g.Expect(condition(bob.Status.Conditions, "Matched")).To(Equal("Matched=False/Suspended"))
	}).Should(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(BeEmpty())
	}).Should(Succeed())

	programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
	patch := client.MergeFrom(programme.DeepCopy())
	programme.Spec.Suspend = false
	g.Expect(env.Client.Patch(context.Background(), programme, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(pairs(listPairings(g, ns))).To(Equal([]string{"ada>bob"}))
	}).Should(Succeed())
}

func TestRestartDuringRolloutMakesTheSamePairings(t *testing.T) {
	g := NewWithT(t)
	people := cohort("prog", 100, 200)

	// Reference: an uninterrupted run.
	reference := newNamespace(t)
	first := startManager(t, reference, december2026)
	rollout(t, reference, people)
	programmeReady(t, reference, "prog")
	want := pairs(listPairings(g, reference))
	first.Stop()
	g.Expect(len(want)).To(BeNumerically(">", 100))

	// The same rollout, with the manager stopped once some pairings exist.
	ns := newNamespace(t)
	interrupted := startManager(t, ns, december2026)
	rollout(t, ns, cohortCopy(people))
	g.Eventually(func(g Gomega) {
		g.Expect(len(listPairings(g, ns))).To(BeNumerically(">", 0))
	}).WithPolling(5 * time.Millisecond).Should(Succeed())
	interrupted.Stop()
	// The stopped manager writes nothing more: what exists now is what the stop left. Unless it is
	// some but not all of the pairings, the restart tests no recovery. (This went unchecked; on a fast
	// machine the stop could come after the last write. Caught, as a mutation: a stop after
	// programmeReady.)
	stoppedWith := len(listPairings(g, ns))
	t.Logf("stopped with %d of %d pairings", stoppedWith, len(want))
	if stoppedWith >= len(want) {
		t.Fatalf("the manager stopped with all %d pairings written, not during the rollout", stoppedWith)
	}
	startManager(t, ns, december2026)
	programmeReady(t, ns, "prog")

	g.Consistently(func(g Gomega) {
		got := listPairings(g, ns)
		g.Expect(pairs(got)).To(Equal(want))
		names := map[string]bool{}
		for _, p := range got {
			g.Expect(names[p.Name]).To(BeFalse(), "duplicate pairing %s", p.Name)
			names[p.Name] = true
		}
	}).Should(Succeed())
}

// rollout creates the participants and a suspended programme, waits until the operator sees every
// participant, and resumes the programme, so that its first matching pass sees everyone.
func rollout(t *testing.T, ns string, people []*mentoringv1alpha1.Participant) {
	t.Helper()
	g := NewWithT(t)
	create(t, ns, objects(people)...)
	suspended := programme("prog")
	suspended.Spec.Suspend = true
	create(t, ns, suspended)
	g.Eventually(func(g Gomega) {
		g.Expect(get(g, ns, "prog", &mentoringv1alpha1.Programme{}).Status.Participants).To(BeEquivalentTo(len(people)))
	}).Should(Succeed())
	patch := client.MergeFrom(suspended.DeepCopy())
	suspended.Spec.Suspend = false
	g.Expect(env.Client.Patch(context.Background(), suspended, patch)).To(Succeed())
}

// cohortCopy returns fresh copies, since create sets namespaces and metadata on the objects it gets.
func cohortCopy(people []*mentoringv1alpha1.Participant) []*mentoringv1alpha1.Participant {
	out := make([]*mentoringv1alpha1.Participant, len(people))
	for i, p := range people {
		c := p.DeepCopy()
		c.ResourceVersion, c.UID, c.Namespace, c.CreationTimestamp = "", "", "", metav1.Time{}
		out[i] = c
	}
	return out
}

// TestSuspendStopsCalendarWritesAndDeliveries: spec.suspend stops every external effect, not only
// matching. A paired programme with a CalDAV calendar (Radicale) and a signed webhook (a verifying
// receiver) is suspended and its cadence changed in the same update: while suspended, the series in
// Radicale stays as it was and the receiver gets nothing; once resumed, the series is rewritten and the
// new meeting is notified. (Caught: the pairing's calendar sync or the notifier's Deliver ignoring
// spec.suspend.)
func TestSuspendStopsCalendarWritesAndDeliveries(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	rcv := testenv.StartWebhookReceiver()
	defer rcv.Close()
	startRealClockManager(t, env.Config, ns, controllers.Options{})
	today := time.Now().UTC()
	prog := withCalDAV(programme("prog"), dav, ns)
	prog.Spec.Schedule = mentoringv1alpha1.ProgrammeSchedule{Start: mentoringv1alpha1.Date(today.Format(time.DateOnly)),
		End: mentoringv1alpha1.Date(today.AddDate(0, 0, 90).Format(time.DateOnly)), TimeZone: "UTC"}
	prog.Spec.Integrations.Webhooks = []mentoringv1alpha1.Webhook{hrWebhook()}
	create(t, ns, caldavSecret(testenv.RadicaleUsers["mentoring"]), hrSecret(rcv), prog, mentor("ada", "prog"), mentee("bob", "prog"))

	// series is the one meeting series in Radicale, which must recur at interval.
	series := func(g Gomega, interval string) string {
		all := events(g, dav, ns)
		g.Expect(all).To(HaveLen(1))
		g.Expect(all[0]).To(ContainSubstring("RRULE:FREQ=WEEKLY;" + interval))
		return all[0]
	}
	var written string
	g.Eventually(func(g Gomega) {
		written = series(g, "INTERVAL=2")
		g.Expect(rcv.Types()).To(HaveKeyWithValue("pairing.meeting_scheduled", 1))
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
		g.Expect(programme.Status.Webhooks).To(HaveLen(1))
		g.Expect(programme.Status.Webhooks[0].Pending).To(BeZero())
	}).Should(Succeed())
	// Event ids: a receiver may see an event again under its id (delivery is at least once), never a
	// new one while the programme is suspended.
	delivered := slices.Sorted(maps.Keys(rcv.Received()))

	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Suspend = true
		p.Spec.Meetings.Cadence = mentoringv1alpha1.CadenceWeekly
	})
	g.Eventually(func(g Gomega) {
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(programme.Status.ObservedGeneration).To(Equal(programme.Generation))
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(Equal("Ready=True/Suspended"))
		pairing := listPairings(g, ns)[0]
		g.Expect(pairing.Status.Meeting.RecurrenceRule).To(ContainSubstring("INTERVAL=1"), "status still follows the spec")
	}).Should(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(series(g, "INTERVAL=2")).To(Equal(written), "a suspended programme wrote its calendar")
		g.Expect(slices.Sorted(maps.Keys(rcv.Received()))).To(Equal(delivered), "a suspended programme delivered a webhook")
	}).WithTimeout(5 * time.Second).Should(Succeed())

	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) { p.Spec.Suspend = false })
	g.Eventually(func(g Gomega) {
		g.Expect(series(g, "INTERVAL=1")).To(ContainSubstring("SEQUENCE:1"))
		g.Expect(rcv.Types()).To(HaveKeyWithValue("pairing.meeting_scheduled", 2))
	}).Should(Succeed())
}
