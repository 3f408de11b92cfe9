package programme

import (
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
)

// A pass expects the status it writes to show in the cache as statusWrite fingerprints it: the same
// after the API server's round trip, which keeps times to the second, and different for any change.
func TestStatusWriteIsTheStatusAsTheCacheShowsIt(t *testing.T) {
	desired := &mentoringv1alpha1.ParticipantStatus{ObservedGeneration: 3, ActivePairings: 1, Pairings: []string{"p-1"}}
	conditions := status.NewConditions(&desired.Conditions, 3)
	conditions.Set(mentoringv1alpha1.MatchedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonPaired, "Participant has 1 active pairings.")
	conditions.Ready(mentoringv1alpha1.ReasonSucceeded, "Participant is enrolled.")
	if desired.Conditions[0].LastTransitionTime.Nanosecond() == 0 {
		desired.Conditions[0].LastTransitionTime = metav1.NewTime(desired.Conditions[0].LastTransitionTime.Add(time.Millisecond))
	}
	encoded, err := json.Marshal(desired)
	if err != nil {
		t.Fatal(err)
	}
	cached := &mentoringv1alpha1.ParticipantStatus{}
	if err := json.Unmarshal(encoded, cached); err != nil {
		t.Fatal(err)
	}
	if statusWrite("ada", desired) != statusWrite("ada", cached) {
		t.Fatal("the status written and the same status read back from the API server differ")
	}
	for name, change := range map[string]func(*mentoringv1alpha1.ParticipantStatus){
		"generation": func(s *mentoringv1alpha1.ParticipantStatus) { s.ObservedGeneration++ },
		"pairings":   func(s *mentoringv1alpha1.ParticipantStatus) { s.Pairings = []string{"p-2"} },
		"condition": func(s *mentoringv1alpha1.ParticipantStatus) {
			s.Conditions[0].Message = "Participant has 2 active pairings."
		},
	} {
		changed := cached.DeepCopy()
		change(changed)
		if statusWrite("ada", changed) == statusWrite("ada", cached) {
			t.Errorf("a status with another %s counts as the one written", name)
		}
	}
	if statusWrite("ada", cached) == statusWrite("grace", cached) {
		t.Error("the same status of two participants counts as one write")
	}
}
