package planner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// The API's defaults, applied here too, because the kubectl plugin reads manifests that no API server
// has defaulted.
const (
	defaultMeetingMinutes  = 45
	defaultMinSeniorityGap = 1
)

// Policy is the programme's matching policy with every default applied.
func Policy(programme *mentoringv1alpha1.Programme, timeline Timeline) matching.Policy {
	spec := programme.Spec
	m := spec.Matching
	policy := matching.Policy{
		Direction:              matching.Direction(or(string(spec.Direction), string(mentoringv1alpha1.DirectionReverse))),
		Objective:              matching.Objective(or(string(m.Objective), string(mentoringv1alpha1.MaxParticipation))),
		MaxMenteesPerMentor:    int(max(m.MaxMenteesPerMentor, 1)),
		MinSeniorityGap:        int(deref(m.MinSeniorityGap, defaultMinSeniorityGap)),
		ExcludeManagementChain: deref(m.ExcludeManagementChain, true),
		ExcludeSameDepartment:  m.ExcludeSameDepartment,
		AvoidPreviousPartners:  deref(m.AvoidPreviousPartners, true),
		MeetingMinutes:         MeetingMinutes(programme),
		Weights: matching.Weights{
			TopicFit:        int(deref(m.Weights.TopicFit, 60)),
			Availability:    int(deref(m.Weights.Availability, 20)),
			CrossDepartment: int(deref(m.Weights.CrossDepartment, 10)),
			SeniorityGap:    int(deref(m.Weights.SeniorityGap, 10)),
		},
		Start: timeline.Start,
		End:   timeline.End,
	}
	for _, t := range spec.Topics {
		policy.Topics = append(policy.Topics, string(t))
	}
	for _, d := range m.Diversity {
		policy.Diversity = append(policy.Diversity, matching.DiversityGoal{
			Attribute: d.Attribute, Prefer: matching.Preference(d.Prefer), Weight: int(d.Weight)})
	}
	return policy
}

// MeetingMinutes is the length of the programme's meetings.
func MeetingMinutes(programme *mentoringv1alpha1.Programme) int {
	if d := programme.Spec.Meetings.DurationMinutes; d > 0 {
		return int(d)
	}
	return defaultMeetingMinutes
}

// Participant is an API participant as the matcher sees it. The verdict of Eligibility decides whether
// they are paused or held out of new pairings.
func Participant(p *mentoringv1alpha1.Participant, verdict Verdict) matching.Participant {
	s := p.Spec
	out := matching.Participant{
		Name: p.Name, Role: matching.Role(s.Role), Seniority: int(s.Seniority), Department: s.Department,
		IDs: []string{string(s.Email)}, ManagementChain: s.ManagementChain,
		Expertise: map[string]int{}, Goals: map[string]int{}, Attributes: map[string]string{},
		Capacity: int(deref(s.Capacity, 1)), Paused: s.Paused,
	}
	if s.EmployeeID != "" {
		out.IDs = append(out.IDs, s.EmployeeID)
	}
	if zone, err := zones.Load(string(s.Timezone)); err == nil {
		out.Zone = zone
		out.Availability = Availability(s.Availability)
	}
	for _, e := range s.Expertise {
		out.Expertise[string(e.Topic)] = int(e.Level)
	}
	for _, g := range s.Goals {
		out.Goals[string(g.Topic)] = int(g.Priority)
	}
	for _, a := range s.Attributes {
		out.Attributes[a.Name] = a.Value
	}
	if !verdict.Eligible && !s.Paused {
		out.Hold = &matching.Reason{Reason: verdict.Reason, Message: verdict.Message}
	}
	return out
}

// Availability turns weekly windows into slots of the participant's week. Windows that do not parse
// (which admission prevents) contribute nothing.
func Availability(windows []mentoringv1alpha1.AvailabilityWindow) weekly.Set {
	var out []weekly.Window
	for _, w := range windows {
		start, errStart := minutes(w.Start)
		end, errEnd := minutes(w.End)
		if errStart != nil || errEnd != nil {
			continue
		}
		for _, d := range w.Days {
			if day, ok := weekdays[d]; ok {
				out = append(out, weekly.Window{Day: day, Start: start, End: end})
			}
		}
	}
	return weekly.FromWindows(out)
}

var weekdays = map[mentoringv1alpha1.Weekday]time.Weekday{
	mentoringv1alpha1.Monday: time.Monday, mentoringv1alpha1.Tuesday: time.Tuesday, mentoringv1alpha1.Wednesday: time.Wednesday,
	mentoringv1alpha1.Thursday: time.Thursday, mentoringv1alpha1.Friday: time.Friday, mentoringv1alpha1.Saturday: time.Saturday,
	mentoringv1alpha1.Sunday: time.Sunday,
}

// minutes reads "HH:MM" as minutes since midnight; "24:00" is the end of the day.
func minutes(clock string) (int, error) {
	hours, mins, found := strings.Cut(clock, ":")
	h, errH := strconv.Atoi(hours)
	m, errM := strconv.Atoi(mins)
	if !found || errH != nil || errM != nil || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("%q is not a time HH:MM", clock)
	}
	return h*60 + m, nil
}

// Pairing is an API pairing as the matcher sees it: ended, pinned by a person (no controller owner),
// or active.
func Pairing(p *mentoringv1alpha1.Pairing) matching.Pairing {
	state := matching.Active
	switch {
	case p.Status.Ended != nil:
		state = matching.Ended
	case metav1.GetControllerOf(p) == nil:
		state = matching.Pinned
	}
	return matching.Pairing{Name: p.Name, Mentor: p.Spec.MentorRef.Name, Mentee: p.Spec.MenteeRef.Name, State: state}
}

func or(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func deref[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}
