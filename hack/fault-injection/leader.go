package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// leaseName and leaseNamespace are where the replicas elect their leader: the manager's
// LeaderElectionID, in the namespace the program gives it.
const (
	leaseName      = "reverse-mentoring-operator.mentoring.reverse-mentoring.dev"
	leaseNamespace = "default"
	// retryPeriod is controller-runtime's default: the manager has no flag for it.
	retryPeriod = 2 * time.Second
)

// isLeader reads a replica's leader_election_master_status gauge.
func isLeader(m *testenv.ManagerProcess) bool {
	metrics, err := m.Metrics()
	return err == nil && metrics.Total("leader_election_master_status") == 1
}

// writes counts the requests of a replica that change something: POST, PUT, PATCH and DELETE.
func writes(metrics testenv.Metrics) int {
	byMethod := metrics.Sum("rest_client_requests_total", "method")
	return int(byMethod["POST"] + byMethod["PUT"] + byMethod["PATCH"] + byMethod["DELETE"])
}

// followerActs reports what a follower did: reconciles and writing requests, from its own metrics.
func followerActs(m *testenv.ManagerProcess) (reconciles, written int, err error) {
	metrics, err := m.Metrics()
	if err != nil {
		return 0, 0, err
	}
	return int(metrics.Total("controller_runtime_reconcile_total")), writes(metrics), nil
}

// runLeader runs two replicas with leader election on the kills scenario's programme, kills the leader
// with SIGKILL at a seeded random moment while it works, and measures how long the other takes to lead.
func runLeader(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) error {
	env, err := controlPlane(work, "leader")
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	d, err := newDeployment(ctx, env.Client, dav, "leader", c.participants)
	if err != nil {
		return err
	}
	defer d.hooks.Close()
	opts := c.manager
	opts.LeaderElection, opts.LeaseDuration, opts.RenewDeadline, opts.LeaseNamespace = true, c.lease, c.renew, leaseNamespace
	a, err := startManagerWith(c, env, opts, "leader-a")
	if err != nil {
		return err
	}
	defer a.Stop()
	started := time.Now()
	if err := waitFor(30*time.Second, func() bool { return isLeader(a) }); err != nil {
		return fmt.Errorf("replica A never led: %w", err)
	}
	b, err := startManagerWith(c, env, opts, "leader-b")
	if err != nil {
		return err
	}
	defer b.Stop()
	if err := b.WaitMetrics(30 * time.Second); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(c.seed, 1))
	time.Sleep(2*time.Second + time.Duration(rng.Int64N(int64(6*time.Second))))

	// The follower has done nothing so far.
	reconciles, written, err := followerActs(b)
	if err != nil {
		return err
	}
	if isLeader(b) || reconciles != 0 || written != 0 {
		r.fail("leader: the follower acted while A led: leader %t, %d reconciles, %d writing requests", isLeader(b), reconciles, written)
	}
	before, err := d.read(ctx)
	if err != nil {
		return err
	}
	lease := &coordinationv1.Lease{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: leaseNamespace, Name: leaseName}, lease); err != nil {
		return err
	}
	a.Kill()
	killed := time.Now()
	fmt.Printf("Killed leader A %s after it started, with %d pairings, %d calendar events and %d distinct webhook events so far; follower B had made %d reconciles and %d writes.\n",
		killed.Sub(started).Round(100*time.Millisecond), len(before.pairings), len(before.calendar), d.hooks.Stats().Distinct, reconciles, written)
	if err := waitFor(time.Minute, func() bool { return isLeader(b) }); err != nil {
		return fmt.Errorf("replica B never took over: %w", err)
	}
	handover := time.Since(killed)
	sinceRenewal := time.Since(lease.Spec.RenewTime.Time)
	if err := waitFor(time.Minute, func() bool { n, _, _ := followerActs(b); return n > 0 }); err != nil {
		return fmt.Errorf("replica B led but never reconciled: %w", err)
	}
	acting := time.Since(killed)
	// A comes back, as its pod would, and must now follow.
	if err := a.Start(); err != nil {
		return err
	}
	if err := a.WaitMetrics(30 * time.Second); err != nil {
		return fmt.Errorf("replica A did not come back: %w", err)
	}
	s, err := d.waitSettled(ctx, c.timeout, r)
	if err != nil {
		return err
	}
	settled := time.Since(started)
	v := d.verify(s)
	r.add(row{scenario: "leader handover", settled: settled, kills: 1, restarts: 1, v: v})
	reconciles, written, err = followerActs(a)
	if err != nil {
		return err
	}
	if isLeader(a) || reconciles != 0 || written != 0 {
		r.fail("leader: restarted A acted while B led: leader %t, %d reconciles, %d writing requests", isLeader(a), reconciles, written)
	}
	r.note("leader: lease %s, renew deadline %s; B led %s after A was killed (%s after A's last renewal seen) and reconciled %s after the kill; the followers made 0 reconciles and 0 writing requests; %d duplicate webhook deliveries.",
		c.lease, c.renew, handover.Round(10*time.Millisecond), sinceRenewal.Round(10*time.Millisecond), acting.Round(10*time.Millisecond), v.stats.Duplicates)
	// A follower takes the lease once it has not seen it renewed for the lease duration, checking every
	// retry period (controller-runtime's 2s, with client-go's jitter of up to 1.2 periods more); the
	// leader renewed it at most a retry period before it was killed.
	if bound := c.lease + retryPeriod*22/10 + 500*time.Millisecond; handover > bound {
		r.fail("leader: the handover took %s after the kill, more than the lease of %s and a jittered retry period (%s)", handover, c.lease, bound)
	}
	var total int64
	for _, score := range pairsOf(s) {
		total += int64(score)
	}
	r.note("leader: %d active pairings, total score %d.", len(pairsOf(s)), total)
	if r.reference != nil {
		cmp := compare(r.reference, s)
		r.note("leader: pairings against the uninterrupted run: %s.", cmp)
		if !cmp.same && !(cmp.sameMentees && cmp.sameTotal) {
			r.fail("leader: the handover made different pairings")
		}
	}
	return nil
}

// waitFor polls a condition every 50ms.
func waitFor(timeout time.Duration, condition func() bool) error {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if condition() {
			return nil
		}
	}
	return errors.New("timed out after " + timeout.String())
}
