package kubesource

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// The cache indexes the page server reads through.
const (
	// LinkHashIndex indexes Participants by status.personalLink.tokenHash.
	LinkHashIndex = "status.personalLink.tokenHash"
	// ParticipantIndex indexes Pairings by the names of their mentor and mentee.
	ParticipantIndex = "portal.pairing.participant"
)

// SetupIndexes registers the indexes with the manager's cache; call it before the manager starts.
func SetupIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	if err := indexer.IndexField(ctx, &mentoringv1alpha1.Participant{}, LinkHashIndex, func(obj client.Object) []string {
		if link := obj.(*mentoringv1alpha1.Participant).Status.PersonalLink; link != nil && link.TokenHash != "" {
			return []string{link.TokenHash}
		}
		return nil
	}); err != nil {
		return err
	}
	return indexer.IndexField(ctx, &mentoringv1alpha1.Pairing{}, ParticipantIndex, func(obj client.Object) []string {
		p := obj.(*mentoringv1alpha1.Pairing)
		return []string{p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name}
	})
}
