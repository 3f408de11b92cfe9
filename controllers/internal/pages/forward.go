package pages

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// forward sends the round's feedback.submitted event, with the comment in the person's answers, to
// the programme's comments webhook at the moment the person submits it: a comment is never stored in
// the cluster, so it is delivered now or not at all, and the person is told which. It returns an
// error wrapping portal.ErrCommentNotDelivered unless the webhook accepted it. The event's id is the
// one the pairing controller derives later from status for the same answers, so the receiver drops
// that numbers-only copy as a duplicate.
func (s *Source) forward(ctx context.Context, key client.ObjectKey, sub portal.Submission) error {
	pairing := &mentoringv1alpha1.Pairing{}
	if err := s.API.Get(ctx, key, pairing); err != nil {
		return fmt.Errorf("%w: reading the pairing: %w", portal.ErrCommentNotDelivered, err)
	}
	programme := &mentoringv1alpha1.Programme{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: pairing.Spec.ProgrammeRef.Name}, programme); err != nil {
		return fmt.Errorf("%w: reading the programme: %w", portal.ErrCommentNotDelivered, err)
	}
	if programme.Spec.Measurement == nil || programme.Spec.Measurement.CommentsWebhook == "" {
		return fmt.Errorf("%w: the programme names no comments webhook", portal.ErrCommentNotDelivered)
	}
	responses := planner.Responses(planner.WithCheckIn(pairing.Status.CheckIns, planner.CheckIn(sub.Response)))
	e := planner.FeedbackEvent(pairing, sub.Response.Round, responses)
	data := e.Data.(webhook.FeedbackData)
	for i := range data.Responses {
		if data.Responses[i].Role == string(sub.Response.Role) {
			data.Responses[i].Comment = sub.Comment
		}
	}
	e.Data = data
	if err := s.Notifier.Send(ctx, programme, programme.Spec.Measurement.CommentsWebhook, e); err != nil {
		return fmt.Errorf("%w: %w", portal.ErrCommentNotDelivered, err)
	}
	return nil
}
