package status

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SameConditions agrees with equality.Semantic on a change to each field of a condition, on the order,
// on a missing condition, and on nil against empty.
func TestSameConditionsAgreesWithSemanticEquality(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	base := []metav1.Condition{
		{Type: "Ready", Status: metav1.ConditionTrue, ObservedGeneration: 2, LastTransitionTime: at, Reason: "Succeeded", Message: "ok"},
		{Type: "Matched", Status: metav1.ConditionFalse, ObservedGeneration: 2, LastTransitionTime: at, Reason: "NoSharedTopic", Message: "no"},
	}
	changes := map[string]func([]metav1.Condition) []metav1.Condition{
		"nothing":    func(c []metav1.Condition) []metav1.Condition { return c },
		"type":       func(c []metav1.Condition) []metav1.Condition { c[0].Type = "Stalled"; return c },
		"status":     func(c []metav1.Condition) []metav1.Condition { c[0].Status = metav1.ConditionFalse; return c },
		"generation": func(c []metav1.Condition) []metav1.Condition { c[1].ObservedGeneration = 3; return c },
		"time": func(c []metav1.Condition) []metav1.Condition {
			c[1].LastTransitionTime = metav1.NewTime(at.Add(time.Second))
			return c
		},
		"same time": func(c []metav1.Condition) []metav1.Condition {
			c[1].LastTransitionTime = metav1.NewTime(at.In(time.FixedZone("x", 3600)))
			return c
		},
		"reason":      func(c []metav1.Condition) []metav1.Condition { c[1].Reason = "Paused"; return c },
		"message":     func(c []metav1.Condition) []metav1.Condition { c[1].Message = "other"; return c },
		"order":       func(c []metav1.Condition) []metav1.Condition { return []metav1.Condition{c[1], c[0]} },
		"one missing": func(c []metav1.Condition) []metav1.Condition { return c[:1] },
		"empty":       func(c []metav1.Condition) []metav1.Condition { return []metav1.Condition{} },
	}
	for name, change := range changes {
		changed := change(append([]metav1.Condition(nil), base...))
		if got, want := SameConditions(base, changed), equality.Semantic.DeepEqual(base, changed); got != want {
			t.Errorf("%s: SameConditions says %v, equality.Semantic %v", name, got, want)
		}
	}
	if !SameConditions(nil, []metav1.Condition{}) || !equality.Semantic.DeepEqual([]metav1.Condition(nil), []metav1.Condition{}) {
		t.Error("nil and empty conditions differ")
	}
}
