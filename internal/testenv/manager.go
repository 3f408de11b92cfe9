package testenv

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	dto "github.com/prometheus/client_model/go"
)

// BuildManager builds the manager binary (cmd/manager) into dir and returns its path.
func BuildManager(dir string) (string, error) {
	path := filepath.Join(dir, "manager")
	cmd := exec.Command("go", "build", "-o", path, "./cmd/manager")
	cmd.Dir = RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the manager: %w\n%s", err, out)
	}
	return path, nil
}

// ManagerOptions say how to run the manager binary.
type ManagerOptions struct {
	// Binary is the manager binary; Kubeconfig reaches the API server.
	Binary, Kubeconfig string
	// Log receives the manager's output (stdout and stderr), across restarts.
	Log io.Writer
	// LeaderElection turns on --leader-elect with this lease and renew deadline, and the Lease in
	// LeaseNamespace.
	LeaderElection               bool
	LeaseDuration, RenewDeadline time.Duration
	LeaseNamespace               string
	// Concurrency, QPS and Burst are --concurrency, --kube-api-qps and --kube-api-burst; zero keeps the
	// binary's defaults, which are what the chart ships.
	Concurrency int
	QPS         float64
	Burst       int
	// Args are further flags.
	Args []string
}

// AddFlags adds the flags of a program that runs the manager binary: -manager for Binary, and
// -concurrency, -kube-api-qps and -kube-api-burst, passed on to the manager.
func (o *ManagerOptions) AddFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.Binary, "manager", "bin/manager", "The manager binary.")
	fs.IntVar(&o.Concurrency, "concurrency", 0, "The manager's --concurrency; 0 keeps the binary's default (the chart's).")
	fs.Float64Var(&o.QPS, "kube-api-qps", 0, "The manager's --kube-api-qps; 0 keeps the binary's default.")
	fs.IntVar(&o.Burst, "kube-api-burst", 0, "The manager's --kube-api-burst; 0 keeps the binary's default.")
}

// ProcessEnv is a control plane for the manager binary run as a process of its own, as the programs
// in hack run it: an Env and a kubeconfig file that reaches it.
type ProcessEnv struct {
	*Env
	// KubeconfigFile is the path of the administrator's kubeconfig.
	KubeconfigFile string
	// temp is a folder that Stop removes, if any.
	temp string
}

// StartProcessEnv starts a control plane as Start does, with its kubeconfig in a temporary folder
// that Stop removes.
func StartProcessEnv() (*ProcessEnv, error) {
	env, err := Start()
	if err != nil {
		return nil, err
	}
	p := &ProcessEnv{Env: env}
	if p.temp, err = os.MkdirTemp("", "testenv"); err == nil {
		p.KubeconfigFile, err = env.Kubeconfig(p.temp)
	}
	if err != nil {
		_ = p.Stop()
		return nil, err
	}
	return p, nil
}

// StartRestartableProcessEnv starts a control plane as StartRestartable does, with its certificates in
// dir/certs and its kubeconfig in dir, which it creates if need be.
func StartRestartableProcessEnv(dir string) (*ProcessEnv, error) {
	certs := filepath.Join(dir, "certs")
	if err := os.MkdirAll(certs, 0o755); err != nil {
		return nil, err
	}
	env, err := StartRestartable(certs)
	if err != nil {
		return nil, err
	}
	p := &ProcessEnv{Env: env}
	if p.KubeconfigFile, err = env.Kubeconfig(dir); err != nil {
		_ = p.Stop()
		return nil, err
	}
	return p, nil
}

// Stop stops the control plane and removes the temporary folder, if any.
func (p *ProcessEnv) Stop() error {
	err := p.Env.Stop()
	if p.temp != "" {
		_ = os.RemoveAll(p.temp)
	}
	return err
}

// StartManager starts the manager binary on the control plane with opts, writing its output to a new
// file at logPath, which stays open while the program runs.
func (p *ProcessEnv) StartManager(opts ManagerOptions, logPath string) (*ManagerProcess, error) {
	logs, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	opts.Kubeconfig, opts.Log = p.KubeconfigFile, logs
	m, err := StartManagerProcess(opts)
	if err != nil {
		_ = logs.Close()
	}
	return m, err
}

// ManagerProcess is the manager binary running as a process of its own, as in a cluster: it can be
// killed with SIGKILL and started again. It always allows loopback calendars and webhooks and serves
// plain-HTTP metrics on a loopback port of its own, kept across restarts.
type ManagerProcess struct {
	opts ManagerOptions
	// MetricsAddr is host:port of the metrics endpoint.
	MetricsAddr string
	// Starts counts the times the process was started.
	Starts int
	cmd    *exec.Cmd
	exited chan struct{}
}

