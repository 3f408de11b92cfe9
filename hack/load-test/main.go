// Command load-test checks that the operator keeps up with a large programme that keeps changing
// (issue 8). On envtest's kube-apiserver and etcd, with the manager binary as a process of its own, it
// rolls out a programme that started today with 10,000 participants of the scale benchmark's
// population, waits until everything is reconciled, then every minute for ten minutes changes 10% of
// the participants: new availability, new expertise or goals, paused or back from a pause, and a few
// deleted and created again. It reports, per minute:
//
//   - the reconcile lag: from the start of the minute's changes until every changed participant's
//     status reflects its new spec (the programme's matching pass wrote it), and until the whole
//     programme settled again: Ready for its generation, counting every participant, every
//     participant and pairing reconciled;
//   - the controllers' workqueue depth (workqueue_depth), sampled every few seconds, and each
//     controller's reconciles in the minute and their mean time;
//   - the processor time that the API server, etcd, the manager and this program used in the minute:
//     they share the machine's cores;
//   - the manager's resident memory, sampled with it; at the end its minimum, maximum and slope.
//
// It follows the programme through a cache fed by watches, as a controller would: polling whole lists
// of 20,000 objects every few seconds cost the API server more than the manager's own requests, and
// doubled the lag it measured.
//
// hack/load-test.sh builds the manager and runs this with the sizes of issue 8.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

const (
	namespace = "load"
	name      = "load"
)

type config struct {
	participants, rounds, percent, writers int
	interval, sample, timeout, lagTimeout  time.Duration
	seed                                   uint64
	logFile, profile                       string
	manager                                testenv.ManagerOptions
}

// pprofAddress is where the manager serves its profiles when -cpu-profile asks for one.
const pprofAddress = "127.0.0.1:6063"

func main() {
	var c config
	flag.IntVar(&c.participants, "participants", 10000, "Participants in the programme.")
	flag.IntVar(&c.rounds, "rounds", 10, "Rounds of changes, one per interval.")
	flag.DurationVar(&c.interval, "interval", time.Minute, "Time between the starts of two rounds of changes.")
	flag.IntVar(&c.percent, "percent", 10, "Percentage of the participants changed in each round.")
	flag.DurationVar(&c.sample, "sample", 5*time.Second, "How often the workqueue depth and memory are sampled.")
	flag.DurationVar(&c.timeout, "timeout", time.Hour, "How long the first rollout may take.")
	flag.DurationVar(&c.lagTimeout, "lag-timeout", 15*time.Minute, "How long after its start a round may take to be reflected.")
	flag.IntVar(&c.writers, "writers", 16, "Objects created or changed at once.")
	flag.Uint64Var(&c.seed, "seed", 1, "Seed of the changes.")
	c.manager.AddFlags(flag.CommandLine)
	flag.StringVar(&c.profile, "cpu-profile", "", "Write the manager's CPU profile over the first two rounds of changes to this file (for go tool pprof).")
	flag.StringVar(&c.logFile, "log", filepath.Join(os.TempDir(), "load-test-manager.log"), "The manager's log.")
	flag.Parse()
	if c.profile != "" {
		c.manager.Args = append(c.manager.Args, "--pprof-bind-address="+pprofAddress)
	}
	ctrllog.SetLogger(logr.Discard())
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "load-test:", err)
		os.Exit(1)
	}
}

// sample is one reading of the manager's workqueues, reconciles and memory.
type sample struct {
	at    time.Time
	depth map[string]float64
	// reconciles and reconcileSeconds are each controller's reconciles and the time spent in them,
	// counted since the manager started.
	reconciles, reconcileSeconds map[string]float64
	// cpu is the processor time each process used so far: the control plane's, the manager's and
	// this program's, which share the machine.
	cpu map[string]float64
	rss int64
}

// processes are the processes whose processor time the report shows, in its order.
var processes = []string{"kube-apiserver", "etcd", "manager", "load-test"}

// sampler reads the manager's metrics and memory every interval.
type sampler struct {
	mu      sync.Mutex
	samples []sample
}

func (s *sampler) run(ctx context.Context, m *testenv.ManagerProcess, every time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		x := sample{at: time.Now()}
		if metrics, err := m.Metrics(); err == nil {
			x.depth = metrics.Sum("workqueue_depth", "name")
			x.reconciles = metrics.Sum("controller_runtime_reconcile_total", "controller")
			x.reconcileSeconds = metrics.Sum("controller_runtime_reconcile_time_seconds", "controller")
		}
		x.rss, _, _ = m.RSS()
		x.cpu = testenv.CPUSeconds(map[string]int{"manager": m.Pid(), "load-test": os.Getpid()})
		s.mu.Lock()
		s.samples = append(s.samples, x)
		s.mu.Unlock()
	}
}

