package v1alpha1

// Condition types. Ready is on every kind and present after the first pass; Reconciling and Stalled are
// present only while true (the kstatus convention that kubectl, Argo CD and Flux understand). The others
// are domain conditions. Matched, IntegrationsReady and CalendarSynced feed Ready: a problem a person
// must fix makes the object Stalled, one that resolves itself Reconciling. Notified feeds Ready while
// deliveries are retried; a delivery a receiver refused for good is reported by Notified and a Warning
// event and leaves Ready alone, as nothing the operator does would change it. Eligible, ConstraintsMet
// and a Participant's Matched are informational and never make an object look broken.
const (
	// ReadyCondition is True when the object is in the state its spec asks for.
	ReadyCondition = "Ready"
	// ReconcilingCondition is True while the operator is still acting on the latest spec.
	ReconcilingCondition = "Reconciling"
	// StalledCondition is True when the operator cannot make progress without a change by a person.
	StalledCondition = "Stalled"

	// MatchedCondition on a Programme is True when the last matching pass succeeded; on a Participant
	// it says whether the participant has a pairing and, if not, why.
	MatchedCondition = "Matched"
	// IntegrationsReadyCondition on a Programme is True when its calendar, webhooks and email are usable.
	IntegrationsReadyCondition = "IntegrationsReady"
	// EligibleCondition on a Participant says whether the participant can be matched.
	EligibleCondition = "Eligible"
	// ConstraintsMetCondition on a Pairing is False when a pairing written by a person breaks a hard
	// constraint; the pairing is honoured anyway.
	ConstraintsMetCondition = "ConstraintsMet"
	// CalendarSyncedCondition on a Pairing is True when its meeting series is in the calendar.
	CalendarSyncedCondition = "CalendarSynced"
	// NotifiedCondition on a Pairing is True when every webhook received its events.
	NotifiedCondition = "Notified"
	// HealthyCondition on a Pairing is the health its check-ins show, when the programme measures:
	// True (OnTrack), False (NeedsAttention, with the cause in the message, or Inactive) or Unknown
	// (TooEarly). It is informational: a pairing that needs attention needs people, not the operator,
	// and stays Ready.
	HealthyCondition = "Healthy"
)

// Reasons shared by several conditions.
const (
	// ReasonSucceeded means the last pass did what the spec asks.
	ReasonSucceeded = "Succeeded"
	// ReasonProgressing means the operator is acting on a new generation.
	ReasonProgressing = "Progressing"
	// ReasonSuspended means spec.suspend is true: status is reported, nothing external happens.
	ReasonSuspended = "Suspended"
	// ReasonInvalidSpec means the spec cannot be acted on; the message names the field to fix.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonProgrammeNotFound means spec.programmeRef names no Programme in the namespace.
	ReasonProgrammeNotFound = "ProgrammeNotFound"
	// ReasonSecretNotFound means a referenced Secret or key is missing.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonInvalidAttributes means a participant's attributes Secret holds something that is not an
	// attribute, or an attribute also in spec.attributes; the message names the key, never a value.
	ReasonInvalidAttributes = "InvalidAttributes"
	// ReasonNotConfigured means the integration is not configured for this programme.
	ReasonNotConfigured = "NotConfigured"
)

// Programme Ready reasons: the programme's stage.
const (
	// ReasonUpcoming means the programme has not started; pairings are proposed, meetings not due.
	ReasonUpcoming = "Upcoming"
	// ReasonEnrolling means the programme runs and new participants are matched.
	ReasonEnrolling = "Enrolling"
	// ReasonRunning means the programme runs and enrolment has closed.
	ReasonRunning = "Running"
	// ReasonCompleted means the programme has ended; nothing more is scheduled.
	ReasonCompleted = "Completed"
	// ReasonMembersChanged means participants or pairings changed since the last matching pass: the
	// programme is Reconciling until a pass has matched them, once the changes have settled.
	ReasonMembersChanged = "MembersChanged"
)