// StartManagerProcess starts the manager binary.
func StartManagerProcess(opts ManagerOptions) (*ManagerProcess, error) {
	addr, err := FreeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	m := &ManagerProcess{opts: opts, MetricsAddr: addr}
	return m, m.Start()
}

// Start starts the process again after it was killed or stopped.
func (m *ManagerProcess) Start() error {
	args := []string{"--kubeconfig=" + m.opts.Kubeconfig, "--allow-loopback", "--feed-bind-address=0",
		"--health-probe-bind-address=0", "--metrics-bind-address=" + m.MetricsAddr, "--metrics-secure=false",
		"--leader-elect=" + strconv.FormatBool(m.opts.LeaderElection)}
	if m.opts.LeaderElection {
		args = append(args, "--leader-elect-lease-duration="+m.opts.LeaseDuration.String(),
			"--leader-elect-renew-deadline="+m.opts.RenewDeadline.String(), "--leader-election-namespace="+m.opts.LeaseNamespace)
	}
	if m.opts.Concurrency > 0 {
		args = append(args, "--concurrency="+strconv.Itoa(m.opts.Concurrency))
	}
	if m.opts.QPS > 0 {
		args = append(args, "--kube-api-qps="+strconv.FormatFloat(m.opts.QPS, 'f', -1, 64))
	}
	if m.opts.Burst > 0 {
		args = append(args, "--kube-api-burst="+strconv.Itoa(m.opts.Burst))
	}
	args = append(args, m.opts.Args...)
	cmd := exec.Command(m.opts.Binary, args...)
	cmd.Stdout, cmd.Stderr = m.opts.Log, m.opts.Log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the manager: %w", err)
	}
	m.cmd, m.exited, m.Starts = cmd, make(chan struct{}), m.Starts+1
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(cmd, m.exited)
	return nil
}

// Pid is the process id of the running manager.
func (m *ManagerProcess) Pid() int { return m.cmd.Process.Pid }

// Running reports whether the process has not exited.
func (m *ManagerProcess) Running() bool {
	if m.cmd == nil {
		return false
	}
	select {
	case <-m.exited:
		return false
	default:
		return true
	}
}

// Kill sends SIGKILL, as the kubelet does when a container is killed, and waits until the process is
// gone. The manager gets no chance to finish anything: writes in flight are cut.
func (m *ManagerProcess) Kill() {
	m.signal(syscall.SIGKILL, 0)
}

// Stop sends SIGTERM and waits up to 30s for a graceful exit, then kills.
func (m *ManagerProcess) Stop() {
	m.signal(syscall.SIGTERM, 30*time.Second)
}

func (m *ManagerProcess) signal(sig syscall.Signal, grace time.Duration) {
	if !m.Running() {
		return
	}
	_ = m.cmd.Process.Signal(sig)
	select {
	case <-m.exited:
	case <-time.After(grace):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

// WaitMetrics waits until the metrics endpoint answers: the manager has started.
func (m *ManagerProcess) WaitMetrics(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		_, err := m.Metrics()
		if err == nil {
			return nil
		}
		if !m.Running() {
			return errors.New("the manager exited")
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Metrics reads the manager's metrics.
func (m *ManagerProcess) Metrics() (Metrics, error) {
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + m.MetricsAddr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics answered %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	return Metrics(families), err
}

// RSS is the manager's resident memory now and at its peak since it started, in bytes.
func (m *ManagerProcess) RSS() (now, peak int64, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.Pid()))
	if err != nil {
		return 0, 0, err
	}
	read := func(field string) int64 {
		for _, line := range strings.Split(string(status), "\n") {
			if value, ok := strings.CutPrefix(line, field+":"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
				return kib << 10
			}
		}
		return 0
	}
	return read("VmRSS"), read("VmHWM"), nil
}

// Metrics are metric families by name.
type Metrics map[string]*dto.MetricFamily

// Sum adds up a counter, gauge or histogram (its sum) family by the value of one label; "" sums all.
func (ms Metrics) Sum(family, label string) map[string]float64 {
	totals := map[string]float64{}
	f := ms[family]
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
		case m.Gauge != nil:
			totals[key] += m.Gauge.GetValue()
		case m.Histogram != nil:
			totals[key] += m.Histogram.GetSampleSum()
		}
	}
	return totals
}

// Total adds up a whole family.
func (ms Metrics) Total(family string) float64 {
	return ms.Sum(family, "")[""]
}

// CPUSeconds reads the CPU time (user and system) of the given processes, by name, and of the control
// plane's kube-apiserver and etcd, found by name.
func CPUSeconds(pids map[string]int) map[string]float64 {
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

// WriteCPUProfile writes to path the CPU profile, over the given seconds, of a process that serves Go's
// profiling endpoints at addr (the manager's --pprof-bind-address).
func WriteCPUProfile(addr, path string, seconds int) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
