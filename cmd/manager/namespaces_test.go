package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestWatchedNamespaces(t *testing.T) {
	for _, all := range []string{"", " "} {
		if got, err := watchedNamespaces(all); got != nil || err != nil {
			t.Errorf("watchedNamespaces(%q) = %v, %v; want every namespace (nil)", all, got, err)
		}
	}
	got, err := watchedNamespaces("mentoring, hr-pilot,mentoring")
	if err != nil {
		t.Fatal(err)
	}
	if names := namespaceNames(got); !slices.Equal(names, []string{"hr-pilot", "mentoring"}) {
		t.Errorf("namespaces = %v, want hr-pilot and mentoring", names)
	}
	for _, bad := range []string{"Mentoring", "mentoring,", "a b", "mentoring;hr"} {
		_, err := watchedNamespaces(bad)
		if err == nil || !strings.Contains(err.Error(), "--watch-namespaces") || !strings.Contains(err.Error(), "separated by commas") {
			t.Errorf("watchedNamespaces(%q): err = %v, want one naming the flag and the fix", bad, err)
		}
	}
}

func TestCheckLeaderElection(t *testing.T) {
	inCluster := filepath.Join(t.TempDir(), "namespace")
	if err := os.WriteFile(inCluster, []byte("reverse-mentoring-system"), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "absent")
	for _, ok := range []struct {
		enabled           bool
		namespace, nsFile string
	}{
		{false, "", outside},
		{true, "mentoring-system", outside},
		{true, "", inCluster},
	} {
		if err := checkLeaderElection(ok.enabled, ok.namespace, ok.nsFile); err != nil {
			t.Errorf("checkLeaderElection(%v, %q, %s) = %v, want nil", ok.enabled, ok.namespace, ok.nsFile, err)
		}
	}
	err := checkLeaderElection(true, "", outside)
	if err == nil || !strings.Contains(err.Error(), "--leader-election-namespace=") || !strings.Contains(err.Error(), "--leader-elect=false") {
		t.Errorf("outside a cluster without a namespace: err = %v, want one naming both fixes", err)
	}
}
