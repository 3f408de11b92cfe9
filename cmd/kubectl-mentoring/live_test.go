package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestPlanLive runs `plan --live` against a real API server that holds the sample programme and the
// pairings its matcher made, as the operator writes them (owned by the Programme, labelled with it),
// and checks keep, create and end after a join, a leave and a policy change. Before, --live did not
// exist: the live pairings had to be piped in by hand.
func TestPlanLive(t *testing.T) {
	env, kubeconfig := cluster(t)
	ctx := context.Background()
	namespace := newNamespace(t, env)
	programme, participants := sampleParticipants(t)
	programme.Namespace = namespace
	if err := env.Client.Create(ctx, programme); err != nil {
		t.Fatal(err)
	}
	first := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	owner := metav1.NewControllerRef(programme, mentoringv1alpha1.GroupVersion.WithKind("Programme"))
	for _, p := range first.Pairings {
		pairing := &mentoringv1alpha1.Pairing{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: namespace, OwnerReferences: []metav1.OwnerReference{*owner},
				Labels: map[string]string{mentoringv1alpha1.ProgrammeLabel: programme.Name}},
			Spec: mentoringv1alpha1.PairingSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme.Name},
				MentorRef: mentoringv1alpha1.LocalObjectReference{Name: p.Mentor}, MenteeRef: mentoringv1alpha1.LocalObjectReference{Name: p.Mentee}},
		}
		for _, topic := range p.Topics {
			pairing.Spec.Topics = append(pairing.Spec.Topics, mentoringv1alpha1.Topic(topic))
		}
		if err := env.Client.Create(ctx, pairing); err != nil {
			t.Fatal(err)
		}
	}
	// Another programme's pairing in the namespace, which the plan must not take for this one's.
	createPairing(t, env, namespace, "elsewhere-00", "elsewhere", mentoringv1alpha1.PairingStatus{})

	docs := sampleDocuments(t)
	live := func(t *testing.T, files map[string]string) planView {
		t.Helper()
		return decodePlan(t, []byte(mustRun(t, "plan", "-f", writeFiles(t, files), "--live", "-n", namespace,
			"--kubeconfig", kubeconfig, "-o", "json", "--at", beforeEnrolmentCloses)))
	}
	// manifests are the sample's documents, with changes: a document's name maps to its new text, or
	// to "" to leave it out.
	manifests := func(changes map[string]string) map[string]string {
		files := map[string]string{}
		for i, doc := range docs {
			name := "programme"
			if i > 0 {
				name = strings.TrimSpace(strings.SplitN(strings.SplitN(doc, "metadata:\n  name: ", 2)[1], "\n", 2)[0])
			}
			if changed, ok := changes[name]; ok {
				doc = changed
			}
			if doc != "" {
				files[name+".yaml"] = doc
			}
		}
		return files
	}
	kept := func(plan planView) []string {
		var names []string
		for _, p := range plan.Pairings {
			if !p.New {
				names = append(names, p.Name)
			}
		}
		return names
	}
	var all []string
	for _, p := range first.Pairings {
		all = append(all, p.Name)
	}
	slices.Sort(all)

	t.Run("unchanged", func(t *testing.T) {
		plan := live(t, manifests(nil))
		if got := kept(plan); !slices.Equal(sorted(got), all) || plan.Summary.NewPairings != 0 || len(plan.Ends) != 0 {
			t.Errorf("keeps %q, creates %d, ends %+v; want every live pairing kept and nothing else", got, plan.Summary.NewPairings, plan.Ends)
		}
		table := mustRun(t, "plan", "-f", sample(), "--live", "-n", namespace, "--kubeconfig", kubeconfig, "--at", beforeEnrolmentCloses)
		if strings.Contains(table, "create") || strings.Count(table, " keep ") != len(all) {
			t.Errorf("the table does not keep every pairing:\n%s", table)
		}
	})

	t.Run("join", func(t *testing.T) {
		// A newcomer like james, whom the mentor left without a mentee can take.
		james := docs[slices.IndexFunc(docs, func(d string) bool { return strings.Contains(d, "name: james\n") })]
		newcomer := strings.NewReplacer("name: james", "name: jasper", "james@example.org", "jasper@example.org", "E0201", "E0299").Replace(james)
		files := manifests(nil)
		files["jasper.yaml"] = newcomer
		plan := live(t, files)
		var created []pairingView
		for _, p := range plan.Pairings {
			if p.New {
				created = append(created, p)
			}
		}
		if len(created) != 1 || created[0].Mentee != "jasper" || !slices.Equal(sorted(kept(plan)), all) || len(plan.Ends) != 0 {
			t.Errorf("creates %+v, keeps %q, ends %+v; want one pairing for jasper and every other kept", created, kept(plan), plan.Ends)
		}
	})

	t.Run("leave", func(t *testing.T) {
		leaving := first.Pairings[0]
		plan := live(t, manifests(map[string]string{leaving.Mentee: ""}))
		want := []endView{{Programme: programme.Name, Name: leaving.Name, Mentor: leaving.Mentor, Mentee: leaving.Mentee,
			Reason: string(mentoringv1alpha1.EndParticipantLeft)}}
		if len(plan.Ends) == 1 {
			plan.Ends[0].Message = ""
		}
		if !slices.Equal(plan.Ends, want) || slices.Contains(kept(plan), leaving.Name) || len(kept(plan)) != len(all)-1 {
			t.Errorf("ends %+v, keeps %q; want %s to end as %s left", plan.Ends, kept(plan), leaving.Name, leaving.Mentee)
		}
	})

	t.Run("policy change", func(t *testing.T) {
		// A wider seniority gap: the pairs now too close in seniority end, the others stay.
		stricter := strings.Replace(docs[0], "minSeniorityGap: 3", "minSeniorityGap: 10", 1)
		plan := live(t, manifests(map[string]string{"programme": stricter}))
		ending := map[string]bool{}
		for _, e := range plan.Ends {
			ending[e.Name] = true
			if e.Reason != string(mentoringv1alpha1.EndConstraintViolated) || !strings.Contains(e.Message, "SeniorityGap") && !strings.Contains(e.Message, "senior") {
				t.Errorf("pairing %s ends as %s: %s", e.Name, e.Reason, e.Message)
			}
		}
		for _, p := range first.Pairings {
			gap := participants[p.Mentee].Spec.Seniority - participants[p.Mentor].Spec.Seniority
			if ending[p.Name] != (gap < 10) {
				t.Errorf("pairing %s (gap %d) ends: %v", p.Name, gap, ending[p.Name])
			}
		}
		if len(plan.Ends) == 0 || len(plan.Ends) == len(all) {
			t.Fatalf("%d of %d pairings end: the change does not tell keeping from ending", len(plan.Ends), len(all))
		}
		table := mustRun(t, "plan", "-f", writeFiles(t, manifests(map[string]string{"programme": stricter})), "--live", "-n", namespace,
			"--kubeconfig", kubeconfig, "--at", beforeEnrolmentCloses)
		if !strings.Contains(table, "ENDING MENTOR") || !strings.Contains(table, " keep ") {
			t.Errorf("the table does not show keep and end:\n%s", table)
		}
	})
}

func sorted(names []string) []string {
	return slices.Sorted(slices.Values(names))
}
