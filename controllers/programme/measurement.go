package programme

import (
	"context"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// outcome is what programme.completed says of the check-ins and surveys.
type outcome struct {
	// wait is set while the end survey is open: programme.completed waits for the final outcome.
	wait bool
	// figures are the final outcome; nil when the programme does not measure.
	figures *webhook.ProgrammeOutcome
}

// measure sums up the programme's check-ins and surveys, from the answers its pairings hold, in
// status.measurement while it measures, and the outcome programme.completed carries once the end
// survey has closed. It reads the pairings' status.checkIns, which only the page server writes, and
// judges each pairing's health itself, at the pass's time, as the pairing controller does: it reads
// no condition another controller derived. It owns status.measurement.
func (r *Reconciler) measure(_ context.Context, p *pass) error {
	if p.invalid != "" {
		return nil
	}
	measured, measuring := planner.ProgrammeMeasurement(p.programme, p.pairings, p.timeline, p.now)
	if !measuring {
		p.status.Measurement = nil
		return nil
	}
	p.status.Measurement = measured.Summary
	p.outcome = outcome{wait: !measured.Final}
	if measured.Final {
		p.outcome.figures = measured.Outcome
	}
	if !measured.Next.IsZero() {
		p.requeue = timing.Sooner(p.requeue, measured.Next.Sub(p.now))
	}
	return nil
}
