package controllers_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// personalPairing is a pairing written by a person: no controller owner.
func personalPairing(name, programme, mentor, mentee string) *mentoringv1alpha1.Pairing {
	return &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.PairingSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme},
			MentorRef:    mentoringv1alpha1.LocalObjectReference{Name: mentor},
			MenteeRef:    mentoringv1alpha1.LocalObjectReference{Name: mentee},
		},
	}
}

func pairingReady(g Gomega, ns, name string) string {
	p := get(g, ns, name, &mentoringv1alpha1.Pairing{})
	g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation))
	return condition(p.Status.Conditions, "Ready")
}

func TestPairingReferencingMissingOrWrongParticipantsIsStalled(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)
	create(t, ns, programme("prog"), mentor("ada", "prog"), mentor("cy", "prog"), mentee("bob", "prog"),
		personalPairing("typo", "prog", "ada", "bobb"),
		personalPairing("two-mentors", "prog", "ada", "cy"),
		personalPairing("no-programme", "elsewhere", "ada", "bob"))

	g.Eventually(func(g Gomega) {
		g.Expect(pairingReady(g, ns, "typo")).To(Equal("Ready=False/ParticipantNotFound"))
		g.Expect(pairingReady(g, ns, "two-mentors")).To(Equal("Ready=False/WrongRole"))
		g.Expect(pairingReady(g, ns, "no-programme")).To(Equal("Ready=False/ProgrammeNotFound"))
		p := get(g, ns, "typo", &mentoringv1alpha1.Pairing{})
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/ParticipantNotFound"))
		g.Expect(conditionMessage(p.Status.Conditions, "Stalled")).To(ContainSubstring(`Participant "bobb" does not exist`))
	}).Should(Succeed())
}

func TestPairingStagesFollowApprovalAndSchedule(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	m := startManager(t, ns, december2026)
	manual := programme("cohort")
	manual.Spec.Matching.Approval = mentoringv1alpha1.ApprovalManual
	create(t, ns, manual, mentor("ada", "cohort"), mentee("bob", "cohort"), personalPairing("ada-bob", "cohort", "ada", "bob"))

	g.Eventually(func(g Gomega) {
		g.Expect(pairingReady(g, ns, "ada-bob")).To(Equal("Ready=True/AwaitingApproval"))
	}).Should(Succeed())

	pairing := get(g, ns, "ada-bob", &mentoringv1alpha1.Pairing{})
	patch := client.MergeFrom(pairing.DeepCopy())
	pairing.Spec.Approved = true
	g.Expect(env.Client.Patch(context.Background(), pairing, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(pairingReady(g, ns, "ada-bob")).To(Equal("Ready=True/Proposed"))
	}).Should(Succeed())

	m.clock.SetTime(time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC))
	nudge(t, get(g, ns, "ada-bob", &mentoringv1alpha1.Pairing{}))
	g.Eventually(func(g Gomega) {
		g.Expect(pairingReady(g, ns, "ada-bob")).To(Equal("Ready=True/Active"))
	}).Should(Succeed())
}
