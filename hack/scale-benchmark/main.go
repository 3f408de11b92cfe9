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
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
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
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	dir, err := os.MkdirTemp("", "scale-benchmark")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kubeconfig, err := env.Kubeconfig(dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	prog, people := programme(), generate(n)
	planned, err := planner.Plan(prog, people, nil, time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("Programme of %d participants; the planner makes %d pairings.\n", n, len(planned.Create))

	logs, err := os.Create(filepath.Join(os.TempDir(), "scale-benchmark-manager.log"))
	if err != nil {
		return err
	}
	metricsAddr, err := testenv.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	mgr := exec.Command(managerBinary, "--kubeconfig="+kubeconfig, "--leader-elect=false", "--metrics-bind-address="+metricsAddr, "--metrics-secure=false",
		"--health-probe-bind-address=0", "--feed-bind-address=0", "--kube-api-qps=500", "--kube-api-burst=1000", "--concurrency=16")
	mgr.Stdout, mgr.Stderr = logs, logs
	if err := mgr.Start(); err != nil {
		return err
	}
	objects := []client.Object{prog}
	for i := range people {
		objects = append(objects, &people[i])
	}
	before := cpuSeconds(map[string]int{})
	started := time.Now()
	if err := createAll(ctx, env.Client, "operator", objects, writers); err != nil {
		return err
	}
	created := time.Since(started)
	if err := waitReady(ctx, env.Client, "operator", n, len(planned.Create), timeout); err != nil {
		return fmt.Errorf("%w (manager log: %s)", err, logs.Name())
	}
	operator := time.Since(started)
	peak, err := peakMemory(mgr.Process.Pid)
	if err != nil {
		return err
	}
	work, err := managerWork(metricsAddr)
	if err != nil {
		return err
	}
	cpu := minus(cpuSeconds(map[string]int{"manager": mgr.Process.Pid}), before)
	_ = mgr.Process.Kill()
	_ = mgr.Wait()

	var pairings mentoringv1alpha1.PairingList
	if err := env.Client.List(ctx, &pairings, client.InNamespace("operator")); err != nil {
		return err
	}
	reference := []client.Object{programme()}
	for _, p := range generate(n) {
		reference = append(reference, &p)
	}
	for _, p := range pairings.Items {
		reference = append(reference, &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec})
	}
	before = cpuSeconds(map[string]int{})
	started = time.Now()
	if err := createAll(ctx, env.Client, "raw", reference, writers); err != nil {
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
func managerWork(addr string) (string, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	sum := func(family, label string) map[string]float64 {
		totals := map[string]float64{}
		f := families[family]
		if f == nil {
			return totals
		}
		for _, m := range f.Metric {
			key := ""
			for _, l := range m.Label {
				if l.GetName() == label {
					key = l.GetValue()
				}
			}
			switch {
			case m.Counter != nil:
				totals[key] += m.Counter.GetValue()
			case m.Histogram != nil:
				totals[key] += m.Histogram.GetSampleSum()
			}
		}
		return totals
	}
	reconciles, seconds := sum("controller_runtime_reconcile_total", "controller"), sum("controller_runtime_reconcile_time_seconds", "controller")
	for _, c := range slices.Sorted(maps.Keys(reconciles)) {
		fmt.Fprintf(&out, "  %-12s %7.0f reconciles %8.1f s\n", c, reconciles[c], seconds[c])
	}
	requests := sum("rest_client_requests_total", "method")
	for _, m := range slices.Sorted(maps.Keys(requests)) {
		fmt.Fprintf(&out, "  %-12s %7.0f requests\n", m, requests[m])
	}
	return out.String(), nil
}

// createAll creates the namespace and the objects in it, writers at a time.
func createAll(ctx context.Context, c client.Client, namespace string, objs []client.Object, writers int) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	objects := make(chan client.Object)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for obj := range objects {
				obj.SetNamespace(namespace)
				if err := c.Create(ctx, obj); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for _, obj := range objs {
		objects <- obj.DeepCopyObject().(client.Object)
	}
	close(objects)
	wg.Wait()
	close(errs)
	return <-errs
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

// peakMemory is a process's peak resident memory, in bytes.
func peakMemory(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if value, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			return kib << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

var (
	topics  = []mentoringv1alpha1.Topic{"ai", "social-media", "remote-work", "inclusion", "data-literacy", "younger-customers"}
	zones   = []mentoringv1alpha1.TimeZone{"Europe/London", "America/New_York", "Asia/Singapore"}
	workday = []mentoringv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
)

func programme() *mentoringv1alpha1.Programme {
	return &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Name: "scale"},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose: "Leaders learn digital skills from the people who live them.",
			Topics:  topics,
			Schedule: mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-12-17", EnrolmentDeadline: "2027-02-26",
				TimeZone: "Europe/London"},
			Matching: mentoringv1alpha1.MatchingPolicy{MaxMenteesPerMentor: 3},
		},
	}
}

// generate returns n participants, 40% mentors, drawn from a fixed seed: three time zones, office
// hours on some weekdays, one or two topics each, six departments, some management chains.
func generate(n int) []mentoringv1alpha1.Participant {
	r := rand.New(rand.NewPCG(1, 2))
	mentors := n * 2 / 5
	people := make([]mentoringv1alpha1.Participant, n)
	for i := range people {
		p := &people[i]
		mentor := i < mentors
		p.Name = fmt.Sprintf("mentee-%05d", i-mentors)
		p.Spec = mentoringv1alpha1.ParticipantSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: "scale"},
			Role:         mentoringv1alpha1.RoleMentee, Seniority: int32(6 + r.IntN(15)),
			Department: fmt.Sprintf("dept-%d", r.IntN(6)), Timezone: zones[r.IntN(len(zones))],
		}
		for range 3 + r.IntN(4) {
			start := 6 + r.IntN(14)
			p.Spec.Availability = append(p.Spec.Availability, mentoringv1alpha1.AvailabilityWindow{
				Days: []mentoringv1alpha1.Weekday{workday[r.IntN(5)]}, Start: fmt.Sprintf("%02d:00", start), End: fmt.Sprintf("%02d:00", min(start+2+r.IntN(7), 24)),
			})
		}
		chosen := r.Perm(len(topics))[:1+r.IntN(2)]
		if mentor {
			p.Name = fmt.Sprintf("mentor-%05d", i)
			p.Spec.Role, p.Spec.Seniority, p.Spec.Capacity = mentoringv1alpha1.RoleMentor, int32(1+r.IntN(8)), ptr.To(int32(1+r.IntN(3)))
			for _, t := range chosen {
				p.Spec.Expertise = append(p.Spec.Expertise, mentoringv1alpha1.TopicExpertise{Topic: topics[t], Level: int32(1 + r.IntN(5))})
			}
			if r.IntN(4) == 0 {
				p.Spec.ManagementChain = []string{fmt.Sprintf("mentee-%05d@example.org", r.IntN(n-mentors))}
			}
		} else {
			for _, t := range chosen {
				p.Spec.Goals = append(p.Spec.Goals, mentoringv1alpha1.TopicGoal{Topic: topics[t], Priority: int32(1 + r.IntN(5))})
			}
		}
		p.Spec.DisplayName = "Person " + p.Name
		p.Spec.Email = mentoringv1alpha1.Email(p.Name + "@example.org")
	}
	return people
}
