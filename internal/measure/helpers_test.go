package measure

import "time"

// The test programme runs from Monday 2027-01-11 to 2027-06-30; its pairs meet every Tuesday at 10:00
// UTC for 45 minutes, from 2027-01-12.
var (
	start = date(2027, 1, 11)
	end   = date(2027, 6, 30)
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// weekly is a schedule of meetings every interval weeks from first until the programme's end.
func weekly(first time.Time, interval int) Schedule {
	s := Schedule{Start: start, End: end, MeetingLength: 45 * time.Minute}
	for at := first; !at.After(end); at = at.AddDate(0, 0, 7*interval) {
		s.Meetings = append(s.Meetings, at)
	}
	return s
}

var firstMeeting = time.Date(2027, 1, 12, 10, 0, 0, 0, time.UTC)

// defaults is the API's default policy: a check-in every 4 weeks, both surveys.
var defaults = Policy{Every: 4, Unit: Weeks, Midpoint: true, End: true}

func ptr(v int) *int { return &v }

// answer is a response to a round reporting meetings and usefulness.
func answer(round string, role Role, meetings, useful int) Response {
	return Response{Round: round, Role: role, Meetings: ptr(meetings), Usefulness: ptr(useful)}
}
