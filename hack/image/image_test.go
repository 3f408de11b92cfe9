package main

import (
	"archive/tar"
	"context"
	"debug/buildinfo"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

const ref = "ghcr.io/reverse-mentoring-dev/reverse-mentoring-operator:0.1.0"

// TestImageIsReproducibleAndRuns builds the image twice: the digests must be equal. Then it unpacks the
// image's root filesystem and runs its manager there, chrooted and as the image's user, against a real
// control plane: the manager must become ready and pair a programme's participants in their time
// zones, which it can only do with the time zone database compiled in (the image has no other file).
func TestImageIsReproducibleAndRuns(t *testing.T) {
	ctrllog.SetLogger(logr.Discard())
	g := NewWithT(t)
	source := testenv.RepoRoot()
	first, second := filepath.Join(t.TempDir(), "image"), filepath.Join(t.TempDir(), "image")
	digest, err := build(options{ref: ref, out: first, platforms: "linux/amd64", source: source})
	g.Expect(err).NotTo(HaveOccurred())
	again, err := build(options{ref: ref, out: second, platforms: "linux/amd64", source: source})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(Equal(digest), "two builds of the same sources")
	t.Logf("image digest %s", digest)

	img := imageOf(t, first, digest)
	config, err := img.ConfigFile()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(config.Config.User).To(Equal("65532:65532"))
	g.Expect(config.Config.Entrypoint).To(Equal([]string{"/manager"}))
	g.Expect(config.OS + "/" + config.Architecture).To(Equal("linux/amd64"))

	root := unpack(t, img)
	info, err := buildinfo.ReadFile(filepath.Join(root, "manager"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(slices.ContainsFunc(info.Deps, func(m *debug.Module) bool { return m.Path == "golang.org/x/crypto/x509roots/fallback" })).To(BeTrue(),
		"the manager carries root certificates of its own")

	if os.Geteuid() != 0 {
		t.Skip("running the image's manager chrooted needs root (CI runs as root)")
	}
	env, err := testenv.Start()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = env.Stop() })
	g.Expect(os.WriteFile(filepath.Join(root, "kubeconfig"), env.KubeConfig, 0o644)).To(Succeed())
	probe, err := testenv.FreeLoopbackAddr()
	g.Expect(err).NotTo(HaveOccurred())
	logs, err := os.Create(filepath.Join(t.TempDir(), "manager.log"))
	g.Expect(err).NotTo(HaveOccurred())
	manager := exec.Command("/manager", "--kubeconfig=/kubeconfig", "--leader-election-namespace=default", "--metrics-bind-address=0",
		"--feed-bind-address=0", "--health-probe-bind-address="+probe)
	manager.Stdout, manager.Stderr = logs, logs
	manager.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
	g.Expect(manager.Start()).To(Succeed())
	t.Cleanup(func() { _ = manager.Process.Kill(); _ = manager.Wait() })
	managerLog := func() string { data, _ := os.ReadFile(logs.Name()); return string(data) }

	g.Eventually(func() error { return testenv.Ready(probe) }).WithTimeout(time.Minute).Should(Succeed(), func() string { return managerLog() })

	ctx := context.Background()
	today := time.Now().UTC()
	prog := testenv.PopulationProgramme("zones", mentoringv1alpha1.ProgrammeSchedule{Start: mentoringv1alpha1.Date(today.Format(time.DateOnly)),
		End: mentoringv1alpha1.Date(today.AddDate(0, 6, 0).Format(time.DateOnly))})
	prog.Namespace = "default"
	g.Expect(env.Client.Create(ctx, prog)).To(Succeed())
	for _, p := range testenv.Population("zones", 10) {
		p.Namespace = "default"
		g.Expect(env.Client.Create(ctx, &p)).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		var pairings mentoringv1alpha1.PairingList
		g.Expect(env.Client.List(ctx, &pairings, client.InNamespace("default"))).To(Succeed())
		// Without a time zone database no participant is eligible, and nobody is paired.
		g.Expect(pairings.Items).NotTo(BeEmpty())
	}).WithTimeout(2*time.Minute).Should(Succeed(), func() string { return managerLog() })
}

// imageOf reads the image of a layout by its digest.
func imageOf(t *testing.T, path string, digest v1.Hash) v1.Image {
	t.Helper()
	index, err := layout.ImageIndexFromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := index.Image(digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// unpack writes the image's root filesystem into a new folder, readable by the image's user.
func unpack(t *testing.T, img v1.Image) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	files := tar.NewReader(mutate.Extract(img))
	var names []string
	for {
		header, err := files.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, header.Name)
		out, err := os.OpenFile(filepath.Join(root, filepath.Clean("/"+header.Name)), os.O_CREATE|os.O_WRONLY, os.FileMode(header.Mode))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, files); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(names, []string{"manager"}) {
		t.Errorf("the image holds %v, want the manager alone", names)
	}
	return root
}
