package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// Metrics carry bounded labels only: namespace and programme name (one series per programme), the
// integration and the outcome of a call. Never a participant's name or any personal data.
var (
	programmePairings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_pairings",
		Help: "Active pairings of a programme.",
	}, []string{"namespace", "programme"})
	programmeUnmatched = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_unmatched_mentees",
		Help: "Eligible mentees of a programme without a pairing.",
	}, []string{"namespace", "programme"})
	matchingDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "mentoring_matching_duration_seconds",
		Help:    "Time one matching pass takes, from the programme's objects to the plan.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
	})
	externalCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentoring_external_requests_total",
		Help: "Requests to calendars and webhooks, by integration (caldav, webhook) and result.",
	}, []string{"integration", "result"})
)

func init() {
	metrics.Registry.MustRegister(programmePairings, programmeUnmatched, matchingDuration, externalCalls)
}

func recordProgrammeMetrics(programme *mentoringv1alpha1.Programme, plan *planner.Result) {
	programmePairings.WithLabelValues(programme.Namespace, programme.Name).Set(float64(plan.Summary.Pairings))
	programmeUnmatched.WithLabelValues(programme.Namespace, programme.Name).Set(float64(plan.Summary.Unmatched))
}

// forgetProgrammeMetrics drops a deleted programme's series.
func forgetProgrammeMetrics(programme *mentoringv1alpha1.Programme) {
	programmePairings.DeleteLabelValues(programme.Namespace, programme.Name)
	programmeUnmatched.DeleteLabelValues(programme.Namespace, programme.Name)
}
