// Package metrics exports the operator's metrics to Prometheus, registered with controller-runtime's
// registry, which the manager serves on /metrics: a programme's figures as gauges (the programme's
// controller calls Record after each pass and Forget when the programme is deleted), the matching
// passes, and the requests to calendars, webhooks and mail relays.
//
// Labels are bounded: the namespace and name of a programme, plus one small fixed set (role, stage,
// condition type, health) per gauge. No participant's name or any other personal data is ever a label.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report"
)

// The label names.
const (
	namespaceLabel = "namespace"
	programmeLabel = "programme"
	roleLabel      = "role"
	stageLabel     = "stage"
	typeLabel      = "type"
	healthLabel    = "health"
)

var programmeLabels = []string{namespaceLabel, programmeLabel}

// The gauges, one series per programme (and role, stage or condition type).
var (
	Participants = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_participants",
		Help: "Participants of a programme, by role (Mentor, Mentee).",
	}, []string{namespaceLabel, programmeLabel, roleLabel})
	Pairings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_pairings",
		Help: "Pairings of a programme, by stage: the reason of their Ready condition (Proposed, AwaitingApproval, Active, Completed, or why one is not ready), Ended, or Unknown before the operator's first pass.",
	}, []string{namespaceLabel, programmeLabel, stageLabel})
	MatchedMenteesRatio = programmeGauge("mentoring_programme_matched_mentees_ratio",
		"Share of a programme's eligible mentees who have a pairing, from 0 to 1 (status.matchRatePercent / 100).")
	AverageScore = programmeGauge("mentoring_programme_average_score",
		"Average matching score of a programme's active pairings, from 0 to 100.")
	TopicCoverageRatio = programmeGauge("mentoring_programme_topic_coverage_ratio",
		"Share of paired mentees' goals that their mentor's expertise covers, from 0 to 1.")
	MeetingSeries = programmeGauge("mentoring_programme_meeting_series",
		"Pairings of a programme that have not ended and have their recurring meeting scheduled.")
	Stage = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_stage",
		Help: "1 for a programme's current stage (Upcoming, Enrolling, Running, Completed, Suspended), 0 for the others.",
	}, []string{namespaceLabel, programmeLabel, stageLabel})
	Condition = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_condition",
		Help: "1 while a programme's condition (Ready, Reconciling, Stalled, Matched, IntegrationsReady) is True, 0 otherwise.",
	}, []string{namespaceLabel, programmeLabel, typeLabel})
	ActivePairings = programmeGauge("mentoring_programme_pairings",
		"Active pairings of a programme.")
	UnmatchedMentees = programmeGauge("mentoring_programme_unmatched_mentees",
		"Eligible mentees of a programme without a pairing.")
)

// The matching passes and the requests to the outside.
var (
	// MatchingDuration is the time of one matching pass.
	MatchingDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "mentoring_matching_duration_seconds",
		Help:    "Time one matching pass takes, from the programme's objects to the plan.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
	})
	// MatchingPasses counts matching passes by how they found their optimum.
	MatchingPasses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentoring_matching_passes_total",
		Help: "Matching passes, by path: incremental (the last optimum repaired from the people who changed) or full (solved from scratch), and the reason for a full one.",
	}, []string{"path", "reason"})
	// ExternalCalls counts requests to calendars, webhooks and mail relays.
	ExternalCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentoring_external_requests_total",
		Help: "Requests to calendars, webhooks and mail relays, by integration (caldav, webhook, email) and result.",
	}, []string{"integration", "result"})
)

// The gauges of a programme's check-ins and surveys (status.measurement). A figure that status leaves
// out, because fewer than five people contributed to it, has no series.
var (
	CheckInResponses = programmeGauge("mentoring_programme_checkin_responses",
		"Answers given to a programme's check-ins and surveys, in all rounds.")
	CheckInResponsesDue = programmeGauge("mentoring_programme_checkin_responses_due",
		"Answers asked for in the rounds that have closed: two per pairing and round.")
	CheckInResponseRatio = programmeGauge("mentoring_programme_checkin_response_ratio",
		"Share of the answers due that were given, from 0 to 1; no series while none is due.")
	MeetingsScheduled = programmeGauge("mentoring_programme_meetings_scheduled",
		"Meetings scheduled in the periods somebody reported on.")
	MeetingsHeld = programmeGauge("mentoring_programme_meetings_held",
		"Meetings held in those periods, as reported: the larger of the two people's numbers per period.")
	Usefulness = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_programme_usefulness",
		Help: "Average usefulness of their meetings, from 1 to 5, as mentors and as mentees rate it (role).",
	}, []string{namespaceLabel, programmeLabel, roleLabel})
	PairingHealth = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "mentoring_pairings_health",
		Help: "Pairings of a programme that have not ended, by the health their check-ins show (OnTrack, NeedsAttention, Inactive, TooEarly).",
	}, []string{namespaceLabel, programmeLabel, healthLabel})
)

// measurementGauges are the gauges of status.measurement, which a programme that does not measure
// has no series of.
var measurementGauges = []*prometheus.GaugeVec{CheckInResponses, CheckInResponsesDue, CheckInResponseRatio, MeetingsScheduled,
	MeetingsHeld, Usefulness, PairingHealth}

// conditionTypes are a programme's condition types.
var conditionTypes = []string{mentoringv1alpha1.ReadyCondition, mentoringv1alpha1.ReconcilingCondition,
	mentoringv1alpha1.StalledCondition, mentoringv1alpha1.MatchedCondition, mentoringv1alpha1.IntegrationsReadyCondition}

func programmeGauge(name, help string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, programmeLabels)
}

