package controllers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// TestReadyMeansMatched applies a Programme and 1,000 Participants as `kubectl apply` does (one request
// each, in file order), then joins, removes and edits one participant at a time in the settled
// programme. After each change it polls the Programme every 50 ms, as a GitOps tool's health check
// would, until the programme has settled, and checks that whenever the Programme reads Ready=True the
// pairings the plan gives exist (the operator's own planner, run on what the API server holds at that
// moment, would create and end nothing), every participant's spec has been accounted for, and
// status.observedMembers counts the members there are.
//
// One allowance: the first poll after a change may still show the status the programme had before it,
// since the change may not have reached the controller's watch yet; the status then says which members
// it accounts for, and they are the members from before the change.
//
// On the code before this test was written, the bulk apply read Ready=True (Upcoming) with no pairing
// 1–2 s after the last create, and every single change read Ready=True for the quiet second before
// its pass.
func TestReadyMeansMatched(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	m := startManager(t, ns, december2026)
	people := cohort("prog", 400, 600)
	create(t, ns, programme("prog"))
	create(t, ns, objects(people)...)
	last := people[len(people)-1]
	watchReady(t, m, ns, nil, func(g Gomega) {
		g.Expect(m.client.Get(context.Background(), client.ObjectKeyFromObject(last), &mentoringv1alpha1.Participant{})).To(Succeed())
	})
	programmeReady(t, ns, "prog")

	// One join: a mentee whom a mentor with spare capacity can take.
	before := get(g, ns, "prog", &mentoringv1alpha1.Programme{}).Status.ObservedMembers
	joiner := mentee("joiner", "prog")
	create(t, ns, joiner)
	watchReady(t, m, ns, before, func(g Gomega) {
		g.Expect(m.client.Get(context.Background(), client.ObjectKeyFromObject(joiner), &mentoringv1alpha1.Participant{})).To(Succeed())
	})

	// One leave: a paired mentor; the pairing ends and the mentee is matched again if anyone fits.
	before = get(g, ns, "prog", &mentoringv1alpha1.Programme{}).Status.ObservedMembers
	leaving := active(listPairings(g, ns))[0].Spec.MentorRef.Name
	g.Expect(env.Client.Delete(context.Background(), get(g, ns, leaving, &mentoringv1alpha1.Participant{}))).To(Succeed())
	watchReady(t, m, ns, before, func(g Gomega) {
		err := m.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: leaving}, &mentoringv1alpha1.Participant{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	})

	// One edit: a paired mentee changes how much they want to learn.
	before = get(g, ns, "prog", &mentoringv1alpha1.Programme{}).Status.ObservedMembers
	edited := get(g, ns, active(listPairings(g, ns))[0].Spec.MenteeRef.Name, &mentoringv1alpha1.Participant{})
	edited.Spec.Goals[0].Priority = edited.Spec.Goals[0].Priority%5 + 1
	g.Expect(env.Client.Update(context.Background(), edited)).To(Succeed())
	watchReady(t, m, ns, before, func(g Gomega) {
		cached := &mentoringv1alpha1.Participant{}
		g.Expect(m.client.Get(context.Background(), client.ObjectKeyFromObject(edited), cached)).To(Succeed())
		g.Expect(cached.Generation).To(Equal(edited.Generation))
	})
}

// watchReady waits until the manager's cache shows a change (seen), then polls the programme every
// 50 ms until it has settled, and fails the test for every poll that read Ready=True too early.
// before is what status.observedMembers said before the change, nil for a new programme.
func watchReady(t *testing.T, m *manager, ns string, before *mentoringv1alpha1.ObservedMembers, seen func(Gomega)) {
	t.Helper()
	g := NewWithT(t)
	g.Eventually(seen).WithPolling(5 * time.Millisecond).Should(Succeed())

	var (
		mu         sync.Mutex
		violations []string
		polls      int
	)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(50 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
			problem := tooEarly(ns, m.clock.Now(), before, polls == 0)
			mu.Lock()
			polls++
			if problem != "" {
				violations = append(violations, fmt.Sprintf("poll %d: %s", polls, problem))
			}
			mu.Unlock()
		}
	}()
	// Settled: Ready, every pairing reconciled, and the planner on what the API server holds changes
	// nothing.
	g.Eventually(func(g Gomega) {
		programmeReady(t, ns, "prog")
		g.Expect(tooEarly(ns, m.clock.Now(), nil, false)).To(BeEmpty())
	}).Should(Succeed())
	close(stop)
	<-done
	mu.Lock()
	defer mu.Unlock()
	g.Expect(polls).To(BeNumerically(">", 0))
	for _, v := range violations {
		t.Errorf("Ready=True before the programme matched its members: %s", v)
	}
}

// tooEarly reads the programme and its members and says what is wrong if the programme reads
// Ready=True although it has not matched them; "" when nothing is.
func tooEarly(ns string, now time.Time, before *mentoringv1alpha1.ObservedMembers, first bool) string {
	ctx := context.Background()
	programme := &mentoringv1alpha1.Programme{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "prog"}, programme); err != nil {
		return err.Error()
	}
	if !meta.IsStatusConditionTrue(programme.Status.Conditions, mentoringv1alpha1.ReadyCondition) {
		return ""
	}
	observed := programme.Status.ObservedMembers
	if first && before != nil && observed != nil && *observed == *before {
		return ""
	}
	var participants mentoringv1alpha1.ParticipantList
	var pairings mentoringv1alpha1.PairingList
	if err := env.Client.List(ctx, &participants, client.InNamespace(ns)); err != nil {
		return err.Error()
	}
	if err := env.Client.List(ctx, &pairings, client.InNamespace(ns)); err != nil {
		return err.Error()
	}
	if observed == nil || int(observed.Participants) != len(participants.Items) || int(observed.Pairings) != len(pairings.Items) {
		return fmt.Sprintf("observedMembers %+v, but there are %d participants and %d pairings", observed, len(participants.Items), len(pairings.Items))
	}
	for _, p := range participants.Items {
		if p.Status.ObservedGeneration != p.Generation {
			return fmt.Sprintf("participant %s at generation %d was accounted for at %d", p.Name, p.Generation, p.Status.ObservedGeneration)
		}
	}
	plan, err := planner.Plan(programme, participants.Items, pairings.Items, now)
	if err != nil {
		return err.Error()
	}
	if len(plan.Create) > 0 || len(plan.Ends) > 0 {
		return fmt.Sprintf("the plan still creates %d pairings and ends %d", len(plan.Create), len(plan.Ends))
	}
	return ""
}