// between returns the samples taken in [from, to).
func (s *sampler) between(from, to time.Time) []sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sample
	for _, x := range s.samples {
		if !x.at.Before(from) && x.at.Before(to) {
			out = append(out, x)
		}
	}
	return out
}

func run(c config) error {
	ctx := context.Background()
	env, err := testenv.StartProcessEnv()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	mgr, err := env.StartManager(c.manager, c.logFile)
	if err != nil {
		return err
	}
	defer mgr.Stop()
	if err := mgr.WaitMetrics(time.Minute); err != nil {
		return err
	}
	sampling, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	samples := &sampler{}
	go samples.run(sampling, mgr, c.sample)
	// The programme and its members as the API server's watch shows them: polling whole lists of
	// 20,000 objects every few seconds would cost the API server, on the same two cores, more than
	// the manager's own reads.
	watched, err := watchMembers(sampling, env.Config, env.Client.Scheme())
	if err != nil {
		return err
	}

	today := time.Now().UTC()
	date := func(t time.Time) mentoringv1alpha1.Date { return mentoringv1alpha1.Date(t.Format(time.DateOnly)) }
	prog := testenv.PopulationProgramme(name, mentoringv1alpha1.ProgrammeSchedule{
		Start: date(today), EnrolmentDeadline: date(today.AddDate(0, 0, 60)), End: date(today.AddDate(0, 0, 180)), TimeZone: "UTC"})
	people := testenv.Population(name, c.participants)
	objects := []client.Object{prog}
	for i := range people {
		objects = append(objects, &people[i])
	}
	fmt.Printf("Rolling out a programme of %d participants (manager log: %s).\n", c.participants, c.logFile)
	started := time.Now()
	if err := testenv.CreateAll(ctx, env.Client, namespace, objects, c.writers); err != nil {
		return err
	}
	created := time.Since(started)
	if err := waitFor(c.timeout, 5*time.Second, func() (bool, string, error) {
		s, err := read(ctx, watched)
		if err != nil {
			return false, "", err
		}
		ok, why := s.settled()
		return ok, why, nil
	}); err != nil {
		return fmt.Errorf("the first rollout: %w", err)
	}
	rollout := time.Since(started)
	_, peak, _ := mgr.RSS()
	first, _ := read(ctx, watched)
	fmt.Printf("Created in %s, settled after %s with %d pairings; manager peak memory so far %d MiB.\n",
		created.Round(100*time.Millisecond), rollout.Round(100*time.Millisecond), len(first.active()), peak>>20)

	// Rounds of changes; one poller follows every open round until it is reflected.
	rng := rand.New(rand.NewPCG(c.seed, 0))
	var rounds []*round
	tracker := &tracker{c: watched}
	trackerDone := make(chan error, 1)
	go func() { trackerDone <- tracker.run(ctx, c.lagTimeout) }()
	phase := time.Now()
	profiled := make(chan error, 1)
	if c.profile != "" {
		go func() { profiled <- testenv.WriteCPUProfile(pprofAddress, c.profile, int(2*c.interval/time.Second)) }()
	}
	for i := 1; i <= c.rounds; i++ {
		start := phase.Add(time.Duration(i-1) * c.interval)
		time.Sleep(time.Until(start))
		r, err := change(ctx, env.Client, rng, i, c)
		if err != nil {
			return err
		}
		rounds = append(rounds, r)
		tracker.add(r)
		fmt.Printf("  minute %2d: %d edits, %d pauses or resumptions, %d deleted and created again, written in %s\n",
			i, r.edits, r.pauses, r.recreated, r.written.Round(100*time.Millisecond))
	}
	tracker.close()
	if err := <-trackerDone; err != nil {
		return err
	}
	if c.profile != "" {
		if err := <-profiled; err != nil {
			return fmt.Errorf("profiling the manager: %w", err)
		}
	}
	end := time.Now()
	stopSampling()
	if !mgr.Running() || mgr.Starts != 1 {
		return errors.New("the manager exited during the test")
	}
	return report(c, rounds, samples, phase, end, rollout, peak)
}

