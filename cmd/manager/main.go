// Command manager runs the reverse-mentoring operator: the Programme, Participant and Pairing
// controllers, with leader election, health probes and secure metrics.
package main

import (
	"flag"
	"os"
	"time"
	// The image has no files but the manager: Go's copy of the time zone database and Mozilla's root
	// certificates (used only where the system has none) are compiled in.
	_ "time/tzdata"

	uberzap "go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	_ "golang.org/x/crypto/x509roots/fallback"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
)

func main() {
	var (
		metricsAddr    string
		secureMetrics  bool
		probeAddr      string
		leaderElection bool
		leaseNamespace string
		watch          string
		leaseDuration  time.Duration
		renewDeadline  time.Duration
		concurrency    int
		apiQPS         float64
		apiBurst       int
		allowLoopback  bool
		feedAddr       string
		feedBaseURL    string
		pprofAddr      string
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "Address of the metrics endpoint; 0 disables it.")
	flag.BoolVar(&secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS, to callers authorised by the API server.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address of the /healthz and /readyz probes.")
	flag.BoolVar(&leaderElection, "leader-elect", true, "Elect a leader, so that only one replica acts at a time.")
	flag.StringVar(&leaseNamespace, "leader-election-namespace", "", "Namespace of the leader election Lease; empty means the pod's own namespace, so it must be given outside a cluster.")
	flag.StringVar(&watch, "watch-namespaces", "", "Comma-separated namespaces whose programmes the manager serves; empty means every namespace.")
	flag.DurationVar(&leaseDuration, "leader-elect-lease-duration", 15*time.Second, "How long a leader's lease lasts without renewal.")
	flag.DurationVar(&renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "How long the leader tries to renew before giving up.")
	flag.IntVar(&concurrency, "concurrency", 4, "Objects each controller reconciles at once.")
	flag.Float64Var(&apiQPS, "kube-api-qps", 0, "Sustained requests per second to the API server; 0 sets no limit in the client, and the API server's Priority and Fairness shares out its capacity.")
	flag.IntVar(&apiBurst, "kube-api-burst", 0, "Burst of requests to the API server, with --kube-api-qps.")
	flag.BoolVar(&allowLoopback, "allow-loopback", false, "Let webhooks and calendars reach loopback addresses (local development only).")
	flag.StringVar(&feedAddr, "feed-bind-address", ":8082", "Address of the participant-facing server (calendar feeds and personal pages); 0 disables it.")
	flag.StringVar(&feedBaseURL, "feed-base-url", "http://localhost:8082", "URL at which people and their calendars reach the participant-facing server; feed URLs and personal links start with it.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "0", "Address of Go's profiling endpoints (/debug/pprof), for measurements; 0 disables them.")
	// Errors are one line, as in Kubernetes' own components; --zap-stacktrace-level=error adds traces.
	zapOptions := zap.Options{StacktraceLevel: zapcore.PanicLevel}
	zapOptions.BindFlags(flag.CommandLine)
	flag.Parse()
	capVerbosity(&zapOptions)
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOptions)))
	log := ctrl.Log.WithName("setup")
	namespaces, err := watchedNamespaces(watch)
	if err != nil {
		fail(log, err, "Invalid flag")
	}
	if err := checkLeaderElection(leaderElection, leaseNamespace, inClusterNamespaceFile); err != nil {
		fail(log, err, "Invalid flags")
	}
	if limit := setMemoryLimit(cgroupMemoryMax); limit > 0 {
		log.Info("Set the Go memory limit to 90% of the container's", "bytes", limit)
	}

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		fail(log, err, "Failed to build the scheme")
	}
	if err := mentoringv1alpha1.AddToScheme(scheme); err != nil {
		fail(log, err, "Failed to build the scheme")
	}

	config, err := ctrl.GetConfig()
	if err != nil {
		fail(log, err, "Failed to find the API server: set --kubeconfig or KUBECONFIG, or run in a cluster")
	}
	if apiQPS > 0 {
		config.QPS, config.Burst = float32(apiQPS), max(apiBurst, int(apiQPS))
	}
	metricsOptions := metricsserver.Options{BindAddress: metricsAddr, SecureServing: secureMetrics}
	if secureMetrics {
		metricsOptions.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	mgr, err := ctrl.NewManager(config, ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       metricsOptions,
		HealthProbeBindAddress:        probeAddr,
		PprofBindAddress:              pprofAddr,
		LeaderElection:                leaderElection,
		LeaderElectionID:              "reverse-mentoring-operator.mentoring.reverse-mentoring.dev",
		LeaderElectionNamespace:       leaseNamespace,
		LeaderElectionReleaseOnCancel: true,
		LeaseDuration:                 &leaseDuration,
		RenewDeadline:                 &renewDeadline,
		// Nothing reads managedFields, so the cache does not keep them.
		Cache: cache.Options{DefaultTransform: cache.TransformStripManagedFields(), DefaultNamespaces: namespaces},
	})
	if err != nil {
		fail(log, err, "Failed to create the manager")
	}
	if namespaces != nil {
		log.Info("Serving only the watched namespaces", "namespaces", namespaceNames(namespaces))
	}
	ctx := ctrl.SetupSignalHandler()
	options := controllers.Options{Concurrency: concurrency, AllowLoopback: allowLoopback, FeedBaseURL: feedBaseURL}
	if err := controllers.Setup(ctx, mgr, options); err != nil {
		fail(log, err, "Failed to set up the controllers")
	}
	if feedAddr != "0" {
		handler, err := controllers.ParticipantHandler(mgr.GetClient(), mgr.GetAPIReader(), options)
		if err != nil {
			fail(log, err, "Failed to set up the participant-facing server")
		}
		if err := mgr.Add(&controllers.HTTPServer{Addr: feedAddr, Handler: handler}); err != nil {
			fail(log, err, "Failed to add the participant-facing server")
		}
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		fail(log, err, "Failed to add the health check")
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		fail(log, err, "Failed to add the readiness check")
	}
	log.Info("Starting the manager")
	if err := mgr.Start(ctx); err != nil {
		fail(log, err, "The manager stopped")
	}
}

// maxVerbosity is the most detailed logging allowed: from verbosity 8 the Kubernetes client logs
// request and response bodies, which hold participants' personal data.
const maxVerbosity = 7

// capVerbosity lowers a --zap-log-level beyond maxVerbosity to it.
func capVerbosity(o *zap.Options) {
	if level, ok := o.Level.(uberzap.AtomicLevel); ok && level.Level() < -maxVerbosity {
		level.SetLevel(-maxVerbosity)
	}
}

func fail(log interface{ Error(error, string, ...any) }, err error, message string) {
	log.Error(err, message)
	os.Exit(1)
}
