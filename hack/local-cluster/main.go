// Command local-cluster runs a real etcd and kube-apiserver on loopback with the project's CRDs
// installed, writes a kubeconfig for them, and keeps them running until it receives SIGTERM or SIGINT.
// hack/local-cluster.sh starts it in the background.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: local-cluster STATE_DIR")
		os.Exit(2)
	}
	stateDir := os.Args[1]
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Written last: its presence tells the script that the control plane is up.
	kubeconfig := filepath.Join(stateDir, "kubeconfig")
	if err := os.WriteFile(kubeconfig+".tmp", env.KubeConfig, 0o600); err == nil {
		err = os.Rename(kubeconfig+".tmp", kubeconfig)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = env.Stop()
		os.Exit(1)
	}
	fmt.Printf("Control plane is up at %s\n", env.Config.Host)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
