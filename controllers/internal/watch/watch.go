// Package watch finds the objects related to one another through the manager's cache (field indexes)
// and decides which changes wake which controller (predicates). It is shared by the reconcilers and
// never calls back into them.
package watch

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Field indexes over the manager's cache, so controllers find related objects without listing a whole
// namespace.
const (
	// ProgrammeIndex indexes Participants and Pairings by spec.programmeRef.name.
	ProgrammeIndex = "spec.programmeRef.name"
	// ParticipantIndex indexes Pairings by both spec.mentorRef.name and spec.menteeRef.name.
	ParticipantIndex = "pairing.participant"
	// FeedTokenIndex indexes Participants by status.feedTokenHash.
	FeedTokenIndex = "status.feedTokenHash"
	// LinkTokenIndex indexes Participants by status.personalLink.tokenHash.
	LinkTokenIndex = "status.personalLink.tokenHash"
)

// SetupIndexes registers the field indexes every controller relies on.
func SetupIndexes(ctx context.Context, mgr manager.Manager) error {
	indexer := mgr.GetFieldIndexer()
	indexes := []struct {
		obj     client.Object
		field   string
		extract client.IndexerFunc
	}{
		{&mentoringv1alpha1.Participant{}, ProgrammeIndex, func(obj client.Object) []string {
			return []string{obj.(*mentoringv1alpha1.Participant).Spec.ProgrammeRef.Name}
		}},
		{&mentoringv1alpha1.Pairing{}, ProgrammeIndex, func(obj client.Object) []string {
			return []string{obj.(*mentoringv1alpha1.Pairing).Spec.ProgrammeRef.Name}
		}},
		{&mentoringv1alpha1.Participant{}, FeedTokenIndex, func(obj client.Object) []string {
			if hash := obj.(*mentoringv1alpha1.Participant).Status.FeedTokenHash; hash != "" {
				return []string{hash}
			}
			return nil
		}},
		{&mentoringv1alpha1.Participant{}, LinkTokenIndex, func(obj client.Object) []string {
			if link := obj.(*mentoringv1alpha1.Participant).Status.PersonalLink; link != nil && link.TokenHash != "" {
				return []string{link.TokenHash}
			}
			return nil
		}},
		{&mentoringv1alpha1.Pairing{}, ParticipantIndex, func(obj client.Object) []string {
			p := obj.(*mentoringv1alpha1.Pairing)
			return []string{p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name}
		}},
	}
	for _, i := range indexes {
		if err := indexer.IndexField(ctx, i.obj, i.field, i.extract); err != nil {
			return err
		}
	}
	return nil
}

// Members lists the Participants and Pairings of a programme. They share their fields with the cache,
// which is not copied for every pass over a large programme: read them, and deep-copy one before
// changing it.
func Members(ctx context.Context, c client.Reader, namespace, programme string) ([]mentoringv1alpha1.Participant, []mentoringv1alpha1.Pairing, error) {
	in := []client.ListOption{client.InNamespace(namespace), client.MatchingFields{ProgrammeIndex: programme}, client.UnsafeDisableDeepCopy}
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

// PairingsOf lists the Pairings a participant takes part in, as mentor or mentee, in any programme.
func PairingsOf(ctx context.Context, c client.Reader, namespace, participant string) ([]mentoringv1alpha1.Pairing, error) {
	var pairings mentoringv1alpha1.PairingList
	err := c.List(ctx, &pairings, client.InNamespace(namespace), client.MatchingFields{ParticipantIndex: participant})
	return pairings.Items, err
}

// Related maps a changed object to reconcile requests for the objects of a list's kind that an index
// relates to it by its name: a Programme to its Participants or Pairings, a Participant to its Pairings.
func Related(c client.Reader, list client.ObjectList, index string) handler.MapFunc {
	return func(ctx context.Context, obj client.Object) []reconcile.Request {
		related := list.DeepCopyObject().(client.ObjectList)
		if err := c.List(ctx, related, client.InNamespace(obj.GetNamespace()), client.MatchingFields{index: obj.GetName()}); err != nil {
			log.FromContext(ctx).Error(err, "Failed to list related objects", "index", index)
			return nil
		}
		var requests []reconcile.Request
		_ = meta.EachListItem(related, func(o runtime.Object) error {
			requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o.(client.Object))})
			return nil
		})
		return requests
	}
}
