package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// earlyWindow is how long after a (re)start the early kills land: while the manager syncs its
// caches, runs its first matching pass and creates the pairings.
const earlyWindow = 4 * time.Second

// runKills runs the programme once with an uninterrupted manager and once with a manager killed with
// SIGKILL c.kills times, each time on a fresh control plane, and compares the end states.
func runKills(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) error {
	reference, t1, err := uninterrupted(ctx, c, work, dav, r)
	if err != nil {
		return err
	}
	if c.kills == 0 {
		return nil
	}

	env, err := controlPlane(work, "killed")
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	d, err := newDeployment(ctx, env.Client, dav, "killed", c.participants)
	if err != nil {
		return err
	}
	defer d.hooks.Close()
	low, high := c.killMin, c.killMax
	if high == 0 {
		// Spread the kills over about the uninterrupted run's time, plus restarts.
		high = max(3*time.Second, low+2*t1/time.Duration(c.kills))
	}
	fmt.Printf("Killing the manager %d times: the first %d within %s to %s after each (re)start, while it starts and matches, then %s to %s after (seed %d).\n",
		c.kills, min(c.earlyKills, c.kills), low, low+earlyWindow, low, high, c.seed)
	mgr, err := startManager(c, env, "killed")
	if err != nil {
		return err
	}
	defer mgr.Stop()
	rng := rand.New(rand.NewPCG(c.seed, 0))
	started := time.Now()
	killsBeforeSettled := 0
	for i := 1; i <= c.kills; i++ {
		window := high - low
		if i <= c.earlyKills {
			window = earlyWindow
		}
		time.Sleep(low + time.Duration(rng.Int64N(int64(window)+1)))
		mgr.Kill()
		at := time.Since(started)
		if err := mgr.Start(); err != nil {
			return err
		}
		s, err := d.read(ctx)
		if err != nil {
			return err
		}
		done, _ := s.settled()
		if !done {
			killsBeforeSettled++
		}
		fmt.Printf("  kill %2d at %6.1fs: %4d pairings, %4d calendar events, %5d distinct webhook events received, settled: %t\n",
			i, at.Seconds(), len(s.pairings), len(s.calendar), d.hooks.Stats().Distinct, done)
	}
	s2, err := d.waitSettled(ctx, c.timeout, r)
	if err != nil {
		return err
	}
	t2 := time.Since(started)
	v := d.verify(s2)
	r.add(row{scenario: fmt.Sprintf("SIGKILL x%d", c.kills), settled: t2, kills: c.kills, restarts: mgr.Starts - 1, v: v})
	r.note("kills: %d of %d kills landed before the operator had settled; the killed run settled after %s against %s uninterrupted.",
		killsBeforeSettled, c.kills, t2.Round(100*time.Millisecond), t1.Round(100*time.Millisecond))
	cmp := compare(reference, s2)
	r.note("kills: pairings of the killed run against the uninterrupted run: %s.", cmp)
	if !cmp.same && !(cmp.sameMentees && cmp.sameTotal) {
		r.fail("kills: the killed run made different pairings")
	}
	r.note("kills: distinct events received, uninterrupted: %s; killed: %s.", typesLine(reference.types), typesLine(v.types))
	if v.stats.Invalid > 0 {
		r.fail("kills: %d webhook requests carried an invalid signature", v.stats.Invalid)
	}
	return nil
}

// uninterrupted is run 1: the programme with a manager that is never interrupted. It returns the end
// state, also kept in the report, and the time it took.
func uninterrupted(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) (*state, time.Duration, error) {
	env, err := controlPlane(work, "uninterrupted")
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = env.Stop() }()
	d, err := newDeployment(ctx, env.Client, dav, "uninterrupted", c.participants)
	if err != nil {
		return nil, 0, err
	}
	defer d.hooks.Close()
	mgr, err := startManager(c, env, "uninterrupted")
	if err != nil {
		return nil, 0, err
	}
	defer mgr.Stop()
	started := time.Now()
	s, err := d.waitSettled(ctx, c.timeout, r)
	if err != nil {
		return nil, 0, err
	}
	took := time.Since(started)
	v := d.verify(s)
	s.types = v.types
	r.reference = s
	r.add(row{scenario: "uninterrupted", settled: took, v: v})
	fmt.Printf("Uninterrupted: %d participants, %d pairings, settled after %s.\n", len(s.participants), v.active, took.Round(100*time.Millisecond))
	return s, took, nil
}
