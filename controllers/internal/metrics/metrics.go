// Package metrics holds the operator's Prometheus metrics, registered with controller-runtime's
// registry, which the manager serves. Labels are bounded: namespace and programme name (one series per
// programme), the integration and the outcome of a call; never a participant's name or personal data.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

var (
	programmePairings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_pairings",
		Help: "Active pairings of a programme.",
	}, []string{"namespace", "programme"})
	programmeUnmatched = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_unmatched_mentees",
		Help: "Eligible mentees of a programme without a pairing.",
	}, []string{"namespace", "programme"})
	// MatchingDuration is the time of one matching pass.
	MatchingDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "mentoring_matching_duration_seconds",
		Help:    "Time one matching pass takes, from the programme's objects to the plan.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
	})
	// ExternalCalls counts requests to calendars and webhooks.
	ExternalCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentoring_external_requests_total",
		Help: "Requests to calendars and webhooks, by integration (caldav, webhook) and result.",
	}, []string{"integration", "result"})
)

func init() {
	metrics.Registry.MustRegister(programmePairings, programmeUnmatched, MatchingDuration, ExternalCalls)
}

// RecordProgramme sets a programme's gauges from its plan.
func RecordProgramme(namespace, programme string, plan *planner.Result) {
	programmePairings.WithLabelValues(namespace, programme).Set(float64(plan.Summary.Pairings))
	programmeUnmatched.WithLabelValues(namespace, programme).Set(float64(plan.Summary.Unmatched))
}

// ForgetProgramme drops a deleted programme's series.
func ForgetProgramme(namespace, programme string) {
	programmePairings.DeleteLabelValues(namespace, programme)
	programmeUnmatched.DeleteLabelValues(namespace, programme)
}
