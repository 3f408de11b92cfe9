package email

import (
	"context"
	"time"
)

// Sender hands a message to the relay: *Relay does.
type Sender interface {
	// Admit is zero when the rate limit lets the message go now, or how long it must wait.
	Admit(id string) time.Duration
	// Send hands the message to the relay.
	Send(ctx context.Context, m Message) Result
}

// Pass is the outcome of a delivery pass over one pairing.
type Pass struct {
	// Records to write to the Pairing's status.email.messages.
	Records []Record
	// RetryAfter is when to look again: the next pending delivery or the relay's next turn; zero when
	// nothing is pending.
	RetryAfter time.Duration
	// Attempts are the results of this pass's attempts, for metrics.
	Attempts []Result
	// Refused are the messages the relay refused for good in this pass, for Warning events: their
	// recipient, kind and result, never an address.
	Refused []Record
	// Problem is a setting a person must fix, met in this pass; empty when none was.
	Problem Problem
	// ProblemResult says how it showed, such as "SMTP 535 5.7.8 at AUTH".
	ProblemResult string
	// Recovered is true when the relay took a message after an attempt of this pass failed or after
	// an earlier failure recorded in status: the caller may retry the programme's other waiting
	// pairings at once.
	Recovered bool
}

// Deliver sends the step's due messages through the sender, within its rate limit, reports each
// result to the step, and returns the records to write back.
func Deliver(ctx context.Context, sender Sender, step *Step) Pass {
	var out Pass
	for d := range step.Due() {
		if wait := sender.Admit(d.Message.ID); wait > 0 {
			step.Throttle(step.now.Add(wait))
			break
		}
		res := sender.Send(ctx, d.Message)
		out.Attempts = append(out.Attempts, res)
		if res.Problem != "" {
			out.Problem, out.ProblemResult = res.Problem, res.Message
		}
		if res.Outcome == OutcomeDelivered && d.Attempt > 1 {
			out.Recovered = true
		}
		if r := step.Report(d, res); r.State == StateFailed {
			out.Refused = append(out.Refused, r)
		}
	}
	out.Records = step.Records()
	if next, pending := step.NextAttempt(); pending {
		out.RetryAfter = max(next.Sub(step.now), time.Second)
	}
	return out
}
