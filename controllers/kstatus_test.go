package controllers_test

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	objstatus "github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/hack/argocd"
)

// TestKstatusNeverLies drives objects of every kind into every terminal state the controllers produce,
// then runs kstatus (the library behind kubectl wait, Flux and cli-utils) and the Argo CD health check
// over each: a settled object must be Current and Healthy (Suspended, for a suspended programme) when it
// is fine, and Failed and Degraded exactly when it says Stalled, never in progress.
func TestKstatusNeverLies(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	startManager(t, ns, december2026)

	manual := programme("manual")
	manual.Spec.Matching.Approval = mentoringv1alpha1.ApprovalManual
	suspended := programme("suspended")
	suspended.Spec.Suspend = true
	missingSecret := programme("missing-secret")
	missingSecret.Spec.Integrations = &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{{
		Name: "chat", Format: mentoringv1alpha1.WebhookSlack, URLSecretRef: mentoringv1alpha1.SecretKeyReference{Name: "absent"},
	}}}
	unknownZone := mentor("atlantis", "prog")
	unknownZone.Spec.Timezone = "Atlantis/Lost_City"
	lonely := mentee("lonely", "prog")
	lonely.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "inclusion", Priority: 2}}
	create(t, ns, programme("prog"), manual, suspended, missingSecret,
		mentor("ada", "prog"), mentee("bob", "prog"), unknownZone, lonely, mentor("orphan", "nowhere"),
		mentor("cy", "manual"), mentee("dee", "manual"),
		personalPairing("typo", "prog", "ada", "nobody"))

	// A programme past its end, whose pairing completed.
	past := newNamespace(t)
	startManager(t, past, july2027)
	create(t, past, programme("prog"), mentor("ada", "prog"), mentee("bob", "prog"), personalPairing("done", "prog", "ada", "bob"))
	namespaces := []string{ns, past}

	// Every object settles: observedGeneration caught up and no Reconciling condition.
	g.Eventually(func(g Gomega) {
		g.Expect(get(g, past, "done", &mentoringv1alpha1.Pairing{}).Status.Ended).NotTo(BeNil())
		for _, obj := range allObjects(g, namespaces...) {
			u := toUnstructured(g, obj)
			observed, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
			g.Expect(observed).To(Equal(obj.GetGeneration()), "%T %s not reconciled", obj, obj.GetName())
			g.Expect(meta.FindStatusCondition(objstatus.ConditionsOf(obj), "Reconciling")).To(BeNil(), "%T %s still reconciling", obj, obj.GetName())
		}
		g.Expect(len(listPairings(g, ns))).To(BeNumerically(">=", 3))
	}).Should(Succeed())

	seen := map[status.Status]int{}
	for _, obj := range allObjects(g, namespaces...) {
		result, err := status.Compute(toUnstructured(g, obj))
		g.Expect(err).NotTo(HaveOccurred())
		stalled := meta.IsStatusConditionTrue(objstatus.ConditionsOf(obj), "Stalled")
		ready := meta.IsStatusConditionTrue(objstatus.ConditionsOf(obj), "Ready")
		health, _, err := argocd.Health(withKind(g, obj))
		g.Expect(err).NotTo(HaveOccurred())
		switch {
		case stalled:
			g.Expect(result.Status).To(Equal(status.FailedStatus), "%T %s says Stalled", obj, obj.GetName())
			g.Expect(health).To(Equal("Degraded"), "%T %s says Stalled", obj, obj.GetName())
		case ready:
			g.Expect(result.Status).To(Equal(status.CurrentStatus), "%T %s says Ready", obj, obj.GetName())
			g.Expect(health).To(BeElementOf("Healthy", "Suspended"), "%T %s says Ready", obj, obj.GetName())
		default:
			t.Errorf("%T %s settled neither Ready nor Stalled: %v", obj, obj.GetName(), objstatus.ConditionsOf(obj))
		}
		seen[result.Status]++
	}
	t.Logf("kstatus over %d objects: %v", len(allObjects(g, namespaces...)), seen)
	g.Expect(seen[status.CurrentStatus]).To(BeNumerically(">=", 8))
	g.Expect(seen[status.FailedStatus]).To(BeNumerically(">=", 4), "missing secret, unknown zone, orphan, typo")
}

// allObjects lists the programmes, participants and pairings of the namespaces.
func allObjects(g Gomega, namespaces ...string) []client.Object {
	var objs []client.Object
	for _, ns := range namespaces {
		var programmes mentoringv1alpha1.ProgrammeList
		var participants mentoringv1alpha1.ParticipantList
		g.Expect(env.Client.List(context.Background(), &programmes, client.InNamespace(ns))).To(Succeed())
		g.Expect(env.Client.List(context.Background(), &participants, client.InNamespace(ns))).To(Succeed())
		for i := range programmes.Items {
			objs = append(objs, &programmes.Items[i])
		}
		for i := range participants.Items {
			objs = append(objs, &participants.Items[i])
		}
		pairings := listPairings(g, ns)
		for i := range pairings {
			objs = append(objs, &pairings[i])
		}
	}
	return objs
}

// withKind is the object as Argo CD sees it: with its apiVersion and kind.
func withKind(g Gomega, obj client.Object) map[string]any {
	gvks, _, err := env.Client.Scheme().ObjectKinds(obj)
	g.Expect(err).NotTo(HaveOccurred())
	u := toUnstructured(g, obj)
	u.SetGroupVersionKind(gvks[0])
	return u.Object
}

func toUnstructured(g Gomega, obj client.Object) *unstructured.Unstructured {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	g.Expect(err).NotTo(HaveOccurred())
	return &unstructured.Unstructured{Object: content}
}
