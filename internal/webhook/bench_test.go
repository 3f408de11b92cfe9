package webhook

import (
	"fmt"
	"testing"
)

// BenchmarkPlan is one pass over a pairing with every event pending for the most webhooks a programme
// may have (8).
func BenchmarkPlan(b *testing.B) {
	events := pairingEvents()
	var targets []Target
	for i := range 8 {
		targets = append(targets, Target{Name: fmt.Sprintf("hook-%d", i)})
	}
	for b.Loop() {
		step := Policy{}.Plan(events, targets, nil, t0)
		for d := range step.Due() {
			step.Report(d, retry)
		}
		_ = step.Records()
	}
}

// BenchmarkBuild builds one event in every format.
func BenchmarkBuild(b *testing.B) {
	e, secret := pairingEvents()[2], mustSecret(b, testSecret)
	for b.Loop() {
		for _, f := range []Format{StandardWebhooks, CloudEvents, Slack, Teams} {
			if _, err := Build(f, e, secret, t0); err != nil {
				b.Fatal(err)
			}
		}
	}
}
