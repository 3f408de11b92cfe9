// Command fault-injection checks that the operator keeps its promises when things break (issue 8). It
// runs envtest's kube-apiserver and etcd, a Radicale CalDAV server and a webhook receiver that verifies
// Standard Webhooks signatures and counts distinct event ids, and the manager binary as a process of
// its own, through these scenarios:
//
//   - kills: a programme of 1,000 participants that started today, with a CalDAV calendar and a
//     webhook, run once by an uninterrupted manager and once (fresh control plane, collection and
//     receiver) by a manager killed with SIGKILL at seeded random moments 20 times and restarted at once
//     while it matches, books meetings and notifies. Both must end with the same pairings, exactly one
//     calendar series per active pairing, every event in status delivered and received, and no
//     duplicate pairings.
//   - caldav: the CalDAV server down for minutes while every series must be rewritten.
//   - webhook: the receiver answering 500, then hanging (never answering), then accepting again while
//     pairings end and new ones are made.
//   - apiserver: kube-apiserver stopped for a while and started again over the same etcd while work is
//     in flight; the manager is not restarted.
//   - leader: two replicas with leader election; the leader is killed mid-work and the other takes over.
//
// It prints what the conditions said during each outage and a table of the figures.
// hack/fault-injection.sh builds the manager and runs it with the sizes of issue 8.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

type config struct {
	participants, outageParticipants, kills int
	earlyKills                              int
	seed                                    uint64
	logDir                                  string
	killMin, killMax                        time.Duration
	caldavOutage, webhookFailing            time.Duration
	webhookHanging, apiserverOutage         time.Duration
	lease, renew                            time.Duration
	timeout                                 time.Duration
	manager                                 testenv.ManagerOptions
	scenarios                               []string
}

func main() {
	var c config
	var scenarios string
	flag.IntVar(&c.participants, "participants", 1000, "Participants in the programme of the kills and leader scenarios.")
	flag.IntVar(&c.outageParticipants, "outage-participants", 200, "Participants in the programme of the outage scenarios.")
	flag.IntVar(&c.kills, "kills", 20, "SIGKILLs of the manager in the kills scenario.")
	flag.IntVar(&c.earlyKills, "early-kills", 4, "Kills of those that land within a few seconds of a (re)start, while the manager matches and creates pairings.")
	flag.Uint64Var(&c.seed, "seed", 1, "Seed of the random kill moments.")
	flag.DurationVar(&c.killMin, "kill-min", time.Second, "Shortest time between a (re)start and the next kill.")
	flag.DurationVar(&c.killMax, "kill-max", 0, "Longest time between a (re)start and the next kill; 0 spreads the kills over the uninterrupted run's time.")
	flag.DurationVar(&c.caldavOutage, "caldav-outage", 2*time.Minute, "How long the CalDAV server is down.")
	flag.DurationVar(&c.webhookFailing, "webhook-failing", time.Minute, "How long the webhook receiver answers 500.")
	flag.DurationVar(&c.webhookHanging, "webhook-hanging", time.Minute, "How long the webhook receiver then never answers.")
	flag.DurationVar(&c.apiserverOutage, "apiserver-outage", 30*time.Second, "How long kube-apiserver is down.")
	flag.DurationVar(&c.lease, "lease", 4*time.Second, "Leader election lease duration of the two replicas.")
	flag.DurationVar(&c.renew, "renew", 3*time.Second, "Leader election renew deadline of the two replicas.")
	flag.DurationVar(&c.timeout, "timeout", 30*time.Minute, "How long the operator may take to settle in each scenario.")
	c.manager.AddFlags(flag.CommandLine)
	flag.StringVar(&c.logDir, "log-dir", filepath.Join(os.TempDir(), "fault-injection"), "Where the managers' logs go.")
	flag.StringVar(&scenarios, "scenarios", "kills,caldav,webhook,apiserver,leader", "Scenarios to run, comma-separated.")
	flag.Parse()
	c.scenarios = strings.Split(scenarios, ",")
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
		<-signals
		runCleanups()
		os.Exit(130)
	}()
	err := run(c)
	runCleanups()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fault-injection:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	ctrllog.SetLogger(logr.Discard())
	ctx := context.Background()
	if err := os.MkdirAll(c.logDir, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "fault-injection")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := os.Mkdir(filepath.Join(work, "radicale"), 0o755); err != nil {
		return err
	}
	dav, err := testenv.StartRadicale(filepath.Join(work, "radicale"))
	if err != nil {
		return err
	}
	defer onExit(dav.Stop)()
	fmt.Printf("Manager %s, logs in %s; Radicale on %s.\n", c.manager.Binary, c.logDir, dav.Addr)

	r := &report{}
	scenarios := map[string]func(context.Context, config, string, *testenv.Radicale, *report) error{
		"kills": runKills, "caldav": runCalDAVOutage, "webhook": runWebhookOutage, "apiserver": runAPIServerOutage, "leader": runLeader,
	}
	failed := false
	for _, name := range c.scenarios {
		scenario, ok := scenarios[name]
		if !ok {
			return fmt.Errorf("unknown scenario %q", name)
		}
		fmt.Printf("\n== %s\n", name)
		started := time.Now()
		if err := scenario(ctx, c, work, dav, r); err != nil {
			fmt.Printf("Scenario %s failed after %s: %v\n", name, time.Since(started).Round(time.Second), err)
			failed = true
		}
	}
	r.print()
	if failed || !r.ok() {
		return fmt.Errorf("some promises were not kept; see above")
	}
	return nil
}

