package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// attributeCohort is a cohort whose pairs a diversity goal helps decide: the goal prefers mentors of
// another generation (gen-x or gen-y).
func attributeCohort() []*mentoringv1alpha1.Participant {
	people := cohort("prog", 4, 4)
	for i, p := range people {
		p.Spec.ManagementChain, p.Spec.Capacity = nil, nil
		p.Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "generation", Value: fmt.Sprintf("gen-%c", "xy"[i%2])}}
	}
	return people
}

// TestAttributesFromASecretMatchAsInTheSpec runs the same programme twice: once with each person's
// generation in their spec, once in a Secret the Participant names. The pairings, their scores and
// breakdowns are the same; in the second namespace the values appear in nothing but the Secrets: no
// status, event, log line or metric. A participant whose Secret is missing is Stalled, says which
// Secret, and is held out of matching.
func TestAttributesFromASecretMatchAsInTheSpec(t *testing.T) {
	g := NewWithT(t)
	prog := func() *mentoringv1alpha1.Programme {
		p := programme("prog")
		p.Spec.Matching.Diversity = []mentoringv1alpha1.DiversityGoal{{Attribute: "generation", Prefer: mentoringv1alpha1.PreferDifferent, Weight: 50}}
		return p
	}
	inSpec := newNamespace(t)
	startManager(t, inSpec, december2026)
	people := attributeCohort()
	create(t, inSpec, append(objects(people), prog())...)

	inSecret := newNamespace(t)
	logs := &logBuffer{}
	startManagerAs(t, inSecret, december2026, managerSetup{logs: logs})
	people = attributeCohort()
	var objs []client.Object
	values := map[string]string{}
	for _, p := range people {
		values[p.Name] = p.Spec.Attributes[0].Value
		p.Spec.Attributes = nil
		p.Spec.AttributesSecretRef = &mentoringv1alpha1.LocalObjectReference{Name: p.Name + "-attributes"}
		objs = append(objs, p, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: p.Name + "-attributes"},
			StringData: map[string]string{"generation": values[p.Name]}})
	}
	lost := mentee("lost", "prog")
	lost.Spec.AttributesSecretRef = &mentoringv1alpha1.LocalObjectReference{Name: "missing-attributes"}
	create(t, inSecret, append(objs, lost, prog())...)

	described := func(ns string) []string {
		programmeReady(t, ns, "prog")
		var out []string
		for _, p := range active(listPairings(g, ns)) {
			out = append(out, fmt.Sprintf("%s>%s %d %v", p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name, *p.Status.Score, p.Status.ScoreBreakdown))
		}
		slices.Sort(out)
		return out
	}
	want := described(inSpec)
	g.Expect(strings.Join(want, "\n")).To(ContainSubstring("diversity:generation"), "the goal scores the pairs")
	g.Expect(described(inSecret)).To(Equal(want))

	g.Eventually(func(g Gomega) {
		p := get(g, inSecret, "lost", &mentoringv1alpha1.Participant{})
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/SecretNotFound"))
		g.Expect(conditionMessage(p.Status.Conditions, "Stalled")).To(ContainSubstring("missing-attributes"))
		g.Expect(p.Status.Pairings).To(BeEmpty())
	}).Should(Succeed())

	// Nowhere but the Secrets.
	var evs eventsv1.EventList
	g.Expect(env.Client.List(context.Background(), &evs, client.InNamespace(inSecret))).To(Succeed())
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	var labels []string
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetValue())
			}
		}
	}
	for name, secret := range values {
		for _, holder := range objectsHolding(g, inSecret, secret) {
			g.Expect(holder).To(HavePrefix("Secret "), "%s holds %s's generation", holder, name)
		}
		for _, e := range evs.Items {
			g.Expect(e.Note).NotTo(ContainSubstring(secret), "an event holds %s's generation", name)
		}
		for _, line := range logs.lines() {
			g.Expect(line).NotTo(ContainSubstring(secret), "a log line holds %s's generation", name)
		}
		g.Expect(labels).NotTo(ContainElement(ContainSubstring(secret)), "a metric label holds %s's generation", name)
	}
}
