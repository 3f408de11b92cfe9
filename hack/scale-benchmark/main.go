// Command scale-benchmark measures the operator at scale on a local control plane (envtest's
// kube-apiserver and etcd), in one run:
//
//  1. the operator: the manager binary runs as its own process; the programme and its participants are
//     created in a namespace, and the clock runs until the programme is Ready having counted every
//     participant and made every pairing the planner plans for them;
//  2. the reference: the manager is stopped and the same objects, the programme, its participants and
//     the pairings the operator made, are created in another namespace: the raw time the API server
//     needs for them;
//  3. the floor: the same objects created again in a third namespace, each followed by one write of
//     the status the operator gave it: the least an operator that reports on every object must write.
//
// It prints the times, the operator's ratio to each reference and the manager's peak memory.
// hack/scale-benchmark.sh builds the manager and runs this with the sizes of issue 4. With -profile DIR
// it also writes CPU profiles of the kube-apiserver and the manager over the operator's first
// -profile-for, and the manager's allocations until the programme is Ready, for go tool pprof.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func main() {
	var (
		participants, writers int
		profile               string
		timeout, profileFor   time.Duration
		manager               testenv.ManagerOptions
	)
	flag.IntVar(&participants, "participants", 10000, "Participants in the programme.")
	flag.IntVar(&writers, "writers", 16, "Objects created at once, for both runs.")
	manager.AddFlags(flag.CommandLine)
	flag.DurationVar(&timeout, "timeout", 30*time.Minute, "How long the operator may take.")
	flag.StringVar(&profile, "profile", "", "Folder for CPU profiles of the kube-apiserver and the manager; none if empty.")
	flag.DurationVar(&profileFor, "profile-for", time.Minute, "How long the profiles last from the apply.")
	flag.Parse()
	if err := run(participants, writers, manager, timeout, profiler{dir: profile, duration: profileFor}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(n, writers int, manager testenv.ManagerOptions, timeout time.Duration, profiles profiler) error {
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
	pprofAddr, err := testenv.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	manager.Args = append(manager.Args, "--pprof-bind-address="+pprofAddr)
	mgr, err := env.StartManager(manager, logs)
	if err != nil {
		return err
	}
	defer mgr.Kill()
	if err := mgr.WaitMetrics(time.Minute); err != nil {
		return err
	}
	profiled := profiles.start(env, pprofAddr)
	objects := []client.Object{prog}
	for i := range people {
		objects = append(objects, &people[i])
	}
	before := testenv.CPUSeconds(map[string]int{})
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
	cpu := minus(testenv.CPUSeconds(map[string]int{"manager": mgr.Pid()}), before)
	if err := profiled(); err != nil {
		return err
	}
	mgr.Kill()

	reference, floor, err := references(ctx, env.Client, n)
	if err != nil {
		return err
	}
	before = testenv.CPUSeconds(map[string]int{})
	started = time.Now()
	if err := testenv.CreateAll(ctx, env.Client, "raw", reference, writers); err != nil {
		return err
	}
	raw := time.Since(started)
	rawCPU := minus(testenv.CPUSeconds(map[string]int{}), before)
	before = testenv.CPUSeconds(map[string]int{})
	started = time.Now()
	if err := createWithStatus(ctx, env.Client, "floor", floor, writers); err != nil {
		return err
	}
	floorTime := time.Since(started)
	floorCPU := minus(testenv.CPUSeconds(map[string]int{}), before)

	fmt.Printf("%-40s %10s\n", "", "seconds")
	fmt.Printf("%-40s %10.1f  (%d objects)\n", "raw create (reference)", raw.Seconds(), len(reference))
	fmt.Printf("%-40s %10.1f  (%d objects, then their status)\n", "raw create and status write (floor)", floorTime.Seconds(), len(floor))
	fmt.Printf("%-40s %10.1f\n", "operator: apply", created.Seconds())
	fmt.Printf("%-40s %10.1f\n", "operator: apply to Programme Ready", operator.Seconds())
	fmt.Printf("%-40s %10.2f  (target at most 2)\n", "ratio to raw create", operator.Seconds()/raw.Seconds())
	fmt.Printf("%-40s %10.2f\n", "ratio to the floor", operator.Seconds()/floorTime.Seconds())
	fmt.Printf("%-40s %10d  MiB (target under 300)\n", "manager peak memory", peak>>20)
	fmt.Println("\nWhat the manager did:")
	fmt.Print(work)
	fmt.Printf("\n%-16s %10s %10s %10s\n", "CPU seconds", "operator", "raw", "floor")
	for _, name := range slices.Sorted(maps.Keys(cpu)) {
		fmt.Printf("  %-14s %10.1f %10.1f %10.1f\n", name, cpu[name], rawCPU[name], floorCPU[name])
	}
	return nil
}

// references are the objects of the two reference runs, from what the operator made: the programme,
// its participants and the pairings the operator created, without status (raw) and with the status
// the operator wrote (floor): the least any operator must write for the same outcome.
func references(ctx context.Context, c client.Client, n int) (raw, floor []client.Object, err error) {
	var programmes mentoringv1alpha1.ProgrammeList
	var participants mentoringv1alpha1.ParticipantList
	var pairings mentoringv1alpha1.PairingList
	for _, list := range []client.ObjectList{&programmes, &participants, &pairings} {
		if err := c.List(ctx, list, client.InNamespace("operator")); err != nil {
			return nil, nil, err
		}
	}
	raw = []client.Object{programme()}
	for _, p := range testenv.Population("scale", n) {
		raw = append(raw, &p)
	}
	for _, p := range programmes.Items {
		floor = append(floor, &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec, Status: p.Status})
	}
	for _, p := range participants.Items {
		floor = append(floor, &mentoringv1alpha1.Participant{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec, Status: p.Status})
	}
	for _, p := range pairings.Items {
		raw = append(raw, &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec})
		floor = append(floor, &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Labels: p.Labels}, Spec: p.Spec, Status: p.Status})
	}
	return raw, floor, nil
}

