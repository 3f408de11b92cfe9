// Command join-latency measures what one change costs in a settled programme (issue 16): on a local
// control plane it runs the manager binary as its own process, applies a programme of -participants
// people, waits until it is Ready, then lets -joins newcomers join one at a time, as `kubectl apply` of
// one Participant would. For each it measures the time from the create until the newcomer's Pairing
// exists, and the manager's CPU from the create until the programme is Ready again. It prints the
// median and the 95th percentile of both and how the matching passes found their optimum.
//
// hack/join-latency.sh runs it for the current manager and, in the same run, for an earlier one.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func main() {
	var (
		participants, joins int
		manager             testenv.ManagerOptions
		profile             string
	)
	flag.IntVar(&participants, "participants", 2000, "Participants in the settled programme.")
	flag.IntVar(&joins, "joins", 20, "Newcomers who join, one at a time.")
	flag.StringVar(&profile, "cpu-profile", "", "Write the manager's CPU profile over the joins to this file (for go tool pprof).")
	manager.AddFlags(flag.CommandLine)
	flag.Parse()
	if profile != "" {
		manager.Args = append(manager.Args, "--pprof-bind-address="+pprofAddress)
	}
	if err := run(participants, joins, manager, profile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// joinKey names the programme, in a namespace of the same name.
var joinKey = client.ObjectKey{Namespace: "join", Name: "join"}

// pprofAddress is where the manager serves its profiles when -cpu-profile asks for one.
const pprofAddress = "127.0.0.1:6061"

func run(n, joins int, manager testenv.ManagerOptions, profile string) error {
	env, err := testenv.StartProcessEnv()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	logs := filepath.Join(os.TempDir(), "join-latency-manager.log")
	mgr, err := env.StartManager(manager, logs)
	if err != nil {
		return err
	}
	defer mgr.Kill()
	if err := mgr.WaitMetrics(time.Minute); err != nil {
		return err
	}
	today := time.Now().UTC()
	date := func(t time.Time) mentoringv1alpha1.Date { return mentoringv1alpha1.Date(t.Format(time.DateOnly)) }
	objects := []client.Object{testenv.PopulationProgramme("join", mentoringv1alpha1.ProgrammeSchedule{
		Start: date(today), EnrolmentDeadline: date(today.AddDate(0, 0, 60)), End: date(today.AddDate(0, 0, 180)), TimeZone: "UTC"})}
	people := testenv.Population("join", n)
	for i := range people {
		objects = append(objects, &people[i])
	}
	started := time.Now()
	if err := testenv.CreateAll(ctx, env.Client, "join", objects, 16); err != nil {
		return err
	}
	if err := testenv.WaitReady(ctx, env.Client, joinKey, 30*time.Minute); err != nil {
		return fmt.Errorf("%w (manager log: %s)", err, logs)
	}
	fmt.Printf("%d participants settled in %.1f s.\n", n, time.Since(started).Seconds())

	settled, err := mgr.Metrics()
	if err != nil {
		return err
	}
	var latencies, cpus []time.Duration
	profiled := make(chan error, 1)
	if profile != "" {
		go func() { profiled <- testenv.WriteCPUProfile(pprofAddress, profile, joins) }() // about a second per join
		time.Sleep(100 * time.Millisecond)                                                // the profile starts
	}
	for i := range joins {
		newcomer := joiner(i)
		before := testenv.CPUSeconds(map[string]int{"manager": mgr.Pid()})["manager"]
		created := time.Now()
		if err := env.Client.Create(ctx, newcomer); err != nil {
			return err
		}
		for {
			var pairings mentoringv1alpha1.PairingList
			if err := env.Client.List(ctx, &pairings, client.InNamespace("join"),
				client.MatchingLabels{mentoringv1alpha1.MenteeLabel: newcomer.Name}); err != nil {
				return err
			}
			if len(pairings.Items) > 0 {
				break
			}
			if time.Since(created) > time.Minute {
				return fmt.Errorf("newcomer %s got no pairing within a minute (manager log: %s)", newcomer.Name, logs)
			}
			time.Sleep(5 * time.Millisecond)
		}
		latencies = append(latencies, time.Since(created))
		if err := testenv.WaitReady(ctx, env.Client, joinKey, 5*time.Minute); err != nil {
			return err
		}
		after := testenv.CPUSeconds(map[string]int{"manager": mgr.Pid()})["manager"]
		cpus = append(cpus, time.Duration((after-before)*float64(time.Second)))
	}
	if profile != "" {
		if err := <-profiled; err != nil {
			return err
		}
	}
	fmt.Printf("%d joins: create → Pairing p50 %s, p95 %s; manager CPU per join p50 %s, p95 %s\n", joins,
		testenv.Quantile(latencies, 0.5), testenv.Quantile(latencies, 0.95), testenv.Quantile(cpus, 0.5), testenv.Quantile(cpus, 0.95))
	metrics, err := mgr.Metrics()
	if err != nil {
		return err
	}
	for path, passes := range metrics.Sum("mentoring_matching_passes_total", "path") {
		fmt.Printf("  matching passes, %s: %.0f\n", path, passes)
	}
	before := settled.Sum("controller_runtime_reconcile_total", "controller")
	for controller, reconciles := range metrics.Sum("controller_runtime_reconcile_total", "controller") {
		fmt.Printf("  %s reconciles per join: %.1f\n", controller, (reconciles-before[controller])/float64(joins))
	}
	return nil
}

// joiner is the i-th newcomer: a senior mentee who wants to learn every topic and is free all week,
// whom a mentor with free capacity can always take.
func joiner(i int) *mentoringv1alpha1.Participant {
	p := &mentoringv1alpha1.Participant{}
	p.Name, p.Namespace = fmt.Sprintf("joiner-%02d", i), "join"
	p.Spec = mentoringv1alpha1.ParticipantSpec{
		ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: "join"}, Role: mentoringv1alpha1.RoleMentee,
		DisplayName: "Joiner", Email: mentoringv1alpha1.Email(p.Name + "@example.org"), Seniority: 20,
		Department: "newcomers", Timezone: "Europe/London",
		Availability: []mentoringv1alpha1.AvailabilityWindow{{
			Days: []mentoringv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, Start: "00:00", End: "24:00"}},
	}
	for _, t := range testenv.PopulationTopics {
		p.Spec.Goals = append(p.Spec.Goals, mentoringv1alpha1.TopicGoal{Topic: t, Priority: 3})
	}
	return p
}
