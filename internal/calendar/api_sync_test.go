package calendar

import (
	"testing"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestCadencesMatchTheAPI keeps the cadences spelled as the API's, so controllers convert with a
// plain type conversion, and checks Monthly keeps the weekday (every fourth week).
func TestCadencesMatchTheAPI(t *testing.T) {
	for _, c := range []struct {
		ours  Cadence
		api   mentoringv1alpha1.Cadence
		weeks int
	}{
		{Weekly, mentoringv1alpha1.CadenceWeekly, 1},
		{Biweekly, mentoringv1alpha1.CadenceBiweekly, 2},
		{Monthly, mentoringv1alpha1.CadenceMonthly, 4},
	} {
		if string(c.ours) != string(c.api) || Cadence(c.api).Weeks() != c.weeks {
			t.Errorf("cadence %q: the API says %q; %d weeks, want %d", c.ours, c.api, Cadence(c.api).Weeks(), c.weeks)
		}
	}
}
