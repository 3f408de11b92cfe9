package report

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func TestSuppress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		people []int
		hidden []bool
	}{
		{"nothing small", []int{5, 12, 0}, []bool{false, false, false}},
		{"a group of four and the smallest other one, so no subtraction finds it", []int{10, 4, 20}, []bool{true, true, false}},
		{"small groups that protect each other", []int{10, 3, 2, 20}, []bool{false, true, true, false}},
		{"two small groups under five together, and the smallest big one", []int{2, 2, 9, 6}, []bool{true, true, false, true}},
		{"an empty group shows nobody", []int{0, 7}, []bool{false, false}},
		{"fewer than five in all", []int{1, 3}, []bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells := make([]cell, len(tc.people))
			for i, n := range tc.people {
				cells[i] = cell{people: n, figure: n}
			}
			if got := suppress(cells); !slices.Equal(got, tc.hidden) {
				t.Errorf("suppress(%v) = %v, want %v", tc.people, got, tc.hidden)
			}
		})
	}
}

func TestBreakdownCountsSmallGroupsTogether(t *testing.T) {
	b := breakdown(map[string]int{"a": 9, "b": 4, "c": 30, "d": 0}, nil)
	want := []Group{{"c", 30}}
	if !slices.Equal(b.Groups, want) || b.Other == nil || b.Other.Groups != 2 || b.Other.Count == nil || *b.Other.Count != 13 {
		t.Errorf("breakdown = %+v, other %+v; want %v and the 2 other groups with 13 together", b.Groups, b.Other, want)
	}
	tiny := breakdown(map[string]int{"a": 1, "b": 2}, nil)
	if len(tiny.Groups) != 0 || tiny.Other == nil || tiny.Other.Count != nil {
		t.Errorf("breakdown of 3 people = %+v, other %+v; want everything hidden, even the number", tiny.Groups, tiny.Other)
	}
}

func TestRangesHoldFivePeopleEach(t *testing.T) {
	p := func(mentor, mentee string) pair { return pair{mentor: mentor, mentee: mentee} }
	byGap := map[int][]pair{
		2: {p("m1", "e1"), p("m2", "e2"), p("m3", "e3")}, // 6 people
		3: {p("m1", "e4")},                               // 2 people
		5: {p("m4", "e5"), p("m4", "e6")},                // 3 people: 5 with gap 3
		9: {p("m5", "e7")},                               // a tail of 2 joins the last range
	}
	want := []Range{{From: 2, To: 2, Pairs: 3}, {From: 3, To: 9, Pairs: 4}}
	if got := ranges(byGap); !slices.Equal(got, want) {
		t.Errorf("ranges = %+v, want %+v", got, want)
	}
	if got := ranges(map[int][]pair{4: {p("a", "b"), p("c", "b")}}); len(got) != 0 {
		t.Errorf("ranges of 3 people = %+v, want none", got)
	}
}

// population is a programme of n generated participants, as the scale benchmark has them, with a
// generation attribute and a diversity goal on it.
func population(n int) (*mentoringv1alpha1.Programme, []mentoringv1alpha1.Participant) {
	programme := testenv.PopulationProgramme("cohort", mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-12-17"})
	programme.Spec.Matching.Diversity = []mentoringv1alpha1.DiversityGoal{{Attribute: "generation", Prefer: mentoringv1alpha1.PreferDifferent, Weight: 15}}
	people := testenv.Population(programme.Name, n)
	for i := range people {
		value := []string{"gen-z", "millennial", "gen-x", "boomer"}[i%4]
		people[i].Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "generation", Value: value}}
	}
	return programme, people
}

var january = time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)

func TestBuildHidesAGroupOfFour(t *testing.T) {
	programme, people := population(300)
	for i := range people[:4] {
		people[i].Spec.Timezone = "Australia/Perth"
		people[i].Spec.Attributes[0].Value = "silent"
	}
	r, err := Build(Input{Programme: programme, Participants: people, At: january, Source: "manifests"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Australia/Perth", "silent"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the report names %q, a group of four", secret)
		}
	}
	if o := r.TimeZones.Other; o == nil || o.Count == nil || *o.Count < MinGroup || o.Groups < 2 {
		t.Errorf("time zones: other = %+v, want the zone of four counted with another one", o)
	}
	total := 0
	if o := r.TimeZones.Other; o != nil && o.Count != nil {
		total = *o.Count
	}
	for _, g := range r.TimeZones.Groups {
		total += g.Count
	}
	if total != 300 {
		t.Errorf("time zones add up to %d, want every participant (300)", total)
	}
	if o := r.Diversity[0].Participants.Other; o == nil || o.Groups < 2 {
		t.Errorf("generation: other = %+v, want the value of four counted with another one", o)
	}
	for _, section := range []string{"Time zones:", "Diversity (generation):"} {
		if !slices.ContainsFunc(r.Privacy.Hidden, func(s string) bool { return strings.HasPrefix(s, section) }) {
			t.Errorf("privacy notes %q say nothing about %s", r.Privacy.Hidden, section)
		}
	}
}

