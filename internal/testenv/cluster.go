package testenv

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Cluster is a control plane that behaves like a cluster's, short of nodes: kube-apiserver with the
// admission plugins a cluster has (ServiceAccount, PodSecurity) and an audit log, etcd, and
// kube-controller-manager, whose controllers make a Deployment's pods and aggregate ClusterRoles. No
// kubelet runs the pods.
type Cluster struct {
	*Env
	// KubeconfigFile reaches the API server as an administrator.
	KubeconfigFile string
	auditLog       string
	controllers    *exec.Cmd
}

// auditPolicy records who asked for what, and the answer, of every request.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`

// StartCluster starts a Cluster with its files in dir. kube-controller-manager comes from
// hack/envtest-assets.sh kube-controller-manager, which builds it the first time.
func StartCluster(dir string) (*Cluster, error) {
	policy := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	c := &Cluster{auditLog: filepath.Join(dir, "audit.log")}
	env, err := start(func(e *envtest.Environment) {
		args := e.ControlPlane.GetAPIServer().Configure()
		// envtest turns the ServiceAccount plugin off; a cluster has it, and PodSecurity, on.
		args.Disable("disable-admission-plugins")
		args.Set("audit-policy-file", policy).Set("audit-log-path", c.auditLog)
	})
	if err != nil {
		return nil, err
	}
	c.Env = env
	if c.KubeconfigFile, err = env.Kubeconfig(dir); err == nil {
		err = c.startControllerManager(dir)
	}
	if err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) startControllerManager(dir string) error {
	script := exec.Command(filepath.Join(RepoRoot(), "hack", "envtest-assets.sh"), "kube-controller-manager")
	script.Stderr = os.Stderr
	out, err := script.Output()
	if err != nil {
		return fmt.Errorf("building kube-controller-manager with hack/envtest-assets.sh: %w", err)
	}
	logs, err := os.Create(filepath.Join(dir, "kube-controller-manager.log"))
	if err != nil {
		return err
	}
	c.controllers = exec.Command(strings.TrimSpace(string(out)), "--kubeconfig="+c.KubeconfigFile,
		"--authentication-kubeconfig="+c.KubeconfigFile, "--authorization-kubeconfig="+c.KubeconfigFile,
		"--controllers=deployment-controller,replicaset-controller,clusterrole-aggregation-controller,serviceaccount-controller",
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0", "--concurrent-deployment-syncs=2")
	c.controllers.Stdout, c.controllers.Stderr = logs, logs
	return c.controllers.Start()
}

// Stop stops kube-controller-manager, then the control plane.
func (c *Cluster) Stop() error {
	if c.controllers != nil && c.controllers.Process != nil {
		_ = c.controllers.Process.Kill()
		_ = c.controllers.Wait()
	}
	return c.Env.Stop()
}

// AuditEvent is one request the API server answered, as its audit log records it.
type AuditEvent struct {
	Verb       string `json:"verb"`
	RequestURI string `json:"requestURI"`
	UserAgent  string `json:"userAgent"`
	User       struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		Resource, Namespace, Name, Subresource string
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
}

// Code is the HTTP status of the answer, or 0 for a request still open (a watch).
func (e AuditEvent) Code() int {
	if e.ResponseStatus == nil {
		return 0
	}
	return e.ResponseStatus.Code
}

func (e AuditEvent) String() string {
	return fmt.Sprintf("%s %s by %s (%s): %d", e.Verb, e.RequestURI, e.User.Username, e.UserAgent, e.Code())
}

// Audit returns the requests of a user so far.
func (c *Cluster) Audit(username string) ([]AuditEvent, error) {
	f, err := os.Open(c.auditLog)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var events []AuditEvent
	lines := bufio.NewScanner(f)
	lines.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for lines.Scan() {
		var e AuditEvent
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.User.Username == username {
			events = append(events, e)
		}
	}
	return events, lines.Err()
}

// Ready says whether a manager's readiness probe at addr (host:port) answers 200 OK.
func Ready(addr string) error {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}
