package programme

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// maxListedUnmatched bounds status.unmatchedParticipants.
const maxListedUnmatched = 50

// match runs the matcher when a pass is due and the members have settled, with the programme's Planner,
// which repairs the last pass's optimum where it can. It owns the Matched condition and the programme's
// counts.
func (r *Reconciler) match(ctx context.Context, p *pass) error {
	if !p.due || p.wait > 0 || p.invalid != "" {
		return nil
	}
	participants, holds, err := secrets.Attributes(ctx, r.Secrets, p.key.Namespace, p.participants)
	if err != nil {
		return fmt.Errorf("reading the participants' attributes: %w", err)
	}
	planner := r.plannerOf(p.key)
	planner.Holds = holds
	started := time.Now()
	plan, path, err := planner.Plan(p.programme, participants, p.pairings, p.now)
	metrics.MatchingDuration.Observe(time.Since(started).Seconds())
	if err != nil {
		return fmt.Errorf("matching: %w", err)
	}
	metrics.MatchingPasses.WithLabelValues(path.Solve, path.Reason).Inc()
	p.plan = plan
	s := plan.Summary
	p.status.Participants, p.status.Mentors, p.status.Mentees = s.Participants, s.Mentors, s.Mentees
	p.status.Pairings, p.status.Unmatched = s.Pairings, s.Unmatched
	p.status.MatchRatePercent, p.status.AverageScore, p.status.TopicCoveragePercent = s.MatchRatePercent, s.AverageScore, s.TopicCoveragePercent
	p.status.UnmatchedParticipants = nil
	for _, u := range plan.Unmatched[:min(len(plan.Unmatched), maxListedUnmatched)] {
		p.status.UnmatchedParticipants = append(p.status.UnmatchedParticipants, mentoringv1alpha1.UnmatchedParticipant{Name: u.Name, Reason: u.Reason.Reason})
	}
	summary := plan.Match.Summary
	p.conditions.Set(mentoringv1alpha1.MatchedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSucceeded,
		fmt.Sprintf("%d pairings, %d of %d eligible mentees matched.", summary.Pairings, summary.MatchedMentees, summary.EligibleMentees))
	return nil
}

// writePairings creates the plan's new pairings by server-side apply and ends the pairings it ends.
// Under spec.suspend nothing is written. It records the members as these writes leave them.
func (r *Reconciler) writePairings(ctx context.Context, p *pass) error {
	if p.plan == nil {
		return nil
	}
	after := p.members
	if p.programme.Spec.Suspend {
		p.recordMatched(after)
		return nil
	}
	var expected []write
	for _, c := range p.plan.Create {
		expected = append(expected, write{pairing: c.Name})
		after.created(c)
	}
	var ending []*mentoringv1alpha1.Pairing
	for i := range p.pairings {
		current := &p.pairings[i]
		if _, ends := p.plan.Ends[current.Name]; ends && current.Status.Ended == nil {
			expected = append(expected, write{pairing: current.Name, ended: true})
			ending = append(ending, current)
			after.ended(current)
		}
	}
	// Expected before they are made: their events may arrive before the writes return.
	r.expectations.expect(p.key, expected)
	writes, wctx := errgroup.WithContext(ctx)
	writes.SetLimit(max(r.Writers, 1))
	for _, c := range p.plan.Create {
		pairing, err := r.newPairing(p.programme, c)
		if err != nil {
			return err
		}
		writes.Go(func() error {
			err := status.Apply(wctx, r.Client, pairing, status.ProgrammeManager)
			if err != nil {
				r.expectations.observed(p.key, write{pairing: c.Name})
			}
			return err
		})
	}
	for _, current := range ending {
		end := p.plan.Ends[current.Name]
		writes.Go(func() error {
			ended := current.DeepCopy()
			ended.Status.Ended = &mentoringv1alpha1.PairingEnd{Time: metav1.Time{Time: p.now}, Reason: end.Reason, Message: end.Message}
			err := status.Patch(wctx, r.Client, current, ended, status.ProgrammeManager, false)
			if err != nil {
				r.expectations.observed(p.key, write{pairing: current.Name, ended: true})
			}
			return err
		})
	}
	if err := writes.Wait(); err != nil {
		return fmt.Errorf("writing pairings: %w", err)
	}
	p.created = len(p.plan.Create)
	if len(p.plan.Create)+len(ending) > 0 {
		r.Recorder.Eventf(p.programme, nil, corev1.EventTypeNormal, "Matched", "Match",
			"Matching pass made %d pairings and ended %d; %d mentees unmatched.", len(p.plan.Create), len(ending), p.plan.Summary.Unmatched)
	}
	// The pass that ends the pairings when the programme completes is not a match: programme.matched
	// keeps naming the pairings the programme ran with.
	if digest := activeDigest(p.plan); digest != p.status.LastMatchDigest && (len(p.plan.PairingsOf) > 0 || p.status.LastMatchDigest != "") && !p.timeline.Ended(p.now) {
		p.status.LastMatchDigest, p.status.LastMatchTime = digest, &metav1.Time{Time: p.now}
	}
	p.recordMatched(after)
	return nil
}

// activeDigest fingerprints the names of the pairings a plan leaves active.
func activeDigest(plan *planner.Result) string {
	var names []string
	for _, pairings := range plan.PairingsOf {
		names = append(names, pairings...)
	}
	slices.Sort(names)
	sum := sha256.Sum256([]byte(strings.Join(slices.Compact(names), "\x00")))
	return hex.EncodeToString(sum[:16])
}

// recordMatched records in status that a matching pass accounted for the members and the request.
func (p *pass) recordMatched(after members) {
	p.status.ObservedMembers = after.status()
	p.status.LastHandledReconcileAt = p.programme.Annotations[mentoringv1alpha1.ReconcileRequestedAnnotation]
}

// newPairing is a pairing the programme controls, with labels that find it by programme and person.
func (r *Reconciler) newPairing(programme *mentoringv1alpha1.Programme, p planner.NewPairing) (*mentoringv1alpha1.Pairing, error) {
	pairing := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{
			Name:      p.Name,
			Namespace: programme.Namespace,
			Labels: map[string]string{
				mentoringv1alpha1.ProgrammeLabel: programme.Name,
				mentoringv1alpha1.MentorLabel:    p.Mentor,
				mentoringv1alpha1.MenteeLabel:    p.Mentee,
			},
		},
		Spec: mentoringv1alpha1.PairingSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme.Name},
			MentorRef:    mentoringv1alpha1.LocalObjectReference{Name: p.Mentor},
			MenteeRef:    mentoringv1alpha1.LocalObjectReference{Name: p.Mentee},
			Topics:       p.Topics,
		},
	}
	if err := controllerutil.SetControllerReference(programme, pairing, r.Scheme()); err != nil {
		return nil, err
	}
	return pairing, nil
}

// plannerOf is the programme's Planner. Reconciles of one programme never overlap, so it plans one pass
// at a time.
func (r *Reconciler) plannerOf(programme client.ObjectKey) *planner.Planner {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.planners == nil {
		r.planners = map[client.ObjectKey]*planner.Planner{}
	}
	p, ok := r.planners[programme]
	if !ok {
		p = &planner.Planner{}
		r.planners[programme] = p
	}
	return p
}

// forgetPlanner drops a programme's Planner, and the memory it keeps.
func (r *Reconciler) forgetPlanner(programme client.ObjectKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.planners, programme)
}