// Participant reasons.
const (
	// ReasonEnrolmentClosed means the participant joined after the enrolment deadline.
	ReasonEnrolmentClosed = "EnrolmentClosed"
	// ReasonProfileIncomplete means the profile lacks what the role needs: a mentor's expertise or a
	// mentee's goals, or any availability.
	ReasonProfileIncomplete = "ProfileIncomplete"
	// ReasonUnknownTimeZone means spec.timezone names no known IANA time zone.
	ReasonUnknownTimeZone = "UnknownTimeZone"
	// ReasonPaused means spec.paused is true.
	ReasonPaused = "Paused"
	// ReasonEligible means the participant can be matched.
	ReasonEligible = "Eligible"
	// ReasonPaired means the participant has at least one active pairing.
	ReasonPaired = "Paired"
)

// Pairing Ready reasons: the pairing's stage.
const (
	// ReasonProposed means the pairing waits for the programme to start.
	ReasonProposed = "Proposed"
	// ReasonAwaitingApproval means the pairing waits for a person to set spec.approved.
	ReasonAwaitingApproval = "AwaitingApproval"
	// ReasonActive means the pairing runs: meetings are booked and due.
	ReasonActive = "Active"
	// ReasonEnded means the pairing ended before the programme did; see status.ended.
	ReasonEnded = "Ended"
	// ReasonParticipantNotFound means spec.mentorRef or spec.menteeRef names no Participant.
	ReasonParticipantNotFound = "ParticipantNotFound"
	// ReasonWrongRole means mentorRef names a mentee or menteeRef a mentor.
	ReasonWrongRole = "WrongRole"
	// ReasonConstraintsMet means the pair satisfies every hard constraint.
	ReasonConstraintsMet = "ConstraintsMet"
	// ReasonConstraintViolated means the pair breaks a hard constraint; the message says which.
	ReasonConstraintViolated = "ConstraintViolated"
	// ReasonEnding means a pairing the matcher made no longer fits the programme's rules (a participant
	// paused or changed); the programme controller is ending it.
	ReasonEnding = "Ending"
)

// Pairing Healthy reasons: what the pairing's check-ins show.
const (
	// ReasonOnTrack means the pair meets and finds it useful.
	ReasonOnTrack = "OnTrack"
	// ReasonNeedsAttention means the check-ins show a problem; the message names it.
	ReasonNeedsAttention = "NeedsAttention"
	// ReasonInactive means nobody answered the pair's recent check-ins.
	ReasonInactive = "Inactive"
	// ReasonTooEarly means no check-in has closed or been answered yet.
	ReasonTooEarly = "TooEarly"
)

// Integration reasons.
const (
	// ReasonSynced means the calendar holds the current meeting series.
	ReasonSynced = "Synced"
	// ReasonAuthenticationFailed means the server refused the credentials.
	ReasonAuthenticationFailed = "AuthenticationFailed"
	// ReasonUnreachable means the server did not answer; the operator retries with backoff.
	ReasonUnreachable = "Unreachable"
	// ReasonNoCommonSlot means no weekly slot fits both people for the whole programme.
	ReasonNoCommonSlot = "NoCommonSlot"
	// ReasonDelivered means every event reached every webhook.
	ReasonDelivered = "Delivered"
	// ReasonDeliveryPending means some events wait for a retry.
	ReasonDeliveryPending = "DeliveryPending"
	// ReasonDeliveryFailed means an event was refused or expired; the message names the webhook.
	ReasonDeliveryFailed = "DeliveryFailed"
	// ReasonWebhookGone means an endpoint answered 410 Gone and was disabled.
	ReasonWebhookGone = "WebhookGone"
	// ReasonAddressRefused means a webhook URL points at a loopback, link-local or metadata address.
	ReasonAddressRefused = "AddressRefused"
)
