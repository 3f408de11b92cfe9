package controllers_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// december2026 is before the test programme starts; july2027 after it ended.
var (
	december2026 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	july2027     = time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
)

func TestParticipantWithoutProgrammeIsStalledUntilTheProgrammeExists(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	create(t, ns, mentor("ada", "later"))

	g.Eventually(func(g Gomega) {
		p := get(g, ns, "ada", &mentoringv1alpha1.Participant{})
		g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=False/ProgrammeNotFound"))
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/ProgrammeNotFound"))
		g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation))
	}).Should(Succeed())

	create(t, ns, programme("later"))
	g.Eventually(func(g Gomega) {
		p := get(g, ns, "ada", &mentoringv1alpha1.Participant{})
		g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Succeeded"))
		g.Expect(condition(p.Status.Conditions, "Eligible")).To(Equal("Eligible=True/Eligible"))
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled missing"))
	}).Should(Succeed())
}

func TestParticipantConditions(t *testing.T) {
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	create(t, ns, programme("prog"))

	noGoals := mentee("no-goals", "prog")
	noGoals.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "cooking", Priority: 3}}
	unknownZone := mentor("atlantis", "prog")
	unknownZone.Spec.Timezone = "Atlantis/Lost_City"
	paused := mentor("resting", "prog")
	paused.Spec.Paused = true
	create(t, ns, noGoals, unknownZone, paused, mentor("ready", "prog"))

	cases := map[string]struct{ ready, eligible, messagePart string }{
		"no-goals": {"Ready=False/ProfileIncomplete", "Eligible=False/ProfileIncomplete", "add a goal in at least one of the programme's topics (ai, inclusion)"},
		"atlantis": {"Ready=False/UnknownTimeZone", "Eligible=False/UnknownTimeZone", `"Atlantis/Lost_City" is not a known IANA time zone`},
		"resting":  {"Ready=True/Succeeded", "Eligible=False/Paused", "set spec.paused to false"},
		"ready":    {"Ready=True/Succeeded", "Eligible=True/Eligible", "can be matched"},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			NewWithT(t).Eventually(func(g Gomega) {
				p := get(g, ns, name, &mentoringv1alpha1.Participant{})
				g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal(want.ready))
				g.Expect(condition(p.Status.Conditions, "Eligible")).To(Equal(want.eligible))
				g.Expect(conditionMessage(p.Status.Conditions, "Eligible")).To(ContainSubstring(want.messagePart))
			}).Should(Succeed())
		})
	}
}
