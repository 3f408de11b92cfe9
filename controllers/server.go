package controllers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/feeds"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/pages"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
)

// ParticipantHandler is the manager's participant-facing server: calendar feeds under
// calendar.FeedPrefix and personal pages under portal.Prefix. It reads participants, programmes and
// pairings through c (the manager's cache, with the indexes Setup registers) and Secrets and the
// pairings it writes through api (the API server). The pages write answers into Pairing status, so
// every replica serves them, leader or not. It uses opts.Clock, opts.AllowLoopback (for the comments
// webhook) and opts.FeedBaseURL, whose origin may post the pages' forms when a proxy changes the Host
// header.
func ParticipantHandler(c client.Client, api client.Reader, opts Options) (http.Handler, error) {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	var trusted []string
	if u, err := url.Parse(opts.FeedBaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		trusted = append(trusted, u.Scheme+"://"+u.Host)
	}
	log := ctrl.Log.WithName("portal")
	notifier := &notify.Notifier{Secrets: api, AllowLoopback: opts.AllowLoopback, Clock: opts.Clock}
	pageHandler, err := portal.Handler(portal.Options{
		Source:         &pages.Source{Client: c, API: api, Notifier: notifier},
		Clock:          opts.Clock,
		TrustedOrigins: trusted,
		Log:            func(err error, message string) { log.Error(err, message) },
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(calendar.FeedPrefix, feeds.Handler(c, api, opts.Clock))
	mux.Handle(portal.Prefix, pageHandler)
	return mux, nil
}

// HTTPServer serves Handler on Addr while the manager runs, on every replica (it needs no leadership), and
// shuts down gracefully when the manager stops. The manager adds it for ParticipantHandler.
type HTTPServer struct {
	Addr    string
	Handler http.Handler
}

// NeedLeaderElection is false: every replica serves.
func (s *HTTPServer) NeedLeaderElection() bool { return false }

// Start serves until ctx ends, then shuts down gracefully.
func (s *HTTPServer) Start(ctx context.Context) error {
	server := &http.Server{Addr: s.Addr, Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second}
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