// controlPlane starts a fresh kube-apiserver and etcd for a scenario, restartable over the same etcd,
// with its certificates and kubeconfig in a folder of work named after the scenario.
func controlPlane(work, name string) (*testenv.ProcessEnv, error) {
	env, err := testenv.StartRestartableProcessEnv(filepath.Join(work, name))
	if err == nil {
		onExit(func() { _ = env.Stop() })
	}
	return env, err
}

// startManager starts the manager binary as the command line says, without leader election, logging
// to a file of its own.
func startManager(c config, env *testenv.ProcessEnv, name string) (*testenv.ManagerProcess, error) {
	return startManagerWith(c, env, c.manager, name)
}

func startManagerWith(c config, env *testenv.ProcessEnv, opts testenv.ManagerOptions, name string) (*testenv.ManagerProcess, error) {
	m, err := env.StartManager(opts, filepath.Join(c.logDir, name+".log"))
	if err == nil {
		onExit(m.Stop)
	}
	return m, err
}

var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

// onExit registers f to run when the program ends, also when it is interrupted, so that no control
// plane, Radicale or manager outlives it. It returns a function that runs f now; f runs once.
func onExit(f func()) func() {
	once := sync.OnceFunc(f)
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, once)
	return once
}

// runCleanups runs what onExit registered, the latest first.
func runCleanups() {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

// row is one line of the figures.
type row struct {
	scenario string
	// settled is the time to settle: from the start for a rollout, from the end of the outage for an
	// outage.
	settled         time.Duration
	kills, restarts int
	v               *verdict
}

type report struct {
	rows  []row
	notes []string
	// reference is the uninterrupted run's end state, to compare other runs of the same population
	// with.
	reference *state
	broken    bool
}

func (r *report) add(x row) {
	r.rows = append(r.rows, x)
	if !x.v.ok() {
		r.broken = true
	}
}

func (r *report) note(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Println(line)
	r.notes = append(r.notes, line)
}

// fail records a broken promise found outside the verdicts.
func (r *report) fail(format string, args ...any) {
	r.broken = true
	r.note("FAILED: "+format, args...)
}

func (r *report) ok() bool { return !r.broken }

func (r *report) print() {
	fmt.Println("\n== Figures")
	header := []string{"scenario", "settled", "kills", "restarts", "pairings", "ended", "cal events", "missing", "dup events", "stale events",
		"records", "undelivered", "never sent", "not received", "ids received", "dup deliveries", "dup pairings", "ok"}
	lines := [][]string{header}
	for _, x := range r.rows {
		v := x.v
		lines = append(lines, []string{x.scenario, x.settled.Round(100 * time.Millisecond).String(), fmt.Sprint(x.kills), fmt.Sprint(x.restarts),
			fmt.Sprint(v.active), fmt.Sprint(v.ended), fmt.Sprint(v.events), fmt.Sprint(v.missingEvents), fmt.Sprint(v.duplicateEvents),
			fmt.Sprint(v.staleEvents), fmt.Sprint(v.records), fmt.Sprint(v.undelivered), fmt.Sprint(v.unsentTotal()), fmt.Sprint(v.notReceived), fmt.Sprint(v.stats.Distinct),
			fmt.Sprint(v.stats.Duplicates), fmt.Sprint(v.duplicatePairings + v.twoMentors), yes(v.ok())})
	}
	widths := make([]int, len(header))
	for _, l := range lines {
		for i, cell := range l {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, l := range lines {
		cells := make([]string, len(l))
		for i, cell := range l {
			cells[i] = fmt.Sprintf("%-*s", widths[i], cell)
		}
		fmt.Println("| " + strings.Join(cells, " | ") + " |")
	}
	if len(r.notes) > 0 {
		fmt.Println("\nNotes:")
		for _, n := range r.notes {
			fmt.Println("- " + n)
		}
	}
	for _, x := range r.rows {
		if len(x.v.unsent) > 0 {
			fmt.Printf("\nEvents never sent in %s: %s\n", x.scenario, typesLine(x.v.unsent))
		}
		if len(x.v.problems) > 0 {
			shown := x.v.problems[:min(5, len(x.v.problems))]
			fmt.Printf("\nProblems in %s (first %d):\n  %s\n", x.scenario, len(shown), strings.Join(shown, "\n  "))
		}
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// typesLine prints event counts by type.
func typesLine(types map[string]int) string {
	var parts []string
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for k := range types {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, fmt.Sprintf("%s %d", t, types[t]))
	}
	return strings.Join(parts, ", ")
}
