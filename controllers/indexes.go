package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Field indexes over the manager's cache, so controllers find related objects without listing a whole
// namespace.
const (
	// programmeIndex indexes Participants and Pairings by spec.programmeRef.name.
	programmeIndex = "spec.programmeRef.name"
	// participantIndex indexes Pairings by both spec.mentorRef.name and spec.menteeRef.name.
	participantIndex = "pairing.participant"
)

// SetupIndexes registers the field indexes every controller relies on.
func SetupIndexes(ctx context.Context, mgr manager.Manager) error {
	indexer := mgr.GetFieldIndexer()
	if err := indexer.IndexField(ctx, &mentoringv1alpha1.Participant{}, programmeIndex, func(obj client.Object) []string {
		return []string{obj.(*mentoringv1alpha1.Participant).Spec.ProgrammeRef.Name}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &mentoringv1alpha1.Pairing{}, programmeIndex, func(obj client.Object) []string {
		return []string{obj.(*mentoringv1alpha1.Pairing).Spec.ProgrammeRef.Name}
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &mentoringv1alpha1.Participant{}, feedTokenIndex, func(obj client.Object) []string {
		if hash := obj.(*mentoringv1alpha1.Participant).Status.FeedTokenHash; hash != "" {
			return []string{hash}
		}
		return nil
	}); err != nil {
		return err
	}
	return indexer.IndexField(ctx, &mentoringv1alpha1.Pairing{}, participantIndex, func(obj client.Object) []string {
		p := obj.(*mentoringv1alpha1.Pairing)
		return []string{p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name}
	})
}

// programmeMembers lists the Participants and Pairings of a programme. They share their fields with
// the cache, which is not copied for every pass over a large programme: read them, and deep-copy one
// before changing it.
func programmeMembers(ctx context.Context, c client.Reader, programme *mentoringv1alpha1.Programme) ([]mentoringv1alpha1.Participant, []mentoringv1alpha1.Pairing, error) {
	in := []client.ListOption{client.InNamespace(programme.Namespace), client.MatchingFields{programmeIndex: programme.Name},
		client.UnsafeDisableDeepCopy}
	var participants mentoringv1alpha1.ParticipantList
	if err := c.List(ctx, &participants, in...); err != nil {
		return nil, nil, err
	}
	var pairings mentoringv1alpha1.PairingList
	if err := c.List(ctx, &pairings, in...); err != nil {
		return nil, nil, err
	}
	return participants.Items, pairings.Items, nil
}

// pairingsOf lists the Pairings a participant takes part in, as mentor or mentee, in any programme.
func pairingsOf(ctx context.Context, c client.Reader, namespace, participant string) ([]mentoringv1alpha1.Pairing, error) {
	var pairings mentoringv1alpha1.PairingList
	err := c.List(ctx, &pairings, client.InNamespace(namespace), client.MatchingFields{participantIndex: participant})
	return pairings.Items, err
}
