package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

func pairing(stage string, ended *mentoringv1alpha1.PairingEnd, meeting bool) mentoringv1alpha1.Pairing {
	p := mentoringv1alpha1.Pairing{Status: mentoringv1alpha1.PairingStatus{Ended: ended,
		Conditions: []metav1.Condition{{Type: mentoringv1alpha1.ReadyCondition, Status: metav1.ConditionTrue, Reason: stage}}}}
	if meeting {
		p.Status.Meeting = &mentoringv1alpha1.MeetingStatus{Weekday: mentoringv1alpha1.Tuesday, Start: "10:00"}
	}
	return p
}

func TestRecordAndForget(t *testing.T) {
	programme := &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Namespace: "hr", Name: "spring"},
		Spec: mentoringv1alpha1.ProgrammeSpec{Schedule: mentoringv1alpha1.ProgrammeSchedule{
			Start: "2027-01-11", EnrolmentDeadline: "2027-02-26", End: "2027-12-17", TimeZone: "Europe/London"}},
		Status: mentoringv1alpha1.ProgrammeStatus{Mentors: 9, Mentees: 11, MatchRatePercent: 91, AverageScore: 84, TopicCoveragePercent: 82,
			Conditions: []metav1.Condition{
				{Type: mentoringv1alpha1.ReadyCondition, Status: metav1.ConditionFalse, Reason: "InvalidSpec"},
				{Type: mentoringv1alpha1.StalledCondition, Status: metav1.ConditionTrue, Reason: "InvalidSpec"},
			}},
	}
	pairings := []mentoringv1alpha1.Pairing{
		pairing(mentoringv1alpha1.ReasonActive, nil, true), pairing(mentoringv1alpha1.ReasonActive, nil, true),
		pairing(mentoringv1alpha1.ReasonAwaitingApproval, nil, false),
		pairing(mentoringv1alpha1.ReasonEnded, &mentoringv1alpha1.PairingEnd{Reason: mentoringv1alpha1.EndParticipantLeft}, true),
	}
	afterDeadline := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	Record(programme, pairings, afterDeadline)

	for _, tc := range []struct {
		name  string
		value float64
		want  float64
	}{
		{"mentors", testutil.ToFloat64(Participants.WithLabelValues("hr", "spring", "Mentor")), 9},
		{"mentees", testutil.ToFloat64(Participants.WithLabelValues("hr", "spring", "Mentee")), 11},
		{"active pairings", testutil.ToFloat64(Pairings.WithLabelValues("hr", "spring", "Active")), 2},
		{"pairings awaiting approval", testutil.ToFloat64(Pairings.WithLabelValues("hr", "spring", "AwaitingApproval")), 1},
		{"ended pairings", testutil.ToFloat64(Pairings.WithLabelValues("hr", "spring", "Ended")), 1},
		{"match ratio", testutil.ToFloat64(MatchedMenteesRatio.WithLabelValues("hr", "spring")), 0.91},
		{"average score", testutil.ToFloat64(AverageScore.WithLabelValues("hr", "spring")), 84},
		{"topic coverage", testutil.ToFloat64(TopicCoverageRatio.WithLabelValues("hr", "spring")), 0.82},
		{"meeting series of pairings that have not ended", testutil.ToFloat64(MeetingSeries.WithLabelValues("hr", "spring")), 2},
		{"stage Running after the deadline", testutil.ToFloat64(Stage.WithLabelValues("hr", "spring", "Running")), 1},
		{"stage Enrolling after the deadline", testutil.ToFloat64(Stage.WithLabelValues("hr", "spring", "Enrolling")), 0},
		{"Stalled", testutil.ToFloat64(Condition.WithLabelValues("hr", "spring", "Stalled")), 1},
		{"Ready", testutil.ToFloat64(Condition.WithLabelValues("hr", "spring", "Ready")), 0},
	} {
		if tc.value != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.value, tc.want)
		}
	}

	// A stage no pairing is in any more goes away.
	Record(programme, pairings[:2], afterDeadline)
	if n := testutil.CollectAndCount(Pairings); n != 1 {
		t.Errorf("after the awaiting and ended pairings went, %d pairing series remain, want 1 (Active)", n)
	}

	// Labels are bounded: a programme and one fixed set, never a person.
	bounded := map[string]bool{namespaceLabel: true, programmeLabel: true, roleLabel: true, stageLabel: true, typeLabel: true, healthLabel: true}
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if strings.HasPrefix(f.GetName(), "mentoring_") && !bounded[l.GetName()] {
					t.Errorf("%s has the label %s", f.GetName(), l.GetName())
				}
			}
		}
	}

	Forget(programme)
	families, err = ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if l.GetName() == programmeLabel && l.GetValue() == "spring" {
					t.Errorf("%s still has a series of the deleted programme", f.GetName())
				}
			}
		}
	}
}