// createWithStatus creates the namespace and copies of the objects in it, each followed by a write of
// its status, writers at a time.
func createWithStatus(ctx context.Context, c client.Client, namespace string, objs []client.Object, writers int) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	return testenv.Parallel(writers, objs, func(obj client.Object) error {
		withStatus := obj.DeepCopyObject().(client.Object)
		withStatus.SetNamespace(namespace)
		created := withStatus.DeepCopyObject().(client.Object)
		if err := c.Create(ctx, created); err != nil {
			return fmt.Errorf("creating %s: %w", obj.GetName(), err)
		}
		withStatus.SetResourceVersion(created.GetResourceVersion())
		withStatus.SetUID(created.GetUID())
		withStatus.SetCreationTimestamp(created.GetCreationTimestamp())
		// created has the status the API server kept on create: none.
		return c.Status().Patch(ctx, withStatus, client.MergeFrom(created))
	})
}

// profiler takes CPU profiles of the kube-apiserver and the manager, if dir is set.
type profiler struct {
	dir      string
	duration time.Duration
}

// start starts both profiles and returns a function that waits for them and writes them to the
// folder.
func (p profiler) start(env *testenv.ProcessEnv, managerPprof string) func() error {
	if p.dir == "" {
		return func() error { return nil }
	}
	query := fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(p.duration.Seconds()))
	apiserver, err := rest.HTTPClientFor(env.Config)
	if err != nil {
		return func() error { return err }
	}
	var profiles errgroup.Group
	fetch := func(name string, c *http.Client, url string) {
		profiles.Go(func() error {
			resp, err := c.Get(url)
			if err != nil {
				return err
			}
			defer func() { _ = resp.Body.Close() }()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("profiling the %s: %s", name, resp.Status)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(p.dir, name+".pprof"), body, 0o644)
		})
	}
	fetch("kube-apiserver", apiserver, strings.TrimSuffix(env.Config.Host, "/")+query)
	fetch("manager", http.DefaultClient, "http://"+managerPprof+query)
	return func() error {
		if err := profiles.Wait(); err != nil {
			return err
		}
		// The manager's allocations since it started, by where they were made.
		fetch("manager-heap", http.DefaultClient, "http://"+managerPprof+"/debug/pprof/heap")
		if err := profiles.Wait(); err != nil {
			return err
		}
		fmt.Printf("CPU profiles in %s: go tool pprof -top %s; the manager's allocations: go tool pprof -sample_index=alloc_space -top %s\n",
			p.dir, filepath.Join(p.dir, "kube-apiserver.pprof"), filepath.Join(p.dir, "manager-heap.pprof"))
		return nil
	}
}

// minus subtracts the CPU seconds each process had used before.
func minus(after, before map[string]float64) map[string]float64 {
	for name := range after {
		after[name] -= before[name]
	}
	return after
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
