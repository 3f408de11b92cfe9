package argocd

import (
	"os"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	v1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// condition builds a condition as the controllers write it, for the object's current generation.
func condition(conditionType string, status metav1.ConditionStatus, reason, message string) metav1.Condition {
	return metav1.Condition{Type: conditionType, Status: status, Reason: reason, Message: message,
		LastTransitionTime: metav1.Now()}
}

// live turns a typed object into the map that Argo CD and the controllers' tests see: the output of
// runtime.DefaultUnstructuredConverter, with int64 numbers and RFC 3339 times.
func live(t *testing.T, obj runtime.Object) map[string]any {
	t.Helper()
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func programme(generation, observed int64, conditions ...metav1.Condition) *v1.Programme {
	p := &v1.Programme{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1.GroupVersion.String(), Kind: "Programme"},
		ObjectMeta: metav1.ObjectMeta{Name: "digital-leaders", Namespace: "mentoring", Generation: generation},
		Status:     v1.ProgrammeStatus{ObservedGeneration: observed, Conditions: conditions, Participants: 24, Pairings: 11},
	}
	for i := range p.Status.Conditions {
		p.Status.Conditions[i].ObservedGeneration = observed
	}
	return p
}

func participant(generation, observed int64, conditions ...metav1.Condition) *v1.Participant {
	p := &v1.Participant{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1.GroupVersion.String(), Kind: "Participant"},
		ObjectMeta: metav1.ObjectMeta{Name: "e1042", Namespace: "mentoring", Generation: generation},
		Status:     v1.ParticipantStatus{ObservedGeneration: observed, Conditions: conditions},
	}
	for i := range p.Status.Conditions {
		p.Status.Conditions[i].ObservedGeneration = observed
	}
	return p
}

func pairing(generation, observed int64, conditions ...metav1.Condition) *v1.Pairing {
	score := int32(82)
	p := &v1.Pairing{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1.GroupVersion.String(), Kind: "Pairing"},
		ObjectMeta: metav1.ObjectMeta{Name: "e1042-e0007", Namespace: "mentoring", Generation: generation},
		Status:     v1.PairingStatus{ObservedGeneration: observed, Conditions: conditions, Score: &score},
	}
	for i := range p.Status.Conditions {
		p.Status.Conditions[i].ObservedGeneration = observed
	}
	return p
}

