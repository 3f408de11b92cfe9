package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal/kubesource"
)

// participantHandler is what the participant-facing server serves: calendar feeds under
// calendar.FeedPrefix and personal pages under portal.Prefix. Both read through the manager's cache
// and read Secrets straight from the API server; the pages write answers into Pairing status, so
// every replica serves them.
func participantHandler(ctx context.Context, mgr ctrl.Manager, baseURL string, allowLoopback bool) (http.Handler, error) {
	if err := kubesource.SetupIndexes(ctx, mgr.GetFieldIndexer()); err != nil {
		return nil, err
	}
	var trusted []string
	if u, err := url.Parse(baseURL); err == nil && u.Scheme != "" && u.Host != "" {
		trusted = append(trusted, u.Scheme+"://"+u.Host)
	}
	log := ctrl.Log.WithName("portal")
	pages, err := portal.Handler(portal.Options{
		Source: &kubesource.Source{Client: mgr.GetClient(), API: mgr.GetAPIReader(),
			Comments: &kubesource.Forwarder{Secrets: mgr.GetAPIReader(), AllowLoopback: allowLoopback}},
		TrustedOrigins: trusted,
		Log:            func(err error, message string) { log.Error(err, message) },
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(calendar.FeedPrefix, controllers.FeedHandler(mgr.GetClient(), mgr.GetAPIReader(), clock.RealClock{}))
	mux.Handle(portal.Prefix, pages)
	return mux, nil
}

// httpServer serves a handler while the manager runs, on every replica: it needs no leadership.
type httpServer struct {
	addr    string
	handler http.Handler
}

// NeedLeaderElection is false: every replica serves.
func (s *httpServer) NeedLeaderElection() bool { return false }

// Start serves until ctx ends, then shuts down gracefully.
func (s *httpServer) Start(ctx context.Context) error {
	server := &http.Server{Addr: s.addr, Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- server.ListenAndServe() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := server.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