func TestBuildFigures(t *testing.T) {
	programme, people := population(200)
	r, err := Build(Input{Programme: programme, Participants: people, At: january, Source: "manifests"})
	if err != nil {
		t.Fatal(err)
	}
	h := r.Headline
	if h.Participants != 200 || h.Mentors != 80 || h.Mentees != 120 || h.Pairs == 0 || h.MatchedMentees != h.Pairs {
		t.Errorf("headline = %+v, want 80 mentors, 120 mentees and a pair per matched mentee", h)
	}
	if r.Stage != mentoringv1alpha1.ReasonUpcoming || r.Pairings != nil {
		t.Errorf("stage %q, pairings %+v: want Upcoming and no Pairings section for manifests without status", r.Stage, r.Pairings)
	}
	pairs, seeking := 0, 0
	for _, g := range r.SeniorityGaps {
		pairs += g.Pairs
		if g.From < 1 {
			t.Errorf("gap range %+v: a reverse programme's mentee is at least one level above the mentor", g)
		}
	}
	if pairs != h.Pairs {
		t.Errorf("seniority gaps hold %d pairs, want %d", pairs, h.Pairs)
	}
	for _, topic := range r.Topics {
		if topic.Seeking != nil {
			seeking += *topic.Seeking
		}
	}
	goals := 0
	for _, p := range people {
		goals += len(p.Spec.Goals)
	}
	if seeking != goals {
		t.Errorf("topics: %d goals sought, want %d", seeking, goals)
	}
	shownPairs, hiddenCells := 0, 0
	for _, row := range r.Departments.Pairs {
		for _, c := range row {
			if c == nil {
				hiddenCells++
			} else {
				shownPairs += *c
			}
		}
	}
	// Hidden cells hold at least five people together: at least three pairs.
	if hiddenCells == 1 || shownPairs > h.Pairs || (hiddenCells > 0 && h.Pairs-shownPairs < 3) {
		t.Errorf("department matrix shows %d of %d pairs and hides %d cells, want the hidden cells to hold three pairs or more together",
			shownPairs, h.Pairs, hiddenCells)
	}
	d := r.Diversity[0]
	if d.Met == nil || d.NotMet == nil || *d.Met+*d.NotMet != h.Pairs {
		t.Errorf("generation goal: met %v, not met %v; want them to add up to %d pairs", d.Met, d.NotMet, h.Pairs)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	programme, people := population(150)
	first, err := Build(Input{Programme: programme, Participants: people, At: january})
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(people)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again, err := Build(Input{Programme: programme, Participants: shuffled, At: january})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(first)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("the same people in another order give another report:\n%s\n%s", a, b)
	}
}

func TestPairingStage(t *testing.T) {
	ended := func(reason mentoringv1alpha1.EndReason) *mentoringv1alpha1.PairingEnd {
		return &mentoringv1alpha1.PairingEnd{Reason: reason}
	}
	ready := []metav1.Condition{{Type: mentoringv1alpha1.ReadyCondition, Status: "True", Reason: mentoringv1alpha1.ReasonActive}}
	for _, tc := range []struct {
		status mentoringv1alpha1.PairingStatus
		want   string
	}{
		{mentoringv1alpha1.PairingStatus{}, UnknownStage},
		{mentoringv1alpha1.PairingStatus{Conditions: ready}, mentoringv1alpha1.ReasonActive},
		{mentoringv1alpha1.PairingStatus{Conditions: ready, Ended: ended(mentoringv1alpha1.EndParticipantPaused)}, mentoringv1alpha1.ReasonEnded},
		{mentoringv1alpha1.PairingStatus{Ended: ended(mentoringv1alpha1.EndProgrammeCompleted)}, mentoringv1alpha1.ReasonCompleted},
	} {
		if got := PairingStage(&mentoringv1alpha1.Pairing{Status: tc.status}); got != tc.want {
			t.Errorf("PairingStage(%+v) = %q, want %q", tc.status, got, tc.want)
		}
	}
}
