package main

import (
	"context"
	"errors"
	"net/http"
	"time"
)

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
