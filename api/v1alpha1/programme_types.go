package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Direction says who mentors whom.
// +kubebuilder:validation:Enum=Reverse;Traditional
type Direction string

const (
	// DirectionReverse pairs a more junior mentor with a more senior mentee.
	DirectionReverse Direction = "Reverse"
	// DirectionTraditional pairs a more senior mentor with a more junior mentee.
	DirectionTraditional Direction = "Traditional"
)

// Cadence is how often a pair meets.
// +kubebuilder:validation:Enum=Weekly;Biweekly;Monthly
type Cadence string

const (
	// CadenceWeekly is one meeting every week.
	CadenceWeekly Cadence = "Weekly"
	// CadenceBiweekly is one meeting every second week.
	CadenceBiweekly Cadence = "Biweekly"
	// CadenceMonthly is one meeting every fourth week, so that the slot keeps its weekday.
	CadenceMonthly Cadence = "Monthly"
)

// MatchingObjective is what the matcher maximises.
// +kubebuilder:validation:Enum=MaxParticipation;MaxScore
type MatchingObjective string

const (
	// MaxParticipation matches as many mentees as possible, then maximises the total score.
	MaxParticipation MatchingObjective = "MaxParticipation"
	// MaxScore maximises the total score, even if fewer mentees are matched.
	MaxScore MatchingObjective = "MaxScore"
)

// ApprovalMode says whether a person must approve proposed pairings.
// +kubebuilder:validation:Enum=Automatic;Manual
type ApprovalMode string

const (
	// ApprovalAutomatic activates pairings as soon as they are proposed.
	ApprovalAutomatic ApprovalMode = "Automatic"
	// ApprovalManual waits until a person sets spec.approved on the Pairing.
	ApprovalManual ApprovalMode = "Manual"
)

// DiversityPreference says whether a diversity attribute should differ or match within a pair.
// +kubebuilder:validation:Enum=Different;Same
type DiversityPreference string

const (
	// PreferDifferent scores pairs whose attribute values differ.
	PreferDifferent DiversityPreference = "Different"
	// PreferSame scores pairs whose attribute values are the same.
	PreferSame DiversityPreference = "Same"
)

