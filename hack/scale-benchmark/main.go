// Command scale-benchmark measures the operator at scale on a local control plane (envtest's
// kube-apiserver and etcd), in one run:
//
//  1. the operator: the manager binary runs as its own process; the programme and its participants are
//     created in a namespace, and the clock runs until the programme is Ready having counted every
//     participant and made every pairing the planner plans for them;
//  2. the reference: the manager is stopped and the same objects, the programme, its participants and
//     the pairings the operator made, are created in another namespace: the raw time the API server
//     needs for them.
//
// It prints both times, their ratio and the manager's peak memory. hack/scale-benchmark.sh builds the
// manager and runs this with the sizes of issue 4.
package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func main() {
	var (
		participants, writers int
		manager               string
		timeout               time.Duration
	)
	flag.IntVar(&participants, "participants", 10000, "Participants in the programme.")
	flag.IntVar(&writers, "writers", 16, "Objects created at once, for both runs.")
	flag.StringVar(&manager, "manager", "bin/manager", "The manager binary.")
	flag.DurationVar(&timeout, "timeout", 30*time.Minute, "How long the operator may take.")
	flag.Parse()
	if err := run(participants, writers, manager, timeout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(n, writers int, managerBinary string, timeout time.Duration) error {
	env, err := testenv.StartProcessEnv()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	prog, people := programme(), testenv.Population("scale", n)
	planned, err := planner.Plan(prog, people, nil, time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("Programme of %d participants; the planner makes %d pairings.\n", n, len(planned.Create))

	logs := filepath.Join(os.TempDir(), "scale-benchmark-manager.log")
	mgr, err := env.StartManager(testenv.ManagerOptions{Binary: managerBinary, Concurrency: 16}, logs)
	if err != nil {
		return err
	}
	defer mgr.Kill()
	objects := []client.Object{prog}
	for i := range people {
		objects = append(objects, &people[i])
	}
	before := cpuSeconds(map[string]int{})
	started := time.Now()
	if err := testenv.CreateAll(ctx, env.Client, "operator", objects, writers); err != nil {
		return err
	}
	created := time.Since(started)
	if err := waitReady(ctx, env.Client, "operator", n, len(planned.Create), timeout); err != nil {
		return fmt.Errorf("%w (manager log: %s)", err, logs)
	}
	operator := time.Since(started)
	_, peak, err := mgr.RSS()
	if err != nil {
		return err
	}
	work, err := managerWork(mgr)
	if err != nil {
		return err
	}
	cpu := minus(cpuSeconds(map[string]int{"manager": mgr.Pid()}), before)
	mgr.Kill()

	var pairings mentoringv1alpha1.PairingList
	if err := env.Client.List(ctx, &pairings, client.InNamespace("operator")); err != nil {
		return err
	}
	reference := []client.Object{programme()}
	for _, p := range testenv.Population("scale", n) {
		reference = append(reference, &p)
	}
	for _, p := range pairings.Items {
		reference = append(reference, &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec})
	}
	before = cpuSeconds(map[string]int{})
	started = time.Now()
	if err := testenv.CreateAll(ctx, env.Client, "raw", reference, writers); err != nil {
		return err
	}
	raw := time.Since(started)
	rawCPU := minus(cpuSeconds(map[string]int{}), before)

	fmt.Printf("%-34s %10s\n", "", "seconds")
	fmt.Printf("%-34s %10.1f  (%d objects)\n", "raw create (reference)", raw.Seconds(), len(reference))
	fmt.Printf("%-34s %10.1f\n", "operator: apply", created.Seconds())
	fmt.Printf("%-34s %10.1f\n", "operator: apply to Programme Ready", operator.Seconds())
	fmt.Printf("%-34s %10.2f  (target at most 2)\n", "ratio", operator.Seconds()/raw.Seconds())
	fmt.Printf("%-34s %10d  MiB (target under 300)\n", "manager peak memory", peak>>20)
	fmt.Println("\nWhat the manager did:")
	fmt.Print(work)
	fmt.Printf("\n%-16s %10s %10s\n", "CPU seconds", "operator", "raw")
	for _, name := range slices.Sorted(maps.Keys(cpu)) {
		fmt.Printf("  %-14s %10.1f %10.1f\n", name, cpu[name], rawCPU[name])
	}
	return nil
}

// minus subtracts the CPU seconds each process had used before.
func minus(after, before map[string]float64) map[string]float64 {
	for name := range after {
		after[name] -= before[name]
	}
	return after
}

// cpuSeconds reads the CPU time (user and system) of the given processes and of the control plane's
// kube-apiserver and etcd, found by name.
func cpuSeconds(pids map[string]int) map[string]float64 {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
			if name := strings.TrimSpace(string(comm)); name == "kube-apiserver" || name == "etcd" {
				pids[name] = pid
			}
		}
	}
	out := map[string]float64{}
	for name, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		utime, _ := strconv.ParseFloat(fields[11], 64)
		stime, _ := strconv.ParseFloat(fields[12], 64)
		out[name] = (utime + stime) / 100 // clock ticks, 100 per second on Linux
	}
	return out
}

// managerWork summarises the manager's own metrics: reconciles and their time per controller, and
// requests to the API server by method.
func managerWork(mgr *testenv.ManagerProcess) (string, error) {
	metrics, err := mgr.Metrics()
	if err != nil {
		return "", err
	}
	var out strings.Builder
	reconciles, seconds := metrics.Sum("controller_runtime_reconcile_total", "controller"), metrics.Sum("controller_runtime_reconcile_time_seconds", "controller")
	for _, c := range slices.Sorted(maps.Keys(reconciles)) {
		fmt.Fprintf(&out, "  %-12s %7.0f reconciles %8.1f s\n", c, reconciles[c], seconds[c])
	}
	requests := metrics.Sum("rest_client_requests_total", "method")
	for _, m := range slices.Sorted(maps.Keys(requests)) {
		fmt.Fprintf(&out, "  %-12s %7.0f requests\n", m, requests[m])
	}
	return out.String(), nil
}

// waitReady waits until the programme is Ready for its latest generation, counts every participant and
// has every planned pairing.
func waitReady(ctx context.Context, c client.Client, namespace string, participants, pairings int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last mentoringv1alpha1.ProgrammeStatus
	for time.Now().Before(deadline) {
		p := &mentoringv1alpha1.Programme{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: "scale"}, p); err != nil {
			return err
		}
		last = p.Status
		if meta.IsStatusConditionTrue(p.Status.Conditions, mentoringv1alpha1.ReadyCondition) && p.Status.ObservedGeneration == p.Generation &&
			int(p.Status.Participants) == participants && int(p.Status.Pairings) == pairings {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the programme was not ready after %s: %d of %d participants, %d of %d pairings",
		timeout, last.Participants, participants, last.Pairings, pairings)
}

// programme is the benchmark's programme, with the population testenv.Population makes.
func programme() *mentoringv1alpha1.Programme {
	return testenv.PopulationProgramme("scale", mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-12-17",
		EnrolmentDeadline: "2027-02-26", TimeZone: "Europe/London"})
}
