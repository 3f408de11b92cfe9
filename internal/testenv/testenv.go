// Package testenv starts a real kube-apiserver and etcd (controller-runtime's envtest) with the project's
// CRDs installed. It is test support: only tests and benchmarks import it.
//
// The binaries come from KUBEBUILDER_ASSETS; when it is unset, hack/envtest-assets.sh builds them (once,
// cached outside the work tree) and says where they are.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Env is a running control plane.
type Env struct {
	*envtest.Environment
	// Config reaches the API server as an administrator.
	Config *rest.Config
	// Client is an uncached client for assertions.
	Client client.Client
}

// RepoRoot is the repository's top folder.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Start starts etcd and kube-apiserver and installs the CRDs from config/crd/bases.
func Start() (*Env, error) {
	return start(func(*envtest.Environment) {})
}

// start is Start with the environment changed by configure before it starts.
func start(configure func(*envtest.Environment)) (*Env, error) {
	if err := mentoringv1alpha1.AddToScheme(scheme.Scheme); err != nil {
		return nil, err
	}
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
	}
	// As in a cluster, where it is on by default, /debug/pprof serves profiles to an administrator.
	env.ControlPlane.GetAPIServer().Configure().Set("profiling", "true")
	configure(env)
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("starting envtest with assets in %s: %w", assets, err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	return &Env{Environment: env, Config: cfg, Client: c}, nil
}

// Assets returns the folder holding kube-apiserver, etcd and kubectl: KUBEBUILDER_ASSETS, or what
// hack/envtest-assets.sh builds.
func Assets() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	cmd := exec.Command(filepath.Join(RepoRoot(), "hack", "envtest-assets.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building envtest binaries with hack/envtest-assets.sh: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	// Later Start calls in this process reuse the answer.
	return dir, os.Setenv("KUBEBUILDER_ASSETS", dir)
}

// Kubeconfig writes a kubeconfig for the administrator into dir and returns its path.
func (e *Env) Kubeconfig(dir string) (string, error) {
	path := filepath.Join(dir, "kubeconfig")
	return path, os.WriteFile(path, e.KubeConfig, 0o600)
}