// ProgrammeSpec describes a mentoring programme: why it exists, what it covers, when it runs, how often
// pairs meet, how people are matched and which systems hear about it.
// +kubebuilder:validation:XValidation:rule="!has(self.measurement) || !has(self.measurement.commentsWebhook) || (has(self.integrations) && has(self.integrations.webhooks) && self.integrations.webhooks.exists(w, w.name == self.measurement.commentsWebhook && w.format in ['StandardWebhooks', 'CloudEvents']))",message="measurement.commentsWebhook must name a StandardWebhooks or CloudEvents webhook in spec.integrations.webhooks: comments go to the HR system, never to a chat channel"
// +kubebuilder:validation:XValidation:rule="!has(self.measurement) || (self.schedule.end - self.schedule.start).getSeconds() <= 60 * 604800 * (has(self.measurement.checkIns.every) ? self.measurement.checkIns.every : 4) * ((has(self.measurement.checkIns.unit) && self.measurement.checkIns.unit == 'Meetings') ? ((has(self.meetings.cadence) && self.meetings.cadence == 'Weekly') ? 1 : ((has(self.meetings.cadence) && self.meetings.cadence == 'Monthly') ? 4 : 2)) : 1)",message="a programme has at most 60 check-ins: raise measurement.checkIns.every"
type ProgrammeSpec struct {
	// purpose says, in a sentence or two, what the programme is for. It is shown to participants.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1000
	Purpose string `json:"purpose"`

	// direction says who mentors whom: Reverse (the default) pairs a more junior mentor with a more
	// senior mentee; Traditional the other way round.
	// +optional
	// +kubebuilder:default=Reverse
	Direction Direction `json:"direction,omitempty"`

	// topics the programme covers. A pair must share at least one of them: a mentor's expertise and a
	// mentee's goal.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Topics []Topic `json:"topics"`

	// schedule is when the programme runs.
	// +required
	Schedule ProgrammeSchedule `json:"schedule"`

	// meetings is how often and how long pairs meet.
	// +optional
	// +kubebuilder:default={}
	Meetings MeetingPolicy `json:"meetings,omitempty"`

	// matching is how mentors and mentees are paired.
	// +optional
	// +kubebuilder:default={}
	Matching MatchingPolicy `json:"matching,omitempty"`

	// integrations are the calendars and webhooks the programme keeps informed.
	// +optional
	Integrations *Integrations `json:"integrations,omitempty"`

	// measurement asks both people of every pairing, on their private page, how it goes: check-ins on
	// a cadence, a midpoint and an end survey. Without it nobody is asked and no personal link is made.
	// +optional
	Measurement *Measurement `json:"measurement,omitempty"`

	// suspend stops every external effect of the programme (new pairings, calendar writes, webhook
	// deliveries) until it is set back to false. Status is still reported.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// ProgrammeSchedule is the programme's timeline. Dates are read in timeZone.
// +kubebuilder:validation:XValidation:rule="self.end > self.start",message="schedule.end must be after schedule.start"
// +kubebuilder:validation:XValidation:rule="self.start >= timestamp('2000-01-01T00:00:00Z') && self.end <= timestamp('2099-12-31T00:00:00Z')",message="schedule dates must lie between 2000-01-01 and 2099-12-31"
// +kubebuilder:validation:XValidation:rule="self.end - self.start <= duration('43848h')",message="a programme runs for at most five years: split a longer one into cohorts"
// +kubebuilder:validation:XValidation:rule="!has(self.enrolmentDeadline) || self.enrolmentDeadline <= self.end",message="schedule.enrolmentDeadline must be on or before schedule.end"
type ProgrammeSchedule struct {
	// start is the first day meetings may take place. Pairings are proposed before it.
	// +required
	Start Date `json:"start"`

	// end is the last day of the programme. At its end, pairings complete and no meeting is scheduled
	// after it.
	// +required
	End Date `json:"end"`

	// enrolmentDeadline is the last day on which new participants are matched. Without it, enrolment
	// stays open until the end.
	// +optional
	EnrolmentDeadline Date `json:"enrolmentDeadline,omitempty"`

	// timeZone in which the dates above begin and end. Defaults to UTC.
	// +optional
	// +kubebuilder:default=UTC
	TimeZone TimeZone `json:"timeZone,omitempty"`
}

// MeetingPolicy is how often and how long pairs meet.
type MeetingPolicy struct {
	// cadence is how often a pair meets: Weekly, Biweekly (the default) or Monthly (every four weeks).
	// +optional
	// +kubebuilder:default=Biweekly
	Cadence Cadence `json:"cadence,omitempty"`

	// durationMinutes is the length of one meeting, from 15 to 240 minutes in steps of 5. Defaults
	// to 45.
	// +optional
	// +kubebuilder:default=45
	// +kubebuilder:validation:Minimum=15
	// +kubebuilder:validation:Maximum=240
	// +kubebuilder:validation:MultipleOf=5
	DurationMinutes int32 `json:"durationMinutes,omitempty"`
}

// MatchingPolicy is how mentors and mentees are paired.
type MatchingPolicy struct {
	// objective is what the matcher maximises: MaxParticipation (the default) matches as many mentees
	// as possible and then maximises the total score; MaxScore maximises the total score alone.
	// +optional
	// +kubebuilder:default=MaxParticipation
	Objective MatchingObjective `json:"objective,omitempty"`

	// maxMenteesPerMentor caps every mentor's capacity, from 1 to 10. Defaults to 1.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	MaxMenteesPerMentor int32 `json:"maxMenteesPerMentor,omitempty"`

	// minSeniorityGap is how many seniority levels the mentee must be above the mentor (below, for
	// Traditional programmes), from 0 to 19. Defaults to 1.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=19
	MinSeniorityGap *int32 `json:"minSeniorityGap,omitempty"`

	// excludeManagementChain forbids pairs where one person is in the other's management chain.
	// Defaults to true.
	// +optional
	// +kubebuilder:default=true
	ExcludeManagementChain *bool `json:"excludeManagementChain,omitempty"`

	// excludeSameDepartment forbids pairs from the same department. Defaults to false.
	// +optional
	ExcludeSameDepartment bool `json:"excludeSameDepartment,omitempty"`

	// avoidPreviousPartners forbids pairing two people whose earlier pairing has ended. Defaults to
	// true.
	// +optional
	// +kubebuilder:default=true
	AvoidPreviousPartners *bool `json:"avoidPreviousPartners,omitempty"`

	// approval says whether proposed pairings start at once (Automatic, the default) or wait until a
	// person sets spec.approved on the Pairing (Manual).
	// +optional
	// +kubebuilder:default=Automatic
	Approval ApprovalMode `json:"approval,omitempty"`

	// weights of the scoring criteria. A pair's score is the weighted mean of its criteria, from 0
	// to 100.
	// +optional
	// +kubebuilder:default={topicFit:60,availability:20,crossDepartment:10,seniorityGap:10}
	Weights MatchingWeights `json:"weights,omitempty"`

	// diversity preferences, each scored with its own weight. Attributes come from the participants'
	// spec.attributes.
	// +optional
	// +listType=map
	// +listMapKey=attribute
	// +kubebuilder:validation:MaxItems=8
	Diversity []DiversityGoal `json:"diversity,omitempty"`
}

// MatchingWeights are the integer weights of the scoring criteria, each from 0 to 100.
// +kubebuilder:validation:XValidation:rule="self.topicFit + self.availability + self.crossDepartment + self.seniorityGap > 0",message="at least one matching weight must be above zero"
type MatchingWeights struct {
	// topicFit weighs how well the mentor's expertise covers the mentee's goals: for every shared
	// topic, the goal's priority times the expertise level. Defaults to 60.
	// +optional
	// +kubebuilder:default=60
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	TopicFit *int32 `json:"topicFit,omitempty"`

	// availability weighs how many weekly hours the two people share, up to three meetings' worth.
	// Defaults to 20.
	// +optional
	// +kubebuilder:default=20
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Availability *int32 `json:"availability,omitempty"`

	// crossDepartment weighs pairing people from different departments. Defaults to 10.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	CrossDepartment *int32 `json:"crossDepartment,omitempty"`

	// seniorityGap weighs a wider seniority gap between the two people, beyond the minimum.
	// Defaults to 10.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	SeniorityGap *int32 `json:"seniorityGap,omitempty"`
}

// DiversityGoal scores pairs by one diversity attribute, such as pairing people of different
// generations or genders.
type DiversityGoal struct {
	// attribute is the name of a participant attribute, as in Participant spec.attributes.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Attribute string `json:"attribute"`

	// prefer Different or Same values within a pair.
	// +required
	Prefer DiversityPreference `json:"prefer"`

	// weight of this preference, from 1 to 100.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	Weight int32 `json:"weight"`
}

// Integrations are the external systems a programme keeps informed.
type Integrations struct {
	// calendar puts every active pairing's meetings into calendars.
	// +optional
	Calendar *CalendarIntegration `json:"calendar,omitempty"`

	// webhooks notified of programme and pairing events.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	Webhooks []Webhook `json:"webhooks,omitempty"`

	// email sends each pairing's introduction and meeting invitations through an SMTP relay.
	// +optional
	Email *EmailIntegration `json:"email,omitempty"`
}

// CalendarIntegration says where meetings go.
// +kubebuilder:validation:XValidation:rule="has(self.caldav) || (has(self.feed) && self.feed)",message="calendar needs caldav, feed: true, or both"
type CalendarIntegration struct {
	// caldav writes each pairing's meeting series into a CalDAV calendar collection.
	// +optional
	CalDAV *CalDAVCalendar `json:"caldav,omitempty"`

	// feed serves every participant's meetings as a calendar subscription (an iCalendar URL that
	// Outlook, Google Calendar and Apple Calendar subscribe to), protected by a per-participant token
	// kept in a Secret.
	// +optional
	Feed bool `json:"feed,omitempty"`

	// feedKeySecretRef names a Secret key holding a secret (at least 32 bytes) from which every
	// participant's feed token is derived, with their namespace and name. Kept in Git encrypted (SOPS,
	// Sealed Secrets), it makes feed links survive a cluster rebuilt from Git; changing it changes every
	// link. Without it tokens are random and a rebuild gives everyone a new link. The key defaults to
	// key.
	// +optional
	FeedKeySecretRef *SecretKeyReference `json:"feedKeySecretRef,omitempty"`

	// organizer of the meetings: a programme office mailbox, for example. Without it, the mentor
	// organises.
	// +optional
	Organizer Email `json:"organizer,omitempty"`
}

// CalDAVCalendar is a CalDAV calendar collection.
type CalDAVCalendar struct {
	// url of the calendar collection, created if missing, such as
	// https://dav.example.org/mentoring/calendar/.
	// +required
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="isURL(self) && (url(self).getScheme() == 'https' || url(self).getScheme() == 'http')",message="caldav.url must be an http or https URL"
	URL string `json:"url"`

	// credentialsSecretRef names a Secret with the keys username and password (HTTP basic
	// authentication) or token (bearer authentication).
	// +required
	CredentialsSecretRef LocalObjectReference `json:"credentialsSecretRef"`

	// caBundleSecretRef names a Secret key holding PEM certificates to trust for this server, in
	// addition to the system's. The key defaults to ca.crt.
	// +optional
	CABundleSecretRef *SecretKeyReference `json:"caBundleSecretRef,omitempty"`
}

// WebhookFormat is the body format of a webhook.
// +kubebuilder:validation:Enum=StandardWebhooks;CloudEvents;Slack;Teams
type WebhookFormat string

const (
	// WebhookStandard is a JSON body signed as the Standard Webhooks specification describes.
	WebhookStandard WebhookFormat = "StandardWebhooks"
	// WebhookCloudEvents is a CloudEvents 1.0 structured JSON body, signed like StandardWebhooks.
	WebhookCloudEvents WebhookFormat = "CloudEvents"
	// WebhookSlack is a Slack incoming-webhook message.
	WebhookSlack WebhookFormat = "Slack"
	// WebhookTeams is an Adaptive Card message for a Microsoft Teams workflow.
	WebhookTeams WebhookFormat = "Teams"
)

// EventType is a kind of event a webhook can receive.
// +kubebuilder:validation:Enum=pairing.proposed;pairing.activated;pairing.meeting_scheduled;pairing.ended;programme.matched;programme.completed;participant.unmatched;checkin.due;pairing.needs_attention;feedback.submitted
type EventType string

const (
	// EventPairingProposed is sent when a pairing is created.
	EventPairingProposed EventType = "pairing.proposed"
	// EventPairingActivated is sent when a pairing is approved and the programme has started.
	EventPairingActivated EventType = "pairing.activated"
	// EventPairingMeetingScheduled is sent when a pairing's meeting series is booked or moved.
	EventPairingMeetingScheduled EventType = "pairing.meeting_scheduled"
	// EventPairingEnded is sent when a pairing ends, with the reason.
	EventPairingEnded EventType = "pairing.ended"
	// EventProgrammeMatched is sent when a matching pass changes the pairings, with summary counts.
	EventProgrammeMatched EventType = "programme.matched"
	// EventProgrammeCompleted is sent when the programme reaches its end.
	EventProgrammeCompleted EventType = "programme.completed"
	// EventParticipantUnmatched is sent when a participant cannot be matched, with the reason.
	EventParticipantUnmatched EventType = "participant.unmatched"
	// EventCheckInDue is sent when a pairing's check-in or survey opens. It carries no personal link.
	EventCheckInDue EventType = "checkin.due"
	// EventPairingNeedsAttention is sent when a pairing's health becomes NeedsAttention or Inactive,
	// with the cause.
	EventPairingNeedsAttention EventType = "pairing.needs_attention"
	// EventFeedbackSubmitted is sent when somebody answers a round: the numbers, and to the
	// measurement's commentsWebhook also the comment. It carries individual answers, so Slack and
	// Teams webhooks never receive it.
	EventFeedbackSubmitted EventType = "feedback.submitted"
)

// Webhook is an HTTP endpoint that receives programme and pairing events.
// +kubebuilder:validation:XValidation:rule="!(self.format in ['StandardWebhooks', 'CloudEvents']) || has(self.signingSecretRef)",message="StandardWebhooks and CloudEvents webhooks need signingSecretRef"
// +kubebuilder:validation:XValidation:rule="!(self.format in ['Slack', 'Teams']) || !has(self.events) || !self.events.exists(e, e == 'feedback.submitted')",message="feedback.submitted carries individual answers: send it to a StandardWebhooks or CloudEvents receiver, not a chat channel"
type Webhook struct {
	// name of the webhook, unique within the programme; it appears in status and metrics.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// urlSecretRef names the Secret key holding the endpoint URL (URLs often carry tokens). The key
	// defaults to url.
	// +required
	URLSecretRef SecretKeyReference `json:"urlSecretRef"`

	// format of the request body: StandardWebhooks, CloudEvents, Slack or Teams.
	// +required
	Format WebhookFormat `json:"format"`

	// signingSecretRef names the Secret key holding the signing secret (whsec_ followed by base64, or
	// raw bytes). Required for StandardWebhooks and CloudEvents. The key defaults to secret.
	// +optional
	SigningSecretRef *SecretKeyReference `json:"signingSecretRef,omitempty"`

	// events sent to this webhook; all of them when empty (for Slack and Teams, all but
	// feedback.submitted).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=10
	Events []EventType `json:"events,omitempty"`

	// caBundleSecretRef names a Secret key holding PEM certificates to trust for this endpoint, in
	// addition to the system's. The key defaults to ca.crt.
	// +optional
	CABundleSecretRef *SecretKeyReference `json:"caBundleSecretRef,omitempty"`
}

// ProgrammeStatus is what the operator observed and did for a programme.
type ProgrammeStatus struct {
	// observedGeneration is the generation of the spec that the last finished pass acted on; -1
	// before the first pass.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, Matched and IntegrationsReady, plus Reconciling and Stalled while true.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// participants enrolled in the programme.
	// +optional
	Participants int32 `json:"participants"`

	// mentors among the participants.
	// +optional
	Mentors int32 `json:"mentors"`

	// mentees among the participants.
	// +optional
	Mentees int32 `json:"mentees"`

	// pairings that are active (not ended).
	// +optional
	Pairings int32 `json:"pairings"`

	// unmatched is the number of eligible mentees without a pairing.
	// +optional
	Unmatched int32 `json:"unmatched"`

	// matchRatePercent is the share of eligible mentees who have a pairing, from 0 to 100.
	// +optional
	MatchRatePercent int32 `json:"matchRatePercent"`

	// averageScore of the active pairings, from 0 to 100.
	// +optional
	AverageScore int32 `json:"averageScore"`

	// topicCoveragePercent is the share of paired mentees' goals that their mentor's expertise
	// covers, from 0 to 100.
	// +optional
	TopicCoveragePercent int32 `json:"topicCoveragePercent"`

	// lastMatchTime is when a matching pass last changed the pairings.
	// +optional
	LastMatchTime *metav1.Time `json:"lastMatchTime,omitempty"`

	// lastMatchDigest fingerprints the names of the active pairings as the pass that last changed them
	// left them. The programme.matched event is named by it, so a cluster rebuilt from the same
	// manifests, which makes the same pairings, sends it under the same id.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	LastMatchDigest string `json:"lastMatchDigest,omitempty"`

	// observedMembers is what the last matching pass accounted for. While the programme's
	// participants and pairings differ from it, the programme is not Ready.
	// +optional
	ObservedMembers *ObservedMembers `json:"observedMembers,omitempty"`

	// lastHandledReconcileAt is the value of the reconcile-requested-at annotation that the last
	// matching pass acted on.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`

	// unmatchedParticipants lists, by name, up to 50 participants left without a pairing and why;
	// `kubectl mentoring explain` tells more.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=50
	UnmatchedParticipants []UnmatchedParticipant `json:"unmatchedParticipants,omitempty"`

	// webhooks is a delivery summary per webhook.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	Webhooks []WebhookStatus `json:"webhooks,omitempty"`

	// notifications are the programme's events and their delivery to each webhook.
	// +optional
	// +listType=map
	// +listMapKey=webhook
	// +listMapKey=event
	// +kubebuilder:validation:MaxItems=64
	Notifications []Notification `json:"notifications,omitempty"`

	// measurement sums up the programme's check-ins and surveys, when spec.measurement is set.
	// +optional
	Measurement *MeasurementSummary `json:"measurement,omitempty"`
}

// ObservedMembers is the programme's participants and pairings as a matching pass accounted for them,
// its own writes included.
type ObservedMembers struct {
	// participants is the number of Participants of the programme.
	// +required
	Participants int32 `json:"participants"`

	// pairings is the number of Pairings of the programme, ended ones included.
	// +required
	Pairings int32 `json:"pairings"`

	// digest fingerprints every member as the pass left it (a participant's name, UID and generation;
	// a pairing's name, people and generation, whether a person wrote it and whether it ended; for both,
	// whether it is being deleted) and the programme's stage (enrolling, closed or completed). A change to
	// any of them changes it.
	// +required
	// +kubebuilder:validation:MaxLength=64
	Digest string `json:"digest"`
}

// UnmatchedParticipant is a participant without a pairing, and why.
type UnmatchedParticipant struct {
	// name of the Participant.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// reason is a CamelCase word such as NoSharedTopic or NoCommonAvailability.
	// +required
	// +kubebuilder:validation:MaxLength=64
	Reason string `json:"reason"`
}

// WebhookStatus summarises the deliveries to one webhook.
type WebhookStatus struct {
	// name of the webhook in spec.integrations.webhooks.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// pending is the number of events waiting to be delivered.
	// +optional
	Pending int32 `json:"pending,omitempty"`

	// lastSuccessTime is when a delivery last succeeded.
	// +optional
	LastSuccessTime *metav1.Time `json:"lastSuccessTime,omitempty"`

	// lastFailureTime is when a delivery last failed.
	// +optional
	LastFailureTime *metav1.Time `json:"lastFailureTime,omitempty"`

	// lastFailure says how the last failed delivery failed, such as "HTTP 503" or "timeout".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	LastFailure string `json:"lastFailure,omitempty"`

	// disabled is true after the endpoint answered 410 Gone; change the webhook's Secret or spec to
	// enable it again.
	// +optional
	Disabled bool `json:"disabled,omitempty"`

	// configHash fingerprints the webhook's spec and the versions of its Secrets.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ConfigHash string `json:"configHash,omitempty"`

	// configChangedTime is when configHash last changed; only failures after it count.
	// +optional
	ConfigChangedTime *metav1.Time `json:"configChangedTime,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=prog,categories=mentoring
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Participants",type=integer,JSONPath=`.status.participants`
// +kubebuilder:printcolumn:name="Pairings",type=integer,JSONPath=`.status.pairings`
// +kubebuilder:printcolumn:name="Unmatched",type=integer,JSONPath=`.status.unmatched`
// +kubebuilder:printcolumn:name="Match %",type=integer,JSONPath=`.status.matchRatePercent`
// +kubebuilder:printcolumn:name="Avg Score",type=integer,JSONPath=`.status.averageScore`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Start",type=string,JSONPath=`.spec.schedule.start`,priority=1
// +kubebuilder:printcolumn:name="End",type=string,JSONPath=`.spec.schedule.end`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="a programme's name has at most 63 characters: pairings carry it in a label"
// Programme is a mentoring programme: its purpose, topics, timeline, meeting cadence, matching policy
// and integrations. The operator matches its Participants into Pairings and runs it to completion.
type Programme struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the programme.
	// +required
	Spec ProgrammeSpec `json:"spec"`

	// status is what the operator observed and did.
	// +optional
	// +kubebuilder:default={"observedGeneration":-1}
	Status ProgrammeStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProgrammeList is a list of Programmes.
type ProgrammeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Programme `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Programme{}, &ProgrammeList{})
}
