package main

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// withLivePairings adds to each programme of the manifests what the cluster holds of its pairings, so
// that the plan starts from what runs: the matcher's own pairings (owned by the Programme), which are
// never in the manifests, and the status (ended or not) of the pairings the manifests hold. A pairing a
// person wrote that the manifests no longer hold is left out, as a GitOps sync with pruning removes it.
func withLivePairings(ctx context.Context, c client.Client, namespace string, programmes []programmeInput) error {
	for i := range programmes {
		in := &programmes[i]
		var list mentoringv1alpha1.PairingList
		if err := c.List(ctx, &list, client.InNamespace(namespace),
			client.MatchingLabels{mentoringv1alpha1.ProgrammeLabel: in.programme.Name}); err != nil {
			return fmt.Errorf("listing the pairings of programme %s in namespace %s: %w", in.programme.Name, namespace, unreachable(err))
		}
		inManifests := map[string]*mentoringv1alpha1.Pairing{}
		for j := range in.pairings {
			inManifests[in.pairings[j].Name] = &in.pairings[j]
		}
		for _, live := range list.Items {
			if live.Spec.ProgrammeRef.Name != in.programme.Name {
				continue
			}
			if p, ok := inManifests[live.Name]; ok {
				p.Status = live.Status
				continue
			}
			if metav1.GetControllerOf(&live) != nil {
				in.pairings = append(in.pairings, live)
			}
		}
	}
	return nil
}
