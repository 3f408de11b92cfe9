package testenv

import (
	"fmt"
	"net"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// StartRestartable is Start with the API server's serving certificates kept in certDir. envtest
// otherwise makes new ones, signed by a new authority, when its API server starts again, and clients
// that trusted the first could never reconnect. With them kept, StopAPIServer and StartAPIServer bring the same
// server back on the same address over the same etcd, as a control-plane upgrade does.
func StartRestartable(certDir string) (*Env, error) {
	return start(func(env *envtest.Environment) {
		// kube-apiserver drains for up to a minute when stopped with clients watching; a restart
		// does not wait that long: after five seconds it is killed.
		env.ControlPlaneStopTimeout = 5 * time.Second
		env.ControlPlane.APIServer = &envtest.APIServer{CertDir: certDir}
	})
}

// StopAPIServer stops kube-apiserver of an Env started by StartRestartable; etcd keeps running. The
// server gets SIGTERM and five seconds to drain, then SIGKILL. It returns once the server's port is
// free.
func (e *Env) StopAPIServer() error {
	s := e.ControlPlane.APIServer
	if err := s.Stop(); err != nil && !strings.Contains(err.Error(), "timeout waiting for process") {
		return fmt.Errorf("stopping the API server: %w", err)
	}
	addr := net.JoinHostPort(s.SecureServing.Address, s.SecureServing.Port)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return nil
		}
		conn.Close()
	}
	return fmt.Errorf("the API server still listens on %s", addr)
}

// StartAPIServer starts kube-apiserver again after StopAPIServer, on the same address with the same
// certificates, and returns when it is healthy.
func (e *Env) StartAPIServer() error {
	if err := e.ControlPlane.APIServer.Start(); err != nil {
		return fmt.Errorf("starting the API server again: %w", err)
	}
	return nil
}