// state is the programme, its participants and its pairings as the API server holds them.
type state struct {
	programme    mentoringv1alpha1.Programme
	participants []mentoringv1alpha1.Participant
	pairings     []mentoringv1alpha1.Pairing
}

// watchMembers starts a cache of the namespace's Programmes, Participants and Pairings, fed by watches,
// and waits until it holds them.
func watchMembers(ctx context.Context, config *rest.Config, scheme *runtime.Scheme) (client.Reader, error) {
	members, err := cache.New(config, cache.Options{Scheme: scheme, DefaultNamespaces: map[string]cache.Config{namespace: {}},
		DefaultTransform: cache.TransformStripManagedFields()})
	if err != nil {
		return nil, err
	}
	for _, obj := range []client.Object{&mentoringv1alpha1.Programme{}, &mentoringv1alpha1.Participant{}, &mentoringv1alpha1.Pairing{}} {
		if _, err := members.GetInformer(ctx, obj); err != nil {
			return nil, err
		}
	}
	go func() { _ = members.Start(ctx) }()
	if !members.WaitForCacheSync(ctx) {
		return nil, errors.New("the members' cache did not sync")
	}
	return members, nil
}

// read is the programme and its members as the cache holds them, shared with it: read them only.
func read(ctx context.Context, c client.Reader) (*state, error) {
	s := &state{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &s.programme); err != nil {
		return nil, err
	}
	var participants mentoringv1alpha1.ParticipantList
	if err := c.List(ctx, &participants, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	var pairings mentoringv1alpha1.PairingList
	if err := c.List(ctx, &pairings, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	s.participants, s.pairings = participants.Items, pairings.Items
	return s, nil
}

func (s *state) active() []mentoringv1alpha1.Pairing {
	return testenv.ActivePairings(s.pairings)
}

// settled reports whether the programme is Ready for its generation, counts every participant and
// every active pairing, and every participant and pairing is reconciled; otherwise it says what is not.
func (s *state) settled() (bool, string) {
	return testenv.Settled(&s.programme, s.participants, s.pairings)
}

func waitFor(timeout, every time.Duration, done func() (bool, string, error)) error {
	deadline := time.Now().Add(timeout)
	why := ""
	for time.Now().Before(deadline) {
		ok, reason, err := done()
		if err != nil {
			why = err.Error()
		} else if ok {
			return nil
		} else {
			why = reason
		}
		time.Sleep(every)
	}
	return fmt.Errorf("not done after %s: %s", timeout, why)
}

// round is one minute's changes and when they were reflected.
type round struct {
	n                          int
	start                      time.Time
	written                    time.Duration
	edits, pauses, recreated   int
	participants, pairings     int
	want                       map[string]want
	reflected, settled         time.Duration
	reflectedOK, settledOK     bool
	pendingAtEnd               int
	activePairings, allPairing int
}

// want is what a changed participant's status must show: a pass over at least this generation of
// this object.
type want struct {
	uid        types.UID
	generation int64
}

// change changes percent% of the participants: 45% get new availability, 30% new expertise or goals,
// 20% are paused or resumed, and 5% are deleted and created again.
func change(ctx context.Context, c client.Client, rng *rand.Rand, n int, cfg config) (*round, error) {
	r := &round{n: n, start: time.Now(), want: map[string]want{}}
	var list mentoringv1alpha1.ParticipantList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	people := list.Items
	count := len(people) * cfg.percent / 100
	chosen := rng.Perm(len(people))[:count]
	type edit struct {
		p    *mentoringv1alpha1.Participant
		kind int
		seed uint64
	}
	var edits []edit
	for i, idx := range chosen {
		kind := 0
		switch share := i * 100 / max(count, 1); {
		case share < 45:
			kind = 0
		case share < 75:
			kind = 1
		case share < 95:
			kind = 2
		default:
			kind = 3
		}
		edits = append(edits, edit{p: &people[idx], kind: kind, seed: rng.Uint64()})
	}
	var mu sync.Mutex
	err := testenv.Parallel(cfg.writers, edits, func(e edit) error {
		p := e.p
		local := rand.New(rand.NewPCG(e.seed, uint64(n)))
		if e.kind == 3 {
			again := &mentoringv1alpha1.Participant{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: namespace, Labels: p.Labels}, Spec: p.Spec}
			if err := c.Delete(ctx, p); client.IgnoreNotFound(err) != nil {
				return err
			}
			for {
				err := c.Create(ctx, again)
				if err == nil {
					break
				}
				if !apierrors.IsAlreadyExists(err) {
					return err
				}
				time.Sleep(100 * time.Millisecond)
			}
			mu.Lock()
			r.recreated++
			r.want[again.Name] = want{uid: again.UID, generation: again.Generation}
			mu.Unlock()
			return nil
		}
		patch := client.MergeFrom(p.DeepCopy())
		switch e.kind {
		case 0:
			p.Spec.Availability = testenv.RandomAvailability(local)
		case 1:
			topics := local.Perm(len(testenv.PopulationTopics))[:1+local.IntN(2)]
			if p.Spec.Role == mentoringv1alpha1.RoleMentor {
				p.Spec.Expertise = nil
				for _, t := range topics {
					p.Spec.Expertise = append(p.Spec.Expertise, mentoringv1alpha1.TopicExpertise{Topic: testenv.PopulationTopics[t], Level: int32(1 + local.IntN(5))})
				}
			} else {
				p.Spec.Goals = nil
				for _, t := range topics {
					p.Spec.Goals = append(p.Spec.Goals, mentoringv1alpha1.TopicGoal{Topic: testenv.PopulationTopics[t], Priority: int32(1 + local.IntN(5))})
				}
			}
		case 2:
			p.Spec.Paused = !p.Spec.Paused
		}
		if err := c.Patch(ctx, p, patch); err != nil {
			return err
		}
		mu.Lock()
		if e.kind == 2 {
			r.pauses++
		} else {
			r.edits++
		}
		r.want[p.Name] = want{uid: p.UID, generation: p.Generation}
		mu.Unlock()
		return nil
	})
	r.written = time.Since(r.start)
	return r, err
}

// tracker polls the programme and follows every open round until it is reflected and settled.
type tracker struct {
	c      client.Reader
	mu     sync.Mutex
	open   []*round
	closed bool
}

func (t *tracker) add(r *round) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open = append(t.open, r)
}

