// Command shifted-manager is the manager's controllers and participant-facing server, wired as
// cmd/manager wires them, on a clock that runs -ahead of the real one. A measurement of what happens
// weeks into a programme (a check-in open, answers coming in) cannot wait for those weeks, and the API
// server stamps every object's creation with the real time, so only the operator's clock moves.
//
// It takes the flags that testenv.ManagerProcess passes to the manager binary, so the programs in hack
// run it as they run bin/manager. Never for a real programme: everything it sends is dated in the
// future.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
)

func main() {
	var (
		ahead                                     time.Duration
		metricsAddr, probeAddr, feedAddr, feedURL string
		pprofAddr                                 string
		secureMetrics, leaderElection             bool
		opts                                      controllers.Options
	)
	flag.DurationVar(&ahead, "ahead", 6*7*24*time.Hour, "How far the operator's clock runs ahead of the real one.")
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0", "Address of the plain-HTTP metrics endpoint; 0 disables it.")
	flag.BoolVar(&secureMetrics, "metrics-secure", false, "Must be false: metrics are served over plain HTTP.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", "0", "Address of the /healthz probe; 0 disables it.")
	flag.BoolVar(&leaderElection, "leader-elect", false, "Must be false: one replica, no leader election.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "0", "Address of Go's profiling endpoints (/debug/pprof); 0 disables them.")
	flag.BoolVar(&opts.AllowLoopback, "allow-loopback", false, "Let webhooks and calendars reach loopback addresses.")
	flag.IntVar(&opts.Concurrency, "concurrency", 4, "Objects each controller reconciles at once.")
	flag.StringVar(&feedAddr, "feed-bind-address", "0", "Address of the participant-facing server; 0 disables it.")
	flag.StringVar(&feedURL, "feed-base-url", "", "URL of the participant-facing server; http://<feed-bind-address> when empty.")
	zapOptions := zap.Options{}
	zapOptions.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOptions)))
	if secureMetrics || leaderElection {
		fmt.Fprintln(os.Stderr, "shifted-manager serves plain metrics and runs alone: pass --metrics-secure=false --leader-elect=false")
		os.Exit(2)
	}
	opts.Clock = aheadClock{ahead}
	opts.FeedBaseURL = feedURL
	if opts.FeedBaseURL == "" {
		opts.FeedBaseURL = "http://" + feedAddr
	}
	if err := run(opts, metricsAddr, probeAddr, feedAddr, pprofAddr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(opts controllers.Options, metricsAddr, probeAddr, feedAddr, pprofAddr string) error {
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), mentoringv1alpha1.AddToScheme(scheme)); err != nil {
		return err
	}
	config, err := ctrl.GetConfig()
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: probeAddr,
		PprofBindAddress:       pprofAddr,
		Cache:                  cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
	})
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	if err := controllers.Setup(ctx, mgr, opts); err != nil {
		return err
	}
	if feedAddr != "0" {
		handler, err := controllers.ParticipantHandler(mgr.GetClient(), mgr.GetAPIReader(), opts)
		if err != nil {
			return err
		}
		if err := mgr.Add(&controllers.HTTPServer{Addr: feedAddr, Handler: handler}); err != nil {
			return err
		}
	}
	return mgr.Start(ctx)
}

// aheadClock is the real clock moved forward.
type aheadClock struct{ ahead time.Duration }

func (c aheadClock) Now() time.Time                  { return time.Now().Add(c.ahead) }
func (c aheadClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

var _ clock.PassiveClock = aheadClock{}