// TestRecordMeasurement: a measured programme's figures become gauges; a figure status leaves out for a
// small group has no series, and a programme that stops measuring has none at all.
func TestRecordMeasurement(t *testing.T) {
	programme := &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Namespace: "hr", Name: "measured"},
		Status: mentoringv1alpha1.ProgrammeStatus{Measurement: &mentoringv1alpha1.MeasurementSummary{
			Responses: 18, ResponsesDue: 20, ResponseRatePercent: ptr.To[int32](90),
			MeetingsScheduled: ptr.To[int32](40), MeetingsHeld: ptr.To[int32](31), UsefulnessMentees: "4.2",
			PairingsByHealth: mentoringv1alpha1.PairingHealthCounts{OnTrack: 3, NeedsAttention: 1, TooEarly: 2},
		}}}
	Record(programme, nil, time.Now())
	for _, tc := range []struct {
		name        string
		value, want float64
	}{
		{"responses", testutil.ToFloat64(CheckInResponses.WithLabelValues("hr", "measured")), 18},
		{"responses due", testutil.ToFloat64(CheckInResponsesDue.WithLabelValues("hr", "measured")), 20},
		{"response ratio", testutil.ToFloat64(CheckInResponseRatio.WithLabelValues("hr", "measured")), 0.9},
		{"meetings scheduled", testutil.ToFloat64(MeetingsScheduled.WithLabelValues("hr", "measured")), 40},
		{"meetings held", testutil.ToFloat64(MeetingsHeld.WithLabelValues("hr", "measured")), 31},
		{"mentees' usefulness", testutil.ToFloat64(Usefulness.WithLabelValues("hr", "measured", "Mentee")), 4.2},
		{"pairings on track", testutil.ToFloat64(PairingHealth.WithLabelValues("hr", "measured", "OnTrack")), 3},
		{"pairings inactive", testutil.ToFloat64(PairingHealth.WithLabelValues("hr", "measured", "Inactive")), 0},
	} {
		if tc.value != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.value, tc.want)
		}
	}
	if n := testutil.CollectAndCount(Usefulness); n != 1 {
		t.Errorf("%d usefulness series, want the mentees' only: the mentors' figure is left out of status", n)
	}

	// Fewer than five people reported meetings now: status leaves the figures out, and so do the gauges.
	programme.Status.Measurement.MeetingsScheduled, programme.Status.Measurement.MeetingsHeld = nil, nil
	Record(programme, nil, time.Now())
	if n := testutil.CollectAndCount(MeetingsHeld) + testutil.CollectAndCount(MeetingsScheduled); n != 0 {
		t.Errorf("%d meetings series for figures status leaves out", n)
	}

	programme.Status.Measurement = nil
	Record(programme, nil, time.Now())
	for _, g := range measurementGauges {
		if n := testutil.CollectAndCount(g); n != 0 {
			t.Errorf("a programme that stopped measuring keeps %d series of a measurement gauge", n)
		}
	}
}
