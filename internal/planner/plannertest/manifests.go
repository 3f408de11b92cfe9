// Package plannertest turns generated matching inputs into the API objects that describe them, for
// tests and benchmarks of the planner and of the kubectl plugin, and for hack/matching-benchmark's
// roster: planner.Input of the objects is the matching input again, so the plugin plans exactly the
// problem exported for SciPy.
package plannertest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// Manifests returns a programme named name and its participants for a matching input whose
// participants all have a zone, availability and a topic of the programme (as matchingtest.Generate's
// do), and whose policy's period starts and ends at midnight UTC. Pairings are not converted.
func Manifests(name string, in matching.Input) (*mentoringv1alpha1.Programme, []mentoringv1alpha1.Participant) {
	p := in.Policy
	ptr := func(n int) *int32 { v := int32(n); return &v }
	programme := &mentoringv1alpha1.Programme{
		TypeMeta:   metav1.TypeMeta{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Programme"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose:   "A generated programme.",
			Direction: mentoringv1alpha1.Direction(p.Direction),
			Schedule: mentoringv1alpha1.ProgrammeSchedule{Start: date(p.Start), End: date(p.End.AddDate(0, 0, -1)),
				TimeZone: "UTC"},
			Meetings: mentoringv1alpha1.MeetingPolicy{DurationMinutes: int32(p.MeetingMinutes)},
			Matching: mentoringv1alpha1.MatchingPolicy{
				Objective: mentoringv1alpha1.MatchingObjective(p.Objective), MaxMenteesPerMentor: int32(p.MaxMenteesPerMentor),
				MinSeniorityGap: ptr(p.MinSeniorityGap), ExcludeManagementChain: &p.ExcludeManagementChain,
				ExcludeSameDepartment: p.ExcludeSameDepartment, AvoidPreviousPartners: &p.AvoidPreviousPartners,
				Weights: mentoringv1alpha1.MatchingWeights{TopicFit: ptr(p.Weights.TopicFit), Availability: ptr(p.Weights.Availability),
					CrossDepartment: ptr(p.Weights.CrossDepartment), SeniorityGap: ptr(p.Weights.SeniorityGap)},
			},
		},
	}
	for _, t := range p.Topics {
		programme.Spec.Topics = append(programme.Spec.Topics, mentoringv1alpha1.Topic(t))
	}
	for _, d := range p.Diversity {
		programme.Spec.Matching.Diversity = append(programme.Spec.Matching.Diversity, mentoringv1alpha1.DiversityGoal{
			Attribute: d.Attribute, Prefer: mentoringv1alpha1.DiversityPreference(d.Prefer), Weight: int32(d.Weight)})
	}
	participants := make([]mentoringv1alpha1.Participant, len(in.Participants))
	for i, q := range in.Participants {
		participants[i] = Participant(name, q)
	}
	return programme, participants
}

// Participant is the API participant of a programme that a matching participant stands for.
func Participant(programme string, q matching.Participant) mentoringv1alpha1.Participant {
	out := mentoringv1alpha1.Participant{
		TypeMeta:   metav1.TypeMeta{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Participant"},
		ObjectMeta: metav1.ObjectMeta{Name: q.Name},
		Spec: mentoringv1alpha1.ParticipantSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme},
			Role:         mentoringv1alpha1.Role(q.Role), DisplayName: q.Name, Seniority: int32(q.Seniority),
			Department: q.Department, ManagementChain: q.ManagementChain, Paused: q.Paused,
			Availability: Windows(q.Availability),
		},
	}
	if len(q.IDs) > 0 {
		out.Spec.Email = mentoringv1alpha1.Email(q.IDs[0])
	}
	if len(q.IDs) > 1 {
		out.Spec.EmployeeID = q.IDs[1]
	}
	if q.Zone != nil {
		out.Spec.Timezone = mentoringv1alpha1.TimeZone(q.Zone.String())
	}
	if q.Role == matching.Mentor {
		capacity := int32(q.Capacity)
		out.Spec.Capacity = &capacity
	}
	for _, topic := range slices.Sorted(maps.Keys(q.Expertise)) {
		out.Spec.Expertise = append(out.Spec.Expertise, mentoringv1alpha1.TopicExpertise{Topic: mentoringv1alpha1.Topic(topic), Level: int32(q.Expertise[topic])})
	}
	for _, topic := range slices.Sorted(maps.Keys(q.Goals)) {
		out.Spec.Goals = append(out.Spec.Goals, mentoringv1alpha1.TopicGoal{Topic: mentoringv1alpha1.Topic(topic), Priority: int32(q.Goals[topic])})
	}
	for _, attribute := range slices.Sorted(maps.Keys(q.Attributes)) {
		out.Spec.Attributes = append(out.Spec.Attributes, mentoringv1alpha1.Attribute{Name: attribute, Value: q.Attributes[attribute]})
	}
	return out
}

// Windows are the weekly windows whose slots are s: one per run of slots within a day.
func Windows(s weekly.Set) []mentoringv1alpha1.AvailabilityWindow {
	var out []mentoringv1alpha1.AvailabilityWindow
	days := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	perDay := 24 * 60 / weekly.SlotMinutes
	for _, day := range days {
		first := weekly.SlotOfDay(day)
		for slot := 0; slot < perDay; slot++ {
			if !s.Has(first + slot) {
				continue
			}
			end := slot
			for end < perDay && s.Has(first+end) {
				end++
			}
			out = append(out, mentoringv1alpha1.AvailabilityWindow{Days: []mentoringv1alpha1.Weekday{mentoringv1alpha1.Weekday(day.String())},
				Start: clock(slot * weekly.SlotMinutes), End: clock(end * weekly.SlotMinutes)})
			slot = end
		}
	}
	return out
}

func clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

func date(t time.Time) mentoringv1alpha1.Date {
	return mentoringv1alpha1.Date(t.UTC().Format(time.DateOnly))
}

// Roster writes the manifests of Manifests as one YAML stream, without status, as a repository
// holds them.
func Roster(w io.Writer, name string, in matching.Input) error {
	programme, participants := Manifests(name, in)
	objects := []any{programme}
	for i := range participants {
		objects = append(objects, &participants[i])
	}
	for _, o := range objects {
		data, err := json.Marshal(o)
		if err != nil {
			return err
		}
		var fields map[string]any
		if err := json.Unmarshal(data, &fields); err != nil {
			return err
		}
		delete(fields, "status")
		doc, err := yaml.Marshal(fields)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "---\n%s", doc); err != nil {
			return err
		}
	}
	return nil
}
