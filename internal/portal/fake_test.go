package portal

import (
	"context"
	"sync"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

// fakeSource complements the real Source (controllers/internal/pages, tested against a real API server): it holds
// people in memory, so the handler's rules are tested alone and fast.
type fakeSource struct {
	mu       sync.Mutex
	people   map[string]Person
	recorded []Submission
	// fail is returned by Record when set.
	fail error
}

func (f *fakeSource) Person(_ context.Context, token string) (Person, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.people[token]
	return p, ok, nil
}

func (f *fakeSource) Record(_ context.Context, s Submission) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.recorded = append(f.recorded, s)
	return nil
}

func (f *fakeSource) submissions() []Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Submission(nil), f.recorded...)
}

// The test programme: Monday 2027-01-11 to 2027-06-30, meetings every Tuesday at 10:00 UTC.
var (
	progStart = time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
	progEnd   = time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)
	// during is while check-in 1 (2027-02-09 to 2027-03-09) is open.
	during = time.Date(2027, 2, 15, 12, 0, 0, 0, time.UTC)
)

func schedule() measure.Schedule {
	s := measure.Schedule{Start: progStart, End: progEnd, MeetingLength: 45 * time.Minute}
	for at := time.Date(2027, 1, 12, 10, 0, 0, 0, time.UTC); at.Before(progEnd); at = at.AddDate(0, 0, 7) {
		s.Meetings = append(s.Meetings, at)
	}
	return s
}

var (
	adaLink = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY" // 32 bytes
	bobLink = "Ym9iYm9iYm9iYm9iYm9iYm9iYm9iYm9iYm9iYm9iYm8"
)

func newFake(comments bool) *fakeSource {
	london, _ := time.LoadLocation("Europe/London")
	policy := measure.Policy{Every: 4, Unit: measure.Weeks, Midpoint: true, End: true, Comments: comments,
		Questions: []measure.Question{{Name: "tools", Text: "Did you try a new tool?", Type: measure.YesNo}}}
	programme := Programme{Name: "digital-leaders", Purpose: "Leaders learn AI tools from those who use them daily.", Policy: policy}
	pairing := func(role measure.Role, partner string) Pairing {
		return Pairing{Name: "dl-ada-bob", Role: role, Partner: partner, Topics: []string{"ai"}, Schedule: schedule()}
	}
	return &fakeSource{people: map[string]Person{
		adaLink: {Participant: "ada", DisplayName: "Ada Lovelace", Zone: london, Programme: programme,
			Pairings: []Pairing{pairing(measure.Mentor, "Bob Babbage")}},
		bobLink: {Participant: "bob", DisplayName: "Bob Babbage", Zone: time.UTC, Programme: programme,
			Pairings: []Pairing{pairing(measure.Mentee, "Ada Lovelace")}},
	}}
}