func (t *tracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
}

func (t *tracker) run(ctx context.Context, timeout time.Duration) error {
	for {
		t.mu.Lock()
		open, closed := slices.Clone(t.open), t.closed
		t.mu.Unlock()
		if closed && len(open) == 0 {
			return nil
		}
		if len(open) == 0 {
			time.Sleep(time.Second)
			continue
		}
		s, err := read(ctx, t.c)
		if err != nil {
			return err
		}
		now := time.Now()
		byName := map[string]*mentoringv1alpha1.Participant{}
		for i := range s.participants {
			byName[s.participants[i].Name] = &s.participants[i]
		}
		settled, _ := s.settled()
		var still []*round
		for _, r := range open {
			pending := 0
			for name, w := range r.want {
				p := byName[name]
				// A later round may have changed or re-created the participant again: any newer pass counts.
				if p == nil || (p.UID == w.uid && p.Status.ObservedGeneration < w.generation) ||
					meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.ReadyCondition) == nil {
					pending++
				}
			}
			if pending == 0 && !r.reflectedOK {
				r.reflected, r.reflectedOK = now.Sub(r.start), true
			}
			if r.reflectedOK && settled && !r.settledOK {
				r.settled, r.settledOK = now.Sub(r.start), true
				r.participants, r.activePairings, r.allPairing = len(s.participants), len(s.active()), len(s.pairings)
			}
			r.pendingAtEnd = pending
			if !(r.reflectedOK && r.settledOK) && now.Sub(r.start) < timeout {
				still = append(still, r)
			}
		}
		t.mu.Lock()
		t.open = append(still, t.open[len(open):]...)
		t.mu.Unlock()
		time.Sleep(2 * time.Second)
	}
}

