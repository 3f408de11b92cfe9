package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// inClusterNamespaceFile holds the namespace of a pod's ServiceAccount; controller-runtime puts the
// leader election Lease there when --leader-election-namespace is not given.
const inClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// watchedNamespaces reads --watch-namespaces, a comma-separated list of namespaces, as the manager's
// cache wants it: nil (every namespace) for an empty list.
func watchedNamespaces(list string) (map[string]cache.Config, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	namespaces := map[string]cache.Config{}
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if problems := validation.IsDNS1123Label(name); len(problems) > 0 {
			return nil, fmt.Errorf("--watch-namespaces: %q is not a namespace name (%s); give names separated by commas, such as mentoring,hr-pilot",
				name, strings.Join(problems, "; "))
		}
		namespaces[name] = cache.Config{}
	}
	return namespaces, nil
}

// namespaceNames lists the keys of watchedNamespaces' answer in order, for the log.
func namespaceNames(namespaces map[string]cache.Config) []string {
	names := make([]string, 0, len(namespaces))
	for name := range namespaces {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// checkLeaderElection fails early, with the fix, where controller-runtime would fail later with a stack
// trace: leader election outside a cluster, where no ServiceAccount namespace file tells where the Lease
// goes, needs --leader-election-namespace.
func checkLeaderElection(enabled bool, namespace, namespaceFile string) error {
	if !enabled || namespace != "" {
		return nil
	}
	if _, err := os.Stat(namespaceFile); err == nil {
		return nil
	}
	return errors.New("leader election needs a namespace for its Lease outside a cluster: pass " +
		"--leader-election-namespace=NAMESPACE, or --leader-elect=false to run a single replica")
}