// programmeGauges are the gauges with only the programme's labels.
var programmeGauges = []*prometheus.GaugeVec{MatchedMenteesRatio, AverageScore, TopicCoverageRatio, MeetingSeries, ActivePairings, UnmatchedMentees}

func init() {
	ctrlmetrics.Registry.MustRegister(Participants, Pairings, Stage, Condition, MatchingDuration, MatchingPasses, ExternalCalls)
	for _, g := range append(programmeGauges, measurementGauges...) {
		ctrlmetrics.Registry.MustRegister(g)
	}
}

// Record sets a programme's gauges from its status, as the pass that computed the status writes it,
// and from its pairings, at now. Pairing stages no pairing is in any more are removed.
func Record(programme *mentoringv1alpha1.Programme, pairings []mentoringv1alpha1.Pairing, now time.Time) {
	ns, name := programme.Namespace, programme.Name
	s := programme.Status
	Participants.WithLabelValues(ns, name, string(mentoringv1alpha1.RoleMentor)).Set(float64(s.Mentors))
	Participants.WithLabelValues(ns, name, string(mentoringv1alpha1.RoleMentee)).Set(float64(s.Mentees))
	MatchedMenteesRatio.WithLabelValues(ns, name).Set(float64(s.MatchRatePercent) / 100)
	AverageScore.WithLabelValues(ns, name).Set(float64(s.AverageScore))
	TopicCoverageRatio.WithLabelValues(ns, name).Set(float64(s.TopicCoveragePercent) / 100)
	ActivePairings.WithLabelValues(ns, name).Set(float64(s.Pairings))
	UnmatchedMentees.WithLabelValues(ns, name).Set(float64(s.Unmatched))

	stages := map[string]int{}
	series := 0
	for i := range pairings {
		p := &pairings[i]
		stages[report.PairingStage(p)]++
		if p.Status.Ended == nil && p.Status.Meeting != nil {
			series++
		}
	}
	Pairings.DeletePartialMatch(prometheus.Labels{namespaceLabel: ns, programmeLabel: name})
	for stage, n := range stages {
		Pairings.WithLabelValues(ns, name, stage).Set(float64(n))
	}
	MeetingSeries.WithLabelValues(ns, name).Set(float64(series))

	current := ""
	if timeline, err := planner.TimelineOf(programme); err == nil {
		current = report.ProgrammeStage(programme, timeline, now)
	}
	for _, stage := range report.ProgrammeStages {
		Stage.WithLabelValues(ns, name, stage).Set(boolValue(stage == current))
	}
	for _, t := range conditionTypes {
		Condition.WithLabelValues(ns, name, t).Set(boolValue(meta.IsStatusConditionTrue(s.Conditions, t)))
	}
	recordMeasurement(ns, name, s.Measurement)
}

// recordMeasurement sets the gauges of a programme's status.measurement, and removes the series of
// the figures it leaves out (all of them, when the programme does not measure).
func recordMeasurement(ns, name string, m *mentoringv1alpha1.MeasurementSummary) {
	if m == nil {
		for _, g := range measurementGauges {
			g.DeletePartialMatch(prometheus.Labels{namespaceLabel: ns, programmeLabel: name})
		}
		return
	}
	CheckInResponses.WithLabelValues(ns, name).Set(float64(m.Responses))
	CheckInResponsesDue.WithLabelValues(ns, name).Set(float64(m.ResponsesDue))
	setOrDelete(CheckInResponseRatio, percentRatio(m.ResponseRatePercent), ns, name)
	setOrDelete(MeetingsScheduled, count(m.MeetingsScheduled), ns, name)
	setOrDelete(MeetingsHeld, count(m.MeetingsHeld), ns, name)
	setOrDelete(Usefulness, rating(m.UsefulnessMentors), ns, name, string(mentoringv1alpha1.RoleMentor))
	setOrDelete(Usefulness, rating(m.UsefulnessMentees), ns, name, string(mentoringv1alpha1.RoleMentee))
	h := m.PairingsByHealth
	for health, n := range map[string]int32{mentoringv1alpha1.ReasonOnTrack: h.OnTrack, mentoringv1alpha1.ReasonNeedsAttention: h.NeedsAttention,
		mentoringv1alpha1.ReasonInactive: h.Inactive, mentoringv1alpha1.ReasonTooEarly: h.TooEarly} {
		PairingHealth.WithLabelValues(ns, name, health).Set(float64(n))
	}
}

// setOrDelete sets the series of a gauge to the value, or removes it when there is none.
func setOrDelete(g *prometheus.GaugeVec, value *float64, labels ...string) {
	if value == nil {
		g.DeleteLabelValues(labels...)
		return
	}
	g.WithLabelValues(labels...).Set(*value)
}

func count(n *int32) *float64 {
	if n == nil {
		return nil
	}
	v := float64(*n)
	return &v
}

func percentRatio(percent *int32) *float64 {
	if percent == nil {
		return nil
	}
	v := float64(*percent) / 100
	return &v
}

// rating is an average rating as a number; nil when status leaves it out.
func rating(r mentoringv1alpha1.Rating) *float64 {
	v, err := strconv.ParseFloat(string(r), 64)
	if err != nil {
		return nil
	}
	return &v
}

// Forget removes a deleted programme's series.
func Forget(programme *mentoringv1alpha1.Programme) {
	labels := prometheus.Labels{namespaceLabel: programme.Namespace, programmeLabel: programme.Name}
	for _, g := range append(append([]*prometheus.GaugeVec{Participants, Pairings, Stage, Condition}, programmeGauges...), measurementGauges...) {
		g.DeletePartialMatch(labels)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
