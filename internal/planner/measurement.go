package planner

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Measurement: the API's spec.measurement, status.meeting and status.checkIns as internal/measure
// reads them, and its results back as the API writes them. The controllers and the page server both
// convert through here, so they read the same rounds from the same objects.

// MeasurementPolicy is the programme's spec.measurement, and false when the programme does not
// measure.
func MeasurementPolicy(programme *mentoringv1alpha1.Programme) (measure.Policy, bool) {
	m := programme.Spec.Measurement
	if m == nil {
		return measure.Policy{}, false
	}
	p := measure.Policy{
		Every:    int(cmp.Or(m.CheckIns.Every, 4)),
		Unit:     measure.Unit(cmp.Or(m.CheckIns.Unit, mentoringv1alpha1.CheckInWeeks)),
		Midpoint: deref(m.MidpointSurvey, true),
		End:      deref(m.EndSurvey, true),
		Comments: m.CommentsWebhook != "",
	}
	for _, q := range m.Questions {
		mq := measure.Question{Name: q.Name, Text: q.Text, Type: measure.Type(q.Type)}
		for _, k := range q.AskedIn {
			mq.In = append(mq.In, measure.Kind(k))
		}
		p.Questions = append(p.Questions, mq)
	}
	return p, true
}

// MeasureSchedule is what a pairing's rounds depend on: the programme's timeline, the meetings of the
// series in status.meeting, and the time the pairing ended, unless it ended with the programme.
func MeasureSchedule(pairing *mentoringv1alpha1.Pairing, timeline Timeline) measure.Schedule {
	s := measure.Schedule{Start: timeline.Start, End: timeline.End}
	if m := pairing.Status.Meeting; m != nil {
		s.Meetings = meetings(m, latestOf(timeline.Start, pairing.CreationTimestamp.Time))
		s.MeetingLength = time.Duration(m.DurationMinutes) * time.Minute
	}
	if e := pairing.Status.Ended; e != nil && e.Reason != mentoringv1alpha1.EndProgrammeCompleted {
		s.Ended = e.Time.Time
	}
	return s
}

var (
	intervalRule = regexp.MustCompile(`(?:^|;)INTERVAL=([0-9]+)`)
	untilRule    = regexp.MustCompile(`(?:^|;)UNTIL=([0-9]{8}T[0-9]{6}Z)`)
)

// meetings lists the series' meetings from the first not before from to the last, which the
// recurrence rule's UNTIL holds, stepping back on the wall clock of the series' zone. A series it
// cannot read has none.
func meetings(m *mentoringv1alpha1.MeetingStatus, from time.Time) []time.Time {
	zone, err := zones.Load(string(m.TimeZone))
	interval, until := intervalRule.FindStringSubmatch(m.RecurrenceRule), untilRule.FindStringSubmatch(m.RecurrenceRule)
	if err != nil || interval == nil || until == nil {
		return nil
	}
	weeks, err := strconv.Atoi(interval[1])
	last, parseErr := time.Parse("20060102T150405Z", until[1])
	if err != nil || parseErr != nil || weeks < 1 {
		return nil
	}
	local := last.In(zone)
	var out []time.Time
	for k := 0; len(out) <= 53*5; k++ {
		at := time.Date(local.Year(), local.Month(), local.Day()-7*weeks*k, local.Hour(), local.Minute(), 0, 0, zone)
		if at.Before(from) {
			break
		}
		out = append(out, at.UTC())
	}
	slices.Reverse(out)
	return out
}

func latestOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Responses are a pairing's status.checkIns as measure reads them.
func Responses(checkIns []mentoringv1alpha1.CheckIn) []measure.Response {
	out := make([]measure.Response, 0, len(checkIns))
	for _, c := range checkIns {
		r := measure.Response{Round: c.Round, Role: measure.Role(c.Role), Submitted: c.SubmittedTime.Time,
			Meetings: intPtr(c.Meetings), Usefulness: intPtr(c.Usefulness)}
		for _, t := range c.Topics {
			if r.Topics == nil {
				r.Topics = map[string]int{}
			}
			r.Topics[string(t.Topic)] = int(t.Rating)
		}
		for _, a := range c.Answers {
			if r.Answers == nil {
				r.Answers = map[string]int{}
			}
			r.Answers[a.Question] = int(a.Value)
		}
		out = append(out, r)
	}
	return out
}

