package matching_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// Every score is the naive criteria's units rounded to whole points, for candidates and pairs alike,
// pinned ones included.
func TestScoresFollowTheDocumentedCriteria(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for i := range 150 {
		in := randomInput(t, r, randomShape{mentors: r.IntN(8), mentees: r.IntN(10), odd: i%2 == 0})
		n := newNaive(in)
		round := func(mentor, mentee string) int {
			m, _ := n.participant(mentor, matching.Mentor)
			e, _ := n.participant(mentee, matching.Mentee)
			return (n.units(m, e) + 50) / 100
		}
		for _, c := range matching.Candidates(in) {
			if want := round(c.Mentor, c.Mentee); c.Score != want {
				t.Fatalf("programme %d: candidate %s→%s scores %d, want %d", i, c.Mentor, c.Mentee, c.Score, want)
			}
		}
		for _, p := range matching.Match(in).Pairs {
			if want := round(p.Mentor, p.Mentee); p.Score != want {
				t.Fatalf("programme %d: pair %s→%s scores %d, want %d", i, p.Mentor, p.Mentee, p.Score, want)
			}
		}
	}
}

// Each criterion alone, and a mix: the score is the weighted mean of the criteria, and the breakdown
// lists the weighted criteria only, adding up to the score.
func TestScoreWeights(t *testing.T) {
	weights := func(w matching.Weights, diversity ...matching.DiversityGoal) func(*matching.Policy) {
		return func(p *matching.Policy) { p.Weights, p.Diversity = w, diversity }
	}
	different := matching.DiversityGoal{Attribute: "generation", Prefer: matching.Different, Weight: 1}
	same := matching.DiversityGoal{Attribute: "generation", Prefer: matching.Same, Weight: 1}
	tests := []struct {
		name           string
		policy         func(*matching.Policy)
		mentor, mentee []option
		score          int
		breakdown      []matching.Points
	}{
		// Priority 5 at level 4, of at most 5×5: 80.
		{"topic fit", weights(matching.Weights{TopicFit: 1}), []option{expertise("go", 4)}, []option{goals("go", 5)}, 80,
			[]matching.Points{{Criterion: "topicFit", Points: 80}}},
		{"topic fit, a level above 5 counts as 5", weights(matching.Weights{TopicFit: 1}), []option{expertise("go", 9)}, []option{goals("go", 5)}, 100,
			[]matching.Points{{Criterion: "topicFit", Points: 100}}},
		// Goals go (5) and sre (5), only go met at level 5: 25 of 50.
		{"topic fit, half the goals", weights(matching.Weights{TopicFit: 7}), []option{expertise("go", 5)}, []option{goals("go", 5, "sre", 5)}, 50,
			[]matching.Points{{Criterion: "topicFit", Points: 50}}},
		// One common hour is four quarter hours of the six that three 30-minute meetings need: 67.
		{"availability", weights(matching.Weights{Availability: 1}), []option{available(days(9*60, 10*60, 1))}, []option{available(days(9*60, 17*60, 1))}, 67,
			[]matching.Points{{Criterion: "availability", Points: 67}}},
		{"availability, more than three meetings", weights(matching.Weights{Availability: 1}), nil, nil, 100,
			[]matching.Points{{Criterion: "availability", Points: 100}}},
		{"cross department", weights(matching.Weights{CrossDepartment: 1}), nil, nil, 100,
			[]matching.Points{{Criterion: "crossDepartment", Points: 100}}},
		{"same department", weights(matching.Weights{CrossDepartment: 1}), []option{department("sales")}, nil, 0,
			[]matching.Points{{Criterion: "crossDepartment", Points: 0}}},
		// A gap of 6 is 5 beyond the minimum of 1, of 10 that count.
		{"seniority gap", weights(matching.Weights{SeniorityGap: 1}), []option{seniority(1)}, []option{seniority(7)}, 50,
			[]matching.Points{{Criterion: "seniorityGap", Points: 50}}},
		// Three quarters topic fit at 80, a quarter cross department at 100: 85.
		{"a mix", weights(matching.Weights{TopicFit: 3, CrossDepartment: 1}), []option{expertise("go", 4)}, []option{goals("go", 5)}, 85,
			[]matching.Points{{Criterion: "topicFit", Points: 60}, {Criterion: "crossDepartment", Points: 25}}},
		{"zero and negative weights count for nothing", weights(matching.Weights{TopicFit: 1, Availability: 0, CrossDepartment: -5}),
			[]option{expertise("go", 4)}, []option{goals("go", 5)}, 80, []matching.Points{{Criterion: "topicFit", Points: 80}}},
		{"no weights at all", weights(matching.Weights{}), nil, nil, 0, nil},
		{"diversity, different preferred and met", weights(matching.Weights{}, different),
			[]option{attribute("generation", "gen-z")}, []option{attribute("generation", "boomer")}, 100,
			[]matching.Points{{Criterion: "diversity:generation", Points: 100}}},
		{"diversity, different preferred, not met", weights(matching.Weights{}, different),
			[]option{attribute("generation", "gen-z")}, []option{attribute("generation", "gen-z")}, 0,
			[]matching.Points{{Criterion: "diversity:generation", Points: 0}}},
		{"diversity, same preferred and met", weights(matching.Weights{}, same),
			[]option{attribute("generation", "gen-z")}, []option{attribute("generation", "gen-z")}, 100,
			[]matching.Points{{Criterion: "diversity:generation", Points: 100}}},
		{"diversity, attribute missing", weights(matching.Weights{}, different),
			[]option{attribute("generation", "gen-z")}, nil, 0,
			[]matching.Points{{Criterion: "diversity:generation", Points: 0}}},
		// Thirds: 33.33 + 33.33 + 0 rounds to 67 points, which the breakdown shares as 34 + 33 + 0.
		{"rounded points still add up", weights(matching.Weights{TopicFit: 1, CrossDepartment: 1, SeniorityGap: 1}),
			[]option{expertise("go", 5), seniority(4)}, []option{goals("go", 5)}, 67,
			[]matching.Points{{Criterion: "topicFit", Points: 34}, {Criterion: "crossDepartment", Points: 33}, {Criterion: "seniorityGap", Points: 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(programme(tt.policy), mentor("ann", tt.mentor...), mentee("bob", tt.mentee...))
			r := matching.Match(in)
			p := pairOf(r, "bob")
			if p == nil {
				t.Fatalf("not paired: %s", describe(r))
			}
			if p.Score != tt.score || !slices.Equal(p.Breakdown, tt.breakdown) {
				t.Fatalf("score %d %v, want %d %v", p.Score, p.Breakdown, tt.score, tt.breakdown)
			}
		})
	}
}

// The objective decides between matching more mentees and a higher total: ann fits bob perfectly and
// cat poorly, ben fits only bob and poorly. Both pairs make 40 points, ann and bob alone 100.
func TestObjectives(t *testing.T) {
	policy := func(o matching.Objective) func(*matching.Policy) {
		return func(p *matching.Policy) {
			p.Objective, p.Weights, p.MaxMenteesPerMentor = o, matching.Weights{TopicFit: 1}, 1
		}
	}
	people := []matching.Participant{
		mentor("ann", expertise("go", 5, "sre", 1)), mentor("ben", expertise("go", 1)),
		mentee("bob", goals("go", 5)), mentee("cat", goals("sre", 2)),
	}
	participation := matching.Match(input(programme(policy(matching.MaxParticipation)), people...))
	if got := pairsOf(participation); !slices.Equal(got, []string{"ben→bob", "ann→cat"}) {
		t.Fatalf("MaxParticipation pairs %v, want ben→bob and ann→cat", got)
	}
	score := matching.Match(input(programme(policy(matching.MaxScore)), people...))
	if got := pairsOf(score); !slices.Equal(got, []string{"ann→bob"}) {
		t.Fatalf("MaxScore pairs %v, want ann→bob", got)
	}
	if score.Summary.TotalScore <= participation.Summary.TotalScore || score.Summary.MatchedMentees >= participation.Summary.MatchedMentees {
		t.Fatalf("MaxScore %+v should score more and match fewer than MaxParticipation %+v", score.Summary, participation.Summary)
	}
}

// Among assignments of the same total score, MaxScore matches more mentees: a pair of score zero is
// still made.
func TestMaxScorePrefersMoreMenteesAtEqualScore(t *testing.T) {
	in := input(programme(func(p *matching.Policy) {
		p.Objective, p.Weights = matching.MaxScore, matching.Weights{CrossDepartment: 1}
	}), mentor("ann", department("sales")), mentee("bob"))
	r := matching.Match(in)
	if p := pairOf(r, "bob"); p == nil || p.Score != 0 {
		t.Fatalf("got %s, want bob paired at score 0", describe(r))
	}
}

// A greedy matcher would give the best mentor to the first mentee; the optimum gives each mentee the
// mentor that makes the total highest.
func TestNotGreedy(t *testing.T) {
	in := input(programme(func(p *matching.Policy) { p.Weights, p.MaxMenteesPerMentor = matching.Weights{TopicFit: 1}, 1 }),
		mentor("ann", expertise("go", 5, "sre", 5)), mentor("ben", expertise("go", 4)),
		mentee("amy", goals("go", 5)), mentee("bob", goals("sre", 5)))
	r := matching.Match(in)
	if got := pairsOf(r); !slices.Equal(got, []string{"ben→amy", "ann→bob"}) {
		t.Fatalf("pairs %v, want ben→amy and ann→bob (total 180, not 100)", got)
	}
}