func TestHealth(t *testing.T) {
	const (
		yes     = metav1.ConditionTrue
		no      = metav1.ConditionFalse
		unknown = metav1.ConditionUnknown
	)
	tests := []struct {
		name        string
		obj         map[string]any
		wantStatus  string
		wantMessage string
	}{
		{
			name: "programme never reconciled: no status at all",
			obj: map[string]any{"apiVersion": v1.GroupVersion.String(), "kind": "Programme",
				"metadata": map[string]any{"name": "new", "generation": int64(1)}},
			wantStatus: "Progressing", wantMessage: "Waiting for the operator to act on the latest spec",
		},
		{
			name:       "programme just created: the observedGeneration -1 default",
			obj:        live(t, programme(1, -1)),
			wantStatus: "Progressing", wantMessage: "Waiting for the operator to act on the latest spec",
		},
		{
			name: "programme enrolling",
			obj: live(t, programme(2, 2,
				condition(v1.ReadyCondition, yes, v1.ReasonEnrolling, "Programme is enrolling: 11 of 12 mentees are paired."),
				condition(v1.MatchedCondition, yes, v1.ReasonSucceeded, "Matched 11 of 12 mentees."),
				condition(v1.IntegrationsReadyCondition, yes, v1.ReasonNotConfigured, "No integrations are configured."))),
			wantStatus: "Healthy", wantMessage: "Programme is enrolling: 11 of 12 mentees are paired.",
		},
		{
			name: "programme completed",
			obj: live(t, programme(4, 4,
				condition(v1.ReadyCondition, yes, v1.ReasonCompleted, "Programme has ended."))),
			wantStatus: "Healthy", wantMessage: "Programme has ended.",
		},
		{
			name: "programme spec changed since the last pass, old Ready still True",
			obj: live(t, programme(3, 2,
				condition(v1.ReadyCondition, yes, v1.ReasonRunning, "Programme is running."))),
			wantStatus: "Progressing", wantMessage: "Waiting for the operator to act on the latest spec",
		},
		{
			name: "programme reconciled but no Ready condition",
			obj: live(t, programme(1, 1,
				condition(v1.MatchedCondition, yes, v1.ReasonSucceeded, "Matched 3 of 3 mentees."))),
			wantStatus: "Progressing", wantMessage: "Waiting for the operator to act on the latest spec",
		},
		{
			name: "programme reconciling",
			obj: live(t, programme(2, 2,
				condition(v1.ReconcilingCondition, yes, v1.ReasonProgressing, "Programme is matching 12 mentees."),
				condition(v1.ReadyCondition, unknown, v1.ReasonProgressing, "Programme is matching 12 mentees."))),
			wantStatus: "Progressing", wantMessage: "Programme is matching 12 mentees.",
		},
		{
			name: "programme suspended",
			obj: live(t, programme(5, 5,
				condition(v1.ReadyCondition, yes, v1.ReasonSuspended, "Programme is suspended: set spec.suspend to false to resume."))),
			wantStatus: "Suspended", wantMessage: "Programme is suspended: set spec.suspend to false to resume.",
		},
		{
			name: "programme stalled on an invalid spec",
			obj: live(t, programme(2, 2,
				condition(v1.StalledCondition, yes, v1.ReasonInvalidSpec, "Programme spec.schedule.timeZone names no known time zone: fix it."),
				condition(v1.ReadyCondition, no, v1.ReasonInvalidSpec, "Programme spec is invalid."))),
			wantStatus: "Degraded", wantMessage: "Programme spec.schedule.timeZone names no known time zone: fix it.",
		},
		{
			name: "programme whose calendar refuses the credentials",
			obj: live(t, programme(2, 2,
				condition(v1.ReadyCondition, no, v1.ReasonAuthenticationFailed, "Programme calendar refused the credentials in Secret caldav: update them."),
				condition(v1.IntegrationsReadyCondition, no, v1.ReasonAuthenticationFailed, "CalDAV server answered 401."))),
			wantStatus: "Degraded", wantMessage: "Programme calendar refused the credentials in Secret caldav: update them.",
		},
		{
			name: "programme Ready Unknown",
			obj: live(t, programme(2, 2,
				condition(v1.ReadyCondition, unknown, v1.ReasonProgressing, "Programme is being checked."))),
			wantStatus: "Progressing", wantMessage: "Programme is being checked.",
		},
		{
			name: "participant paired",
			obj: live(t, participant(1, 1,
				condition(v1.ReadyCondition, yes, v1.ReasonSucceeded, "Participant is enrolled."),
				condition(v1.EligibleCondition, yes, v1.ReasonEligible, "Participant can be matched."),
				condition(v1.MatchedCondition, yes, v1.ReasonPaired, "Participant has a pairing."))),
			wantStatus: "Healthy", wantMessage: "Participant is enrolled.",
		},
		{
			name: "participant unpaired is still healthy",
			obj: live(t, participant(1, 1,
				condition(v1.ReadyCondition, yes, v1.ReasonSucceeded, "Participant is enrolled."),
				condition(v1.EligibleCondition, yes, v1.ReasonEligible, "Participant can be matched."),
				condition(v1.MatchedCondition, no, "NoSharedTopic", "No mentor covers the participant's goals."))),
			wantStatus: "Healthy", wantMessage: "Participant is enrolled.",
		},
		{
			name: "participant not eligible is still healthy",
			obj: live(t, participant(2, 2,
				condition(v1.ReadyCondition, yes, v1.ReasonSucceeded, "Participant is enrolled."),
				condition(v1.EligibleCondition, no, v1.ReasonEnrolmentClosed, "Participant joined after the enrolment deadline."))),
			wantStatus: "Healthy", wantMessage: "Participant is enrolled.",
		},
		{
			name: "participant whose programme does not exist",
			obj: live(t, participant(1, 1,
				condition(v1.StalledCondition, yes, v1.ReasonProgrammeNotFound, `Programme "digital-leaderz" does not exist: fix spec.programmeRef.`),
				condition(v1.ReadyCondition, no, v1.ReasonProgrammeNotFound, `Programme "digital-leaderz" does not exist.`))),
			wantStatus: "Degraded", wantMessage: `Programme "digital-leaderz" does not exist: fix spec.programmeRef.`,
		},
		{
			name: "participant with an unknown time zone",
			obj: live(t, participant(3, 3,
				condition(v1.ReadyCondition, no, v1.ReasonUnknownTimeZone, "Participant spec.timezone Europe/Atlantis is no IANA time zone."))),
			wantStatus: "Degraded", wantMessage: "Participant spec.timezone Europe/Atlantis is no IANA time zone.",
		},
		{
			name:       "participant just created",
			obj:        live(t, participant(1, -1)),
			wantStatus: "Progressing", wantMessage: "Waiting for the operator to act on the latest spec",
		},
		{
			name: "pairing active",
			obj: live(t, pairing(1, 1,
				condition(v1.ReadyCondition, yes, v1.ReasonActive, "Pairing is active; next meeting Tue 2027-01-12 10:00 UTC."),
				condition(v1.ConstraintsMetCondition, yes, v1.ReasonConstraintsMet, "Pair satisfies every hard constraint."),
				condition(v1.CalendarSyncedCondition, yes, v1.ReasonSynced, "Meeting series is in the calendar."),
				condition(v1.NotifiedCondition, yes, v1.ReasonDelivered, "Every webhook received its events."))),
			wantStatus: "Healthy", wantMessage: "Pairing is active; next meeting Tue 2027-01-12 10:00 UTC.",
		},
		{
			name: "pairing awaiting approval",
			obj: live(t, pairing(1, 1,
				condition(v1.ReadyCondition, yes, v1.ReasonAwaitingApproval, "Pairing waits for spec.approved."))),
			wantStatus: "Healthy", wantMessage: "Pairing waits for spec.approved.",
		},
		{
			name: "pairing naming a missing participant",
			obj: live(t, pairing(1, 1,
				condition(v1.StalledCondition, yes, v1.ReasonParticipantNotFound, `Participant "bobb" does not exist: fix spec.menteeRef.`),
				condition(v1.ReadyCondition, no, v1.ReasonParticipantNotFound, `Participant "bobb" does not exist.`))),
			wantStatus: "Degraded", wantMessage: `Participant "bobb" does not exist: fix spec.menteeRef.`,
		},
		{
			name: "pairing whose calendar sync fails",
			obj: live(t, pairing(2, 2,
				condition(v1.ReadyCondition, no, v1.ReasonNoCommonSlot, "Pairing has no weekly slot that fits both people."),
				condition(v1.CalendarSyncedCondition, no, v1.ReasonNoCommonSlot, "No common slot."))),
			wantStatus: "Degraded", wantMessage: "Pairing has no weekly slot that fits both people.",
		},
		{
			name: "pairing reconciling",
			obj: live(t, pairing(2, 2,
				condition(v1.ReconcilingCondition, yes, v1.ReasonProgressing, "Pairing is booking its meetings."),
				condition(v1.ReadyCondition, unknown, v1.ReasonProgressing, "Pairing is booking its meetings."))),
			wantStatus: "Progressing", wantMessage: "Pairing is booking its meetings.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, message, err := Health(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus || message != tt.wantMessage {
				t.Errorf("Health() = %q, %q; want %q, %q", status, message, tt.wantStatus, tt.wantMessage)
			}
		})
	}
}

func TestHealthRejectsOtherObjects(t *testing.T) {
	for _, obj := range []map[string]any{
		{"apiVersion": "apps/v1", "kind": "Deployment"},
		{"apiVersion": v1.GroupVersion.String(), "kind": "Mentor"},
		{"kind": "Programme"},
	} {
		if status, _, err := Health(obj); err == nil {
			t.Errorf("Health(%v) = %q, want an error", obj, status)
		}
	}
}

// TestReadmeHasTheScript keeps the argocd-cm snippet in README.md equal to the script.
func TestReadmeHasTheScript(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	entry := "  resource.customizations.health." + Group + "_*: |\n" +
		"    " + strings.ReplaceAll(strings.TrimSuffix(Script, "\n"), "\n", "\n    ") + "\n"
	if !strings.Contains(string(readme), entry) {
		t.Error("README.md lacks the argocd-cm entry, or it differs from health.lua")
	}
}
