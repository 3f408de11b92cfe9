package matching

// Candidate is an allowed pair and its score.
type Candidate struct {
	Mentor, Mentee string
	Score          int
}

// Candidates lists every allowed pair of the input, ignoring capacity, sorted by mentee and mentor.
func Candidates(in Input) []Candidate {
	x := newIndex(in)
	var out []Candidate
	for _, mentee := range x.mentees {
		for _, mentor := range x.mentors {
			if x.check(mentor, mentee) == "" {
				score, _ := x.score(mentor, mentee)
				out = append(out, Candidate{Mentor: mentor.Name, Mentee: mentee.Name, Score: score})
			}
		}
	}
	return out
}