// CheckIn is a response as status.checkIns keeps it: its time in whole seconds, its ratings sorted by
// name.
func CheckIn(r measure.Response) mentoringv1alpha1.CheckIn {
	c := mentoringv1alpha1.CheckIn{Round: r.Round, Role: mentoringv1alpha1.Role(r.Role),
		SubmittedTime: metav1.NewTime(r.Submitted.UTC().Truncate(time.Second)), Meetings: int32Ptr(r.Meetings), Usefulness: int32Ptr(r.Usefulness)}
	for _, topic := range sortedKeys(r.Topics) {
		c.Topics = append(c.Topics, mentoringv1alpha1.TopicRating{Topic: mentoringv1alpha1.Topic(topic), Rating: int32(r.Topics[topic])})
	}
	for _, q := range sortedKeys(r.Answers) {
		c.Answers = append(c.Answers, mentoringv1alpha1.Answer{Question: q, Value: int32(r.Answers[q])})
	}
	return c
}

// WithCheckIn is checkIns with c in place of the same person's earlier answers to the round, sorted by
// round and role.
func WithCheckIn(checkIns []mentoringv1alpha1.CheckIn, c mentoringv1alpha1.CheckIn) []mentoringv1alpha1.CheckIn {
	out := slices.DeleteFunc(slices.Clone(checkIns), func(old mentoringv1alpha1.CheckIn) bool {
		return old.Round == c.Round && old.Role == c.Role
	})
	out = append(out, c)
	slices.SortFunc(out, func(a, b mentoringv1alpha1.CheckIn) int {
		return cmp.Or(cmp.Compare(a.Round, b.Round), cmp.Compare(a.Role, b.Role))
	})
	return out
}

// HealthCondition is the Pairing's Healthy condition for a health: True when on track, Unknown when
// too early, False otherwise.
func HealthCondition(h measure.Health) (metav1.ConditionStatus, string, string) {
	switch h.State {
	case measure.OnTrack:
		return metav1.ConditionTrue, string(h.State), h.Message
	case measure.TooEarly:
		return metav1.ConditionUnknown, string(h.State), h.Message
	}
	return metav1.ConditionFalse, string(h.State), h.Message
}

// MeasurementSummary is a programme's summary as its status.measurement keeps it.
func MeasurementSummary(s measure.Summary) *mentoringv1alpha1.MeasurementSummary {
	out := &mentoringv1alpha1.MeasurementSummary{
		Responses: int32(s.Responses), ResponsesDue: int32(s.ResponsesDue), ResponseRatePercent: int32Ptr(s.ResponseRatePercent),
		MeetingsScheduled: int32Ptr(s.MeetingsScheduled), MeetingsHeld: int32Ptr(s.MeetingsHeld),
		UsefulnessMentors: mentoringv1alpha1.Rating(s.Usefulness[measure.Mentor]),
		UsefulnessMentees: mentoringv1alpha1.Rating(s.Usefulness[measure.Mentee]),
		PairingsByHealth: mentoringv1alpha1.PairingHealthCounts{
			OnTrack: int32(s.Health[measure.OnTrack]), NeedsAttention: int32(s.Health[measure.NeedsAttention]),
			Inactive: int32(s.Health[measure.Inactive]), TooEarly: int32(s.Health[measure.TooEarly]),
		},
	}
	for _, t := range s.Topics {
		out.Topics = append(out.Topics, mentoringv1alpha1.TopicOutcome{Topic: mentoringv1alpha1.Topic(t.Topic),
			Learned: mentoringv1alpha1.Rating(t.Learned), Taught: mentoringv1alpha1.Rating(t.Taught)})
	}
	for _, q := range s.Questions {
		out.Questions = append(out.Questions, mentoringv1alpha1.QuestionOutcome{Question: q.Question,
			Average: mentoringv1alpha1.Rating(q.Average), YesPercent: int32Ptr(q.YesPercent)})
	}
	return out
}

func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	i := int(*v)
	return &i
}

func int32Ptr(v *int) *int32 {
	if v == nil {
		return nil
	}
	i := int32(*v)
	return &i
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }
