package email

import (
	"os"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// officeHours are weekday windows, in whole hours.
func officeHours(from, to int) weekly.Set {
	var windows []weekly.Window
	for d := time.Monday; d <= time.Friday; d++ {
		windows = append(windows, weekly.Window{Day: d, Start: from * 60, End: to * 60})
	}
	return weekly.FromWindows(windows)
}

var (
	programmeStart = time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
	programmeEnd   = time.Date(2027, 6, 30, 23, 59, 0, 0, time.UTC)
)

// slot chooses a London mentor's and a New York mentee's biweekly meeting, as the controllers do;
// the seed moves it.
func slot(t testing.TB, seed string) calendar.Slot {
	t.Helper()
	s, err := calendar.Choose(calendar.Request{
		Anchor:  calendar.Person{Available: officeHours(9, 17), Zone: zone(t, "Europe/London")},
		Other:   calendar.Person{Available: officeHours(9, 17), Zone: zone(t, "America/New_York")},
		Cadence: calendar.Biweekly, DurationMinutes: 45, Start: programmeStart, End: programmeEnd, Seed: seed,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// activePairing is an active pairing whose series is scheduled, as a controller would describe it.
func activePairing(t testing.TB) Pairing {
	t.Helper()
	return Pairing{
		Namespace: "mentoring", Programme: "digital-leaders", Name: "ada-grace", Stage: Active,
		Purpose: "Leaders learn how younger colleagues use AI tools and social media at work.",
		Reverse: true, Topics: []string{"ai", "social-media"},
		Breakdown: []Points{{"topicFit", 48}, {"availability", 20}, {"crossDepartment", 10}, {"seniorityGap", 6}, {"diversity:generation", 5}},
		Ends:      programmeEnd,
		Mentor:    &Person{Name: "Ada Lovelace", Email: "ada@example.org", Zone: zone(t, "Europe/London")},
		Mentee:    &Person{Name: "Grace Hopper", Email: "grace@example.org", Zone: zone(t, "America/New_York")},
		Event: &calendar.Event{
			UID: calendar.EventUID("ada-grace"), Slot: slot(t, "ada-grace"), Summary: "Reverse mentoring: digital-leaders",
			Description: "Leaders learn AI tools.\nTopics: ai, social-media.",
		},
		From: Address{Name: "Digital leaders office", Email: "office@example.org"},
		Now:  time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC),
	}
}

// after is the pairing's next pass: what the last one left in status.
func after(p Pairing, series *Series, records []Record, now time.Time) Pairing {
	p.Sent, p.Records, p.Now = series, records, now
	return p
}

// derive is Messages with the built-in templates, failing the test on an error.
func derive(t testing.TB, p Pairing) ([]Message, *Series) {
	t.Helper()
	messages, series, err := Messages(p, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return messages, series
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }
