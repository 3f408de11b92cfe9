package testenv

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Support for the programs in hack that run the operator on many objects: creating them, and telling
// when the operator has caught up with them.

// CreateAll creates the namespace and copies of the objects in it, writers at a time; the objects
// themselves are not changed.
func CreateAll(ctx context.Context, c client.Client, namespace string, objs []client.Object, writers int) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	return Parallel(writers, objs, func(obj client.Object) error {
		obj = obj.DeepCopyObject().(client.Object)
		obj.SetNamespace(namespace)
		if err := c.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating %s: %w", obj.GetName(), err)
		}
		return nil
	})
}

// Parallel runs do on every item, writers at a time, and returns the first error. After an error it
// starts no more items.
func Parallel[T any](writers int, items []T, do func(T) error) error {
	work := make(chan T)
	failed := make(chan struct{})
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for range writers {
		wg.Go(func() {
			for item := range work {
				if err := do(item); err != nil {
					once.Do(func() {
						first = err
						close(failed)
					})
					return
				}
			}
		})
	}
feed:
	for _, item := range items {
		select {
		case work <- item:
		case <-failed:
			break feed
		}
	}
	close(work)
	wg.Wait()
	return first
}

// ActivePairings returns the pairings that have not ended.
func ActivePairings(pairings []mentoringv1alpha1.Pairing) []mentoringv1alpha1.Pairing {
	return slices.DeleteFunc(slices.Clone(pairings), func(p mentoringv1alpha1.Pairing) bool { return p.Status.Ended != nil })
}

// Settled reports whether the operator caught up with a programme and the participants and pairings
// of its namespace: the programme Ready for its generation and counting every participant and every
// active pairing, every participant and pairing reconciled for its generation and with a Ready
// condition, and no pairing Reconciling. Otherwise it says what is not.
func Settled(p *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant, pairings []mentoringv1alpha1.Pairing) (bool, string) {
	active := len(ActivePairings(pairings))
	switch {
	case p.Status.ObservedGeneration != p.Generation:
		return false, "programme not reconciled"
	case !meta.IsStatusConditionTrue(p.Status.Conditions, mentoringv1alpha1.ReadyCondition):
		return false, "programme not Ready: " + DescribeConditions(p.Status.Conditions)
	case int(p.Status.Participants) != len(participants):
		return false, fmt.Sprintf("programme counts %d of %d participants", p.Status.Participants, len(participants))
	case int(p.Status.Pairings) != active:
		return false, fmt.Sprintf("programme counts %d of %d pairings", p.Status.Pairings, active)
	}
	for _, q := range participants {
		if q.Status.ObservedGeneration != q.Generation || meta.FindStatusCondition(q.Status.Conditions, mentoringv1alpha1.ReadyCondition) == nil {
			return false, "participant " + q.Name + " not reconciled"
		}
	}
	for _, q := range pairings {
		if q.Status.ObservedGeneration != q.Generation || meta.FindStatusCondition(q.Status.Conditions, mentoringv1alpha1.ReadyCondition) == nil {
			return false, "pairing " + q.Name + " not reconciled"
		}
		if meta.FindStatusCondition(q.Status.Conditions, mentoringv1alpha1.ReconcilingCondition) != nil {
			return false, "pairing " + q.Name + " reconciling"
		}
	}
	return true, ""
}

// WaitReady polls the programme every 20 ms until it is Ready for its latest generation, for at most
// timeout.
func WaitReady(ctx context.Context, c client.Client, key client.ObjectKey, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p := &mentoringv1alpha1.Programme{}
		if err := c.Get(ctx, key, p); err != nil {
			return err
		}
		if meta.IsStatusConditionTrue(p.Status.Conditions, mentoringv1alpha1.ReadyCondition) && p.Status.ObservedGeneration == p.Generation {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the programme was not Ready within %s", timeout)
}

// DescribeConditions lists conditions as Type=Status/Reason.
func DescribeConditions(conditions []metav1.Condition) string {
	var out []string
	for _, c := range conditions {
		out = append(out, fmt.Sprintf("%s=%s/%s", c.Type, c.Status, c.Reason))
	}
	return strings.Join(out, " ")
}

// Quantile is the q-quantile of the durations, nearest rank, rounded to the millisecond.
func Quantile(ds []time.Duration, q float64) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)].Round(time.Millisecond)
}
