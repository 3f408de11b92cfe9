// Package webhook tells receivers about programme, pairing and participant events: it derives stable
// event ids, decides which deliveries are due (the outbox), builds the request bodies of the four formats
// (Standard Webhooks, CloudEvents, Slack, Teams), signs them, and sends them over HTTP with timeouts, TLS
// verification and a guard against link-local, metadata and loopback addresses.
//
// Delivery is level-based and durable through the objects' status. A controller derives from an object's
// current state the events it implies ([NewEvent]), each with an id that is the same on every pass and
// every restart. It hands them, the programme's webhooks and the delivery records kept in the object's
// status to [Policy.Plan], sends each due delivery ([Build], [Sender.Send]), reports each [Result] to the
// [Step], and writes [Step.Records] back to status, requeueing at [Step.NextAttempt]. A crash loses
// nothing: the next pass derives the same events and retries them with the same ids, so receivers drop
// duplicates by id.
//
// Everything here except [Sender] is pure: no clocks, no I/O, no Kubernetes types. Secrets and URLs never
// appear in errors or results.
package webhook