// report prints the figures per minute and the memory over the whole change phase.
func report(c config, rounds []*round, samples *sampler, phase, end time.Time, rollout time.Duration, peak int64) error {
	fmt.Printf("\nParticipants %d, %d%% changed every %s, %d rounds; manager: binary defaults unless flags say otherwise (concurrency %d, qps %.0f, burst %d; 0 = default).\n",
		c.participants, c.percent, c.interval, c.rounds, c.manager.Concurrency, c.manager.QPS, c.manager.Burst)
	fmt.Printf("First rollout settled after %s; manager peak memory during it %d MiB.\n\n", rollout.Round(time.Second), peak>>20)
	controllers := []string{"programme", "participant", "pairing"}
	fmt.Printf("| minute | changes (edits/pauses/re-created) | written in | reflected after | settled after | queue depth max (programme/participant/pairing) | queue depth mean | reconciles (programme/participant/pairing) | mean reconcile ms | CPU s (API server/etcd/manager/load test) | RSS MiB min-max | pairings active/all |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	caughtUp := true
	for i, r := range rounds {
		to := end
		if i+1 < len(rounds) {
			to = rounds[i+1].start
		}
		window := samples.between(r.start, to)
		maxDepth, meanDepth := map[string]float64{}, map[string]float64{}
		lo, hi := int64(-1), int64(0)
		for _, x := range window {
			for _, name := range controllers {
				maxDepth[name] = max(maxDepth[name], x.depth[name])
				meanDepth[name] += x.depth[name] / float64(len(window))
			}
			if lo < 0 || x.rss < lo {
				lo = x.rss
			}
			hi = max(hi, x.rss)
		}
		lag := func(d time.Duration, ok bool) string {
			if !ok {
				caughtUp = false
				return fmt.Sprintf("not within %s (%d pending)", c.lagTimeout, r.pendingAtEnd)
			}
			return d.Round(100 * time.Millisecond).String()
		}
		depths := func(m map[string]float64) string {
			var parts []string
			for _, name := range controllers {
				parts = append(parts, fmt.Sprintf("%.0f", m[name]))
			}
			return strings.Join(parts, "/")
		}
		reconciles, mean := map[string]float64{}, map[string]float64{}
		cpu := make([]string, len(processes))
		if len(window) > 1 {
			first, last := window[0], window[len(window)-1]
			for _, name := range controllers {
				reconciles[name] = last.reconciles[name] - first.reconciles[name]
				if reconciles[name] > 0 {
					mean[name] = 1000 * (last.reconcileSeconds[name] - first.reconcileSeconds[name]) / reconciles[name]
				}
			}
			for i, name := range processes {
				cpu[i] = fmt.Sprintf("%.0f", last.cpu[name]-first.cpu[name])
			}
		}
		fmt.Printf("| %d | %d (%d/%d/%d) | %s | %s | %s | %s | %s | %s | %s | %s | %d-%d | %d/%d |\n", r.n, r.edits+r.pauses+r.recreated, r.edits, r.pauses, r.recreated,
			r.written.Round(100*time.Millisecond), lag(r.reflected, r.reflectedOK), lag(r.settled, r.settledOK), depths(maxDepth), depths(meanDepth),
			depths(reconciles), depths(mean), strings.Join(cpu, "/"), max(lo, 0)>>20, hi>>20, r.activePairings, r.allPairing)
	}
	all := samples.between(phase, end)
	if len(all) < 2 {
		return errors.New("too few memory samples")
	}
	lo, hi := all[0].rss, all[0].rss
	var xs, ys []float64
	for _, x := range all {
		lo, hi = min(lo, x.rss), max(hi, x.rss)
		xs = append(xs, x.at.Sub(phase).Minutes())
		ys = append(ys, float64(x.rss)/(1<<20))
	}
	slope, intercept := fit(xs, ys)
	fmt.Printf("\nManager memory over the %s of changes (%d samples): min %d MiB, max %d MiB, least-squares slope %+.1f MiB/min (from %.0f MiB).\n",
		end.Sub(phase).Round(time.Second), len(all), lo>>20, hi>>20, slope, intercept)
	lastHalf := samples.between(phase.Add(end.Sub(phase)/2), end)
	if len(lastHalf) >= 2 {
		xs, ys = nil, nil
		for _, x := range lastHalf {
			xs = append(xs, x.at.Sub(phase).Minutes())
			ys = append(ys, float64(x.rss)/(1<<20))
		}
		second, _ := fit(xs, ys)
		fmt.Printf("Slope over the second half: %+.1f MiB/min.\n", second)
	}
	depthMax := map[string]float64{}
	for _, x := range all {
		for k, v := range x.depth {
			depthMax[k] = max(depthMax[k], v)
		}
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(depthMax)) {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, depthMax[k]))
	}
	fmt.Printf("Largest workqueue depth while changing: %s.\n", strings.Join(parts, ", "))
	if !caughtUp {
		return errors.New("the operator did not reflect every round of changes in time")
	}
	return nil
}

// fit is a least-squares line y = slope*x + intercept.
func fit(xs, ys []float64) (slope, intercept float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx, sy, sxx, sxy = sx+xs[i], sy+ys[i], sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0, sy / n
	}
	slope = (n*sxy - sx*sy) / d
	return slope, (sy - slope*sx) / n
}
