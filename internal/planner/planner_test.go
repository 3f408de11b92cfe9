package planner_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner/plannertest"
)

// The manifests of a generated programme describe it exactly: planning them matches the generated
// input as the matcher does.
func TestManifestsDescribeTheGeneratedProgramme(t *testing.T) {
	for seed := range uint64(5) {
		in := matchingtest.Generate(seed, matchingtest.Options{Mentees: 80, Mentors: 40, Objective: []matching.Objective{matching.MaxParticipation, matching.MaxScore}[seed%2]})
		programme, participants := plannertest.Manifests("generated", in)
		plan, err := planner.Plan(programme, participants, nil, in.Policy.Start)
		if err != nil {
			t.Fatal(err)
		}
		if want := matching.Match(in); !reflect.DeepEqual(plan.Match, want) {
			t.Fatalf("seed %d: planning the manifests gives %d pairs, average %d; the generated input %d, average %d",
				seed, len(plan.Match.Pairs), plan.Match.Summary.AverageScore, len(want.Pairs), want.Summary.AverageScore)
		}
	}
}

// A Planner that sees a programme pass after pass returns exactly what Plan returns, through random
// sequences of what happens to a programme's objects: the plan's pairings created and ended,
// participants joining, leaving (deleted, or being deleted), editing their profile and pausing, people
// pinning pairings, enrolment closing and the programme ending, and the matching weights changing.
// Most passes repair the last optimum.
func TestPlannerEqualsPlan(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	incremental, passes, created, ended := 0, 0, 0, 0
	for seed := range uint64(8) {
		in := matchingtest.Generate(seed, matchingtest.Options{Mentees: 30 + r.IntN(40), Mentors: 15 + r.IntN(20), Topics: 2 + r.IntN(4)})
		extra := matchingtest.Generate(seed+100, matchingtest.Options{Mentees: 40, Mentors: 40, Topics: len(in.Policy.Topics)})
		programme, participants := plannertest.Manifests("spring", in)
		programme.Spec.Schedule.EnrolmentDeadline = "2027-06-30"
		var pairings []mentoringv1alpha1.Pairing
		now := in.Policy.Start
		var p planner.Planner
		for step := range 40 {
			got, path, err := p.Plan(programme, participants, pairings, now)
			if err != nil {
				t.Fatal(err)
			}
			want, err := planner.Plan(programme, participants, pairings, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, step %d (%s pass): the Planner's plan differs from Plan's: %d pairings to create, %d to end; Plan: %d and %d",
					seed, step, path.Solve, len(got.Create), len(got.Ends), len(want.Create), len(want.Ends))
			}
			passes, created, ended = passes+1, created+len(want.Create), ended+len(want.Ends)
			if path.Solve == matching.PathIncremental {
				incremental++
			}
			// The operator creates and ends what the plan says.
			pairings = applied(programme, pairings, want, now)
			switch k := r.IntN(10); {
			case k < 3:
				q := plannertest.Participant(programme.Name, extra.Participants[r.IntN(len(extra.Participants))])
				q.Name = fmt.Sprintf("joiner-%d-%d", seed, step)
				participants = append(slices.Clone(participants), q)
			case k < 5:
				i := r.IntN(len(participants))
				if r.IntN(2) == 0 {
					participants = slices.Delete(slices.Clone(participants), i, i+1)
				} else {
					participants = slices.Clone(participants)
					participants[i].DeletionTimestamp = &metav1.Time{Time: now}
				}
			case k < 7:
				participants = slices.Clone(participants)
				q := &participants[r.IntN(len(participants))]
				q.Spec.Seniority = int32(1 + r.IntN(20))
				q.Spec.Paused = r.IntN(4) == 0
			case k < 8 && len(pairings) > 0:
				// A person takes a pairing over: it loses its controller and is pinned.
				pairings = slices.Clone(pairings)
				pairings[r.IntN(len(pairings))].OwnerReferences = nil
			case k < 9:
				now = now.Add(time.Duration(r.IntN(60*24)) * time.Hour)
			default:
				programme = programme.DeepCopy()
				weight := int32(r.IntN(80))
				programme.Spec.Matching.Weights.TopicFit = &weight
			}
		}
	}
	if incremental < passes*3/4 || created == 0 || ended == 0 {
		t.Fatalf("%d of %d passes were incremental, creating %d pairings and ending %d: too few to prove anything", incremental, passes, created, ended)
	}
}

// applied is the pairings after the operator applied a plan: new pairings with the programme as their
// controller, and ended ones with their end recorded.
func applied(programme *mentoringv1alpha1.Programme, pairings []mentoringv1alpha1.Pairing, plan *planner.Result, now time.Time) []mentoringv1alpha1.Pairing {
	out := slices.Clone(pairings)
	for i := range out {
		if end, ok := plan.Ends[out[i].Name]; ok && out[i].Status.Ended == nil {
			out[i].Status.Ended = &mentoringv1alpha1.PairingEnd{Time: metav1.Time{Time: now}, Reason: end.Reason, Message: end.Message}
		}
	}
	controller := true
	for _, c := range plan.Create {
		out = append(out, mentoringv1alpha1.Pairing{
			ObjectMeta: metav1.ObjectMeta{Name: c.Name, OwnerReferences: []metav1.OwnerReference{{
				APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Programme", Name: programme.Name, UID: "uid", Controller: &controller}}},
			Spec: mentoringv1alpha1.PairingSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme.Name},
				MentorRef: mentoringv1alpha1.LocalObjectReference{Name: c.Mentor}, MenteeRef: mentoringv1alpha1.LocalObjectReference{Name: c.Mentee}},
		})
	}
	return out
}

// BenchmarkPlannerJoin is one mentee joining a settled programme of 10,000 participants, with room
// for most joiners, and the plan after it, by Plan and by a Planner, side by side; the Planner's
// matcher repairs the last optimum.
// It reports the processor time of the plan alone (cpu-ms/op).
//
//	go test ./internal/planner -run '^$' -bench PlannerJoin -benchtime 20x
func BenchmarkPlannerJoin(b *testing.B) {
	for _, path := range []string{matching.PathFull, matching.PathIncremental} {
		b.Run(path, func(b *testing.B) {
			in := matchingtest.Generate(1, matchingtest.Options{Mentees: 6000, Mentors: 4000})
			programme, participants := plannertest.Manifests("large", in)
			newcomers := matchingtest.Generate(2, matchingtest.Options{Mentees: b.N, Mentors: 1})
			now := in.Policy.Start
			var p planner.Planner
			plan := func(pairings []mentoringv1alpha1.Pairing) *planner.Result {
				if path == matching.PathFull {
					r, err := planner.Plan(programme, participants, pairings, now)
					if err != nil {
						b.Fatal(err)
					}
					return r
				}
				r, _, err := p.Plan(programme, participants, pairings, now)
				if err != nil {
					b.Fatal(err)
				}
				return r
			}
			pairings := applied(programme, nil, plan(nil), now)
			plan(pairings)
			var processor time.Duration
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				q := plannertest.Participant(programme.Name, newcomers.Participants[1+i])
				q.Name = "joiner-" + q.Name
				participants = append(slices.Clone(participants), q)
				before := processorTime()
				b.StartTimer()
				r := plan(pairings)
				b.StopTimer()
				processor += processorTime() - before
				pairings = applied(programme, pairings, r, now)
			}
			b.ReportMetric(float64(processor.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// processorTime is the processor time the process used so far, user and system.
func processorTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return time.Duration(syscall.TimevalToNsec(u.Utime) + syscall.TimevalToNsec(u.Stime))
}
