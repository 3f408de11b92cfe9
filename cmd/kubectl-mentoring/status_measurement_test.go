package main

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestStatusShowsCheckIns: with measurement, status shows the response rate, the pairings by health
// and those needing attention with the reason.
func TestStatusShowsCheckIns(t *testing.T) {
	env, kubeconfig := cluster(t)
	ctx := context.Background()
	namespace := newNamespace(t, env)
	programme, _ := sampleParticipants(t)
	programme.Namespace = namespace
	programme.Spec.Measurement = &mentoringv1alpha1.Measurement{}
	if err := env.Client.Create(ctx, programme); err != nil {
		t.Fatal(err)
	}
	programme.Status = mentoringv1alpha1.ProgrammeStatus{Measurement: &mentoringv1alpha1.MeasurementSummary{
		Responses: 9, ResponsesDue: 10, ResponseRatePercent: ptr.To[int32](90),
		PairingsByHealth: mentoringv1alpha1.PairingHealthCounts{OnTrack: 3, NeedsAttention: 1, Inactive: 1},
	}}
	if err := env.Client.Status().Update(ctx, programme); err != nil {
		t.Fatal(err)
	}
	health := func(status metav1.ConditionStatus, reason, message string) mentoringv1alpha1.PairingStatus {
		return mentoringv1alpha1.PairingStatus{Conditions: []metav1.Condition{{Type: mentoringv1alpha1.HealthyCondition, Status: status,
			Reason: reason, Message: message, LastTransitionTime: *at(4, 9)}}}
	}
	createPairing(t, env, namespace, "dl-quiet", programme.Name, health(metav1.ConditionFalse, mentoringv1alpha1.ReasonNeedsAttention,
		"No meeting was reported in the last two check-ins."))
	createPairing(t, env, namespace, "dl-fine", programme.Name, health(metav1.ConditionTrue, mentoringv1alpha1.ReasonOnTrack, "The pair meets."))
	out := mustRun(t, "status", programme.Name, "-n", namespace, "--kubeconfig", kubeconfig)
	for _, want := range []string{
		"Check-ins:           9 of 10 due answered (90%); pairings: 3 OnTrack, 1 NeedsAttention, 1 Inactive, 0 TooEarly\n",
		"  dl-quiet   NeedsAttention   No meeting was reported in the last two check-ins.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "dl-fine") {
		t.Errorf("a pairing on track is listed as needing attention:\n%s", out)
	}
}
