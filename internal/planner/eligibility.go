package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Verdict says whether a participant can be matched, and why not.
type Verdict struct {
	// Eligible is true when the matcher may pair the participant.
	Eligible bool
	// Reason is a CamelCase condition reason.
	Reason string
	// Message is one sentence that names what to do, without personal data.
	Message string
	// NeedsFix is true when only a change by a person makes the participant eligible: the condition
	// becomes Stalled.
	NeedsFix bool
}

// Eligibility is the one rule, shared by the matcher and the Participant controller, for whether a
// participant can be matched at now: not paused, a known time zone, a profile complete for the role
// within the programme's topics, and paired before enrolment closed (after the deadline nobody gets a
// first pairing; participants who had one stay eligible). After the programme's end the reason is that
// it completed.
func Eligibility(programme *mentoringv1alpha1.Programme, p *mentoringv1alpha1.Participant, hadPairing bool, now time.Time) Verdict {
	if _, err := zones.Load(string(p.Spec.Timezone)); err != nil {
		return Verdict{Reason: mentoringv1alpha1.ReasonUnknownTimeZone, NeedsFix: true,
			Message: fmt.Sprintf("Time zone %q is not a known IANA time zone: set spec.timezone to a name such as Europe/London.", p.Spec.Timezone)}
	}
	if missing := missingProfile(programme, p); missing != "" {
		return Verdict{Reason: mentoringv1alpha1.ReasonProfileIncomplete, NeedsFix: true,
			Message: fmt.Sprintf("Profile is incomplete for a %s: %s.", strings.ToLower(string(p.Spec.Role)), missing)}
	}
	if p.Spec.Paused {
		return Verdict{Reason: mentoringv1alpha1.ReasonPaused,
			Message: "Participant is paused: set spec.paused to false to be matched again."}
	}
	timeline, err := TimelineOf(programme)
	if err != nil {
		return Verdict{Reason: mentoringv1alpha1.ReasonInvalidSpec, NeedsFix: true, Message: "The programme's schedule is invalid: " + err.Error()}
	}
	if !hadPairing && timeline.Ended(now) {
		return Verdict{Reason: completed(programme).Reason, Message: completed(programme).Message}
	}
	if !hadPairing && !timeline.Enrolling(now) {
		return Verdict{Reason: mentoringv1alpha1.ReasonEnrolmentClosed,
			Message: fmt.Sprintf("Enrolment closed on %s before this participant was paired; join the programme's next cohort.", enrolmentEnd(programme))}
	}
	return Verdict{Eligible: true, Reason: mentoringv1alpha1.ReasonEligible, Message: "Participant can be matched."}
}

// completed is why nobody is matched once the programme has ended.
func completed(programme *mentoringv1alpha1.Programme) *matching.Reason {
	return &matching.Reason{Reason: mentoringv1alpha1.ReasonCompleted,
		Message: fmt.Sprintf("The programme completed on %s: it makes no more pairings.", programme.Spec.Schedule.End)}
}

// enrolmentEnd is the last day of enrolment: the deadline, or the programme's end without one.
func enrolmentEnd(programme *mentoringv1alpha1.Programme) mentoringv1alpha1.Date {
	if d := programme.Spec.Schedule.EnrolmentDeadline; d != "" {
		return d
	}
	return programme.Spec.Schedule.End
}

// missingProfile names what the role needs and the profile lacks, or returns "".
func missingProfile(programme *mentoringv1alpha1.Programme, p *mentoringv1alpha1.Participant) string {
	topics := strings.Join(topicNames(programme.Spec.Topics), ", ")
	if len(p.Spec.Availability) == 0 {
		return "add at least one weekly window to spec.availability"
	}
	if p.Spec.Role == mentoringv1alpha1.RoleMentor && !offersAny(p.Spec.Expertise, programme.Spec.Topics) {
		return "add expertise in at least one of the programme's topics (" + topics + ") to spec.expertise"
	}
	if p.Spec.Role == mentoringv1alpha1.RoleMentee && !seeksAny(p.Spec.Goals, programme.Spec.Topics) {
		return "add a goal in at least one of the programme's topics (" + topics + ") to spec.goals"
	}
	return ""
}

func topicNames(topics []mentoringv1alpha1.Topic) []string {
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = string(t)
	}
	return names
}

func offersAny(expertise []mentoringv1alpha1.TopicExpertise, topics []mentoringv1alpha1.Topic) bool {
	for _, e := range expertise {
		if slices.Contains(topics, e.Topic) {
			return true
		}
	}
	return false
}

func seeksAny(goals []mentoringv1alpha1.TopicGoal, topics []mentoringv1alpha1.Topic) bool {
	for _, g := range goals {
		if slices.Contains(topics, g.Topic) {
			return true
		}
	}
	return false
}
