// Package email tells the two people of a pairing about it where they work: an introduction (who the
// other person is, why they were matched, what is expected, the first meeting in the reader's own time
// zone and an agenda for it), and the meeting series as a calendar invitation (iTIP over email, RFC
// 5546 and RFC 6047) that Outlook and Gmail show with Accept and Decline, updated with a higher
// SEQUENCE when the meeting moves and cancelled when the pairing ends.
//
// Delivery is level-based and durable through the Pairing's status, as the webhooks' is. A controller
// describes the pairing's state ([Pairing]); [Messages] derives the messages that state implies, each
// with a Message-ID drawn from declared names only ([Identity]), and the series snapshot to keep in
// status. [Plan] compares them with the delivery records kept in status, [Deliver] sends what is due
// through the programme's [Relay] (an SMTP client behind the address guard, with a rate limit), and the
// controller writes the records back and requeues at the next attempt. A crash loses nothing: the next
// pass derives the same messages with the same ids.
//
// Everything here except [Relay] is pure: no clocks, no I/O, no Kubernetes types. Addresses go only to
// the relay: they never appear in errors, results or records.
package email
