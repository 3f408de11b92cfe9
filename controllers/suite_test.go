package controllers_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.UseDevMode(true), zap.Level(zapLevel())))
	// Generous limits: CI machines are slower than laptops, and Eventually returns as soon as it holds.
	SetDefaultEventuallyTimeout(60 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	SetDefaultConsistentlyDuration(3 * time.Second)
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// zapLevel keeps test logs quiet unless TEST_VERBOSE_LOGS is set.
func zapLevel() zapcore.Level {
	if os.Getenv("TEST_VERBOSE_LOGS") != "" {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}

// cacheFor restricts a manager to one namespace, so that tests run side by side.
func cacheFor(namespace string) cache.Options {
	return cache.Options{DefaultNamespaces: map[string]cache.Config{namespace: {}}}
}

// controllerConfig allows several managers in one test process.
func controllerConfig() config.Controller {
	return config.Controller{SkipNameValidation: ptr.To(true)}
}

// manager is a running operator manager with a fake clock.
type manager struct {
	clock *clocktesting.FakePassiveClock
	// client reads through the manager's cache, as the feed server does.
	client client.Client
	stop   context.CancelFunc
	done   chan error
}

// startManager starts the real manager with every controller, watching only namespace.
func startManager(t *testing.T, namespace string, now time.Time) *manager {
	t.Helper()
	return startManagerWith(t, namespace, now, controllers.Options{})
}

// startManagerWith starts the manager with options, watching only namespace; the clock is a fake one
// set to now.
func startManagerWith(t *testing.T, namespace string, now time.Time, opts controllers.Options) *manager {
	t.Helper()
	fake := clocktesting.NewFakePassiveClock(now)
	opts.Clock = fake
	m := runManager(t, env.Config, namespace, opts)
	m.clock = fake
	return m
}

// runManager starts the manager with every controller against the control plane cfg reaches, watching
// only namespace; webhooks and calendars may reach the test's servers on loopback.
func runManager(t *testing.T, cfg *rest.Config, namespace string, opts controllers.Options) *manager {
	t.Helper()
	opts.AllowLoopback, opts.Concurrency = true, 4
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheFor(namespace),
		Controller:             controllerConfig(),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &manager{client: mgr.GetClient(), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	m.stop = cancel
	if err := controllers.Setup(ctx, mgr, opts); err != nil {
		t.Fatal(err)
	}
	go func() { m.done <- mgr.Start(ctx) }()
	t.Cleanup(m.Stop)
	return m
}

// Stop stops the manager and waits for it to finish.
func (m *manager) Stop() {
	if m.stop == nil {
		return
	}
	m.stop()
	m.stop = nil
	<-m.done
}

// newNamespace creates a namespace for one test.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "mentoring-"}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// create creates objects in namespace through the uncached client.
func create(t *testing.T, namespace string, objs ...client.Object) {
	t.Helper()
	for _, obj := range objs {
		obj.SetNamespace(namespace)
		if err := env.Client.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
		}
	}
}

// get reads an object afresh from the API server.
func get[T client.Object](g Gomega, namespace, name string, obj T) T {
	g.Expect(env.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, obj)).To(Succeed())
	return obj
}

// nudge asks for a reconcile now by annotating the object, as a person would with the reconcile
// annotation; tests use it after moving the fake clock.
func nudge(t *testing.T, obj client.Object) {
	t.Helper()
	patch := client.MergeFrom(obj.DeepCopyObject().(client.Object))
	annotations := obj.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[mentoringv1alpha1.ReconcileRequestedAnnotation] = time.Now().Format(time.RFC3339Nano)
	obj.SetAnnotations(annotations)
	if err := env.Client.Patch(context.Background(), obj, patch); err != nil {
		t.Fatal(err)
	}
}
