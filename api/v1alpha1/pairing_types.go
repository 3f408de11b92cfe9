package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PairingSpec is one mentor and one mentee in a programme. The matcher writes most pairings; a pairing
// a person writes is honoured by the matcher and keeps the mentor's capacity.
// +kubebuilder:validation:XValidation:rule="self.mentorRef.name != self.menteeRef.name",message="mentorRef and menteeRef must name different participants"
type PairingSpec struct {
	// programmeRef names the Programme, in the same namespace. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="programmeRef is immutable"
	ProgrammeRef LocalObjectReference `json:"programmeRef"`

	// mentorRef names the mentor's Participant. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="mentorRef is immutable; end this pairing and create another"
	MentorRef LocalObjectReference `json:"mentorRef"`

	// menteeRef names the mentee's Participant. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="menteeRef is immutable; end this pairing and create another"
	MenteeRef LocalObjectReference `json:"menteeRef"`

	// topics the pair works on; the matcher fills in the topics both share with the programme.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	Topics []Topic `json:"topics,omitempty"`

	// approved is set by a person to start the pairing under Manual approval. The operator never
	// writes it. It has no effect under Automatic approval.
	// +optional
	Approved bool `json:"approved,omitempty"`
}

// EndReason says why a pairing ended.
// +kubebuilder:validation:Enum=ParticipantLeft;ParticipantPaused;ConstraintViolated;ProgrammeCompleted
type EndReason string

const (
	// EndParticipantLeft means the mentor or the mentee was deleted.
	EndParticipantLeft EndReason = "ParticipantLeft"
	// EndParticipantPaused means the mentor or the mentee paused.
	EndParticipantPaused EndReason = "ParticipantPaused"
	// EndConstraintViolated means a change made the pair impossible, such as a new manager.
	EndConstraintViolated EndReason = "ConstraintViolated"
	// EndProgrammeCompleted means the programme reached its end.
	EndProgrammeCompleted EndReason = "ProgrammeCompleted"
)

// PairingEnd records that and why a pairing ended. An ended pairing stays as history and counts as a
// previous partnership.
type PairingEnd struct {
	// time the pairing ended.
	// +required
	Time metav1.Time `json:"time"`

	// reason the pairing ended.
	// +required
	Reason EndReason `json:"reason"`

	// message says what happened, without personal data.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Message string `json:"message,omitempty"`
}

// ScoreComponent is one criterion's contribution to a pairing's score.
type ScoreComponent struct {
	// criterion scored, such as topicFit, availability, crossDepartment, seniorityGap or
	// diversity:<attribute>.
	// +required
	// +kubebuilder:validation:MaxLength=80
	Criterion string `json:"criterion"`

	// points this criterion contributes to the score; the points of all criteria add up to the score.
	// +required
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Points int32 `json:"points"`
}

// MeetingStatus is the pair's standing meeting.
type MeetingStatus struct {
	// weekday of the meeting, in timeZone.
	// +required
	Weekday Weekday `json:"weekday"`

	// start time of the meeting, HH:MM in timeZone.
	// +required
	// +kubebuilder:validation:MaxLength=5
	Start string `json:"start"`

	// timeZone the series is anchored in: the organiser's.
	// +required
	TimeZone TimeZone `json:"timeZone"`

	// durationMinutes of each meeting.
	// +required
	DurationMinutes int32 `json:"durationMinutes"`

	// recurrenceRule of the series, as in an iCalendar RRULE.
	// +required
	// +kubebuilder:validation:MaxLength=256
	RecurrenceRule string `json:"recurrenceRule"`

	// nextMeeting is the start of the next meeting, in UTC; empty when none is left.
	// +optional
	NextMeeting *metav1.Time `json:"nextMeeting,omitempty"`

	// nextMeetingMentor is the next meeting's start in the mentor's time zone, such as
	// "Tue 2027-01-12 10:00 Europe/London".
	// +optional
	// +kubebuilder:validation:MaxLength=128
	NextMeetingMentor string `json:"nextMeetingMentor,omitempty"`

	// nextMeetingMentee is the next meeting's start in the mentee's time zone.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	NextMeetingMentee string `json:"nextMeetingMentee,omitempty"`
}

// CalendarStatus is the pair's meeting series in the calendar.
type CalendarStatus struct {
	// uid of the iCalendar event, derived from the Pairing's UID.
	// +required
	// +kubebuilder:validation:MaxLength=256
	UID string `json:"uid"`

	// sequence of the event, raised on every change.
	// +optional
	Sequence int32 `json:"sequence,omitempty"`

	// href of the event in the CalDAV collection.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Href string `json:"href,omitempty"`

	// etag of the event as last written, for conditional updates.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ETag string `json:"etag,omitempty"`

	// hash of the event content as last written, so unchanged content is not written again.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Hash string `json:"hash,omitempty"`

	// stamp is when the written version was made: the event's DTSTAMP, kept so that the same version
	// always encodes the same way.
	// +optional
	Stamp *metav1.Time `json:"stamp,omitempty"`
}

// DeliveryState is how far an event's delivery to one webhook got.
// +kubebuilder:validation:Enum=Pending;Delivered;Failed
type DeliveryState string

const (
	// DeliveryPending is waiting for its first or next attempt.
	DeliveryPending DeliveryState = "Pending"
	// DeliveryDelivered was accepted by the receiver.
	DeliveryDelivered DeliveryState = "Delivered"
	// DeliveryFailed will not be retried: refused by the receiver, or older than the maximum age.
	DeliveryFailed DeliveryState = "Failed"
)

// Notification is the latest event of one type for one webhook, and its delivery. Kept in status, it
// makes deliveries durable: a restarted operator resumes them with the same event id.
type Notification struct {
	// webhook name, as in the programme's spec.integrations.webhooks.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Webhook string `json:"webhook"`

	// event type.
	// +required
	Event EventType `json:"event"`

	// id of the event, the same on every attempt, so receivers can drop duplicates.
	// +required
	// +kubebuilder:validation:MaxLength=64
	ID string `json:"id"`

	// state of the delivery.
	// +required
	State DeliveryState `json:"state"`

	// attempts made so far.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`

	// firstAttemptTime is when delivery was first tried; retries stop after the maximum age.
	// +optional
	FirstAttemptTime *metav1.Time `json:"firstAttemptTime,omitempty"`

	// lastAttemptTime is when delivery was last tried.
	// +optional
	LastAttemptTime *metav1.Time `json:"lastAttemptTime,omitempty"`

	// nextAttemptTime is when a pending delivery is tried again.
	// +optional
	NextAttemptTime *metav1.Time `json:"nextAttemptTime,omitempty"`

	// lastResult of the latest attempt, such as "HTTP 202", "HTTP 503" or "timeout".
	// +optional
	// +kubebuilder:validation:MaxLength=256
	LastResult string `json:"lastResult,omitempty"`
}

// PairingStatus is what the operator observed and did for a pairing.
type PairingStatus struct {
	// observedGeneration is the generation of the spec that the last finished pass acted on; -1
	// before the first pass.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, ConstraintsMet, CalendarSynced, Notified, EmailSent and, when the programme
	// measures, Healthy, plus Reconciling and Stalled while true. Ready's reason tells the pairing's
	// stage: Proposed, AwaitingApproval, Active, Ended or Completed.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// score of the pair from 0 to 100, as the matcher computed it.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Score *int32 `json:"score,omitempty"`

	// scoreBreakdown is the score per criterion.
	// +optional
	// +listType=map
	// +listMapKey=criterion
	// +kubebuilder:validation:MaxItems=16
	ScoreBreakdown []ScoreComponent `json:"scoreBreakdown,omitempty"`

	// ended is set when the pairing ends; it then stays as history.
	// +optional
	Ended *PairingEnd `json:"ended,omitempty"`

	// meeting is the pair's standing meeting, once scheduled.
	// +optional
	Meeting *MeetingStatus `json:"meeting,omitempty"`

	// calendar is the meeting series as written to the calendar.
	// +optional
	Calendar *CalendarStatus `json:"calendar,omitempty"`

	// notifications are the pairing's events and their delivery to each webhook.
	// +optional
	// +listType=map
	// +listMapKey=webhook
	// +listMapKey=event
	// +kubebuilder:validation:MaxItems=64
	Notifications []Notification `json:"notifications,omitempty"`

	// email is the pairing's introduction and invitations by email, and their delivery.
	// +optional
	Email *PairingEmailStatus `json:"email,omitempty"`

	// checkIns are both people's answers per round, written only by the page server that receives
	// them. The operator derives the Healthy condition from them.
	// +optional
	// +listType=map
	// +listMapKey=round
	// +listMapKey=role
	// +kubebuilder:validation:MaxItems=128
	CheckIns []CheckIn `json:"checkIns,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=pair,categories=mentoring
// +kubebuilder:printcolumn:name="Mentor",type=string,JSONPath=`.spec.mentorRef.name`
// +kubebuilder:printcolumn:name="Mentee",type=string,JSONPath=`.spec.menteeRef.name`
// +kubebuilder:printcolumn:name="Score",type=integer,JSONPath=`.status.score`
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Next Meeting",type=string,JSONPath=`.status.meeting.nextMeeting`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Programme",type=string,JSONPath=`.spec.programmeRef.name`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Pairing is one mentor and one mentee, created by the matcher or written by a person.
type Pairing struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the pairing.
	// +required
	Spec PairingSpec `json:"spec"`

	// status is what the operator observed and did.
	// +optional
	// +kubebuilder:default={"observedGeneration":-1}
	Status PairingStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PairingList is a list of Pairings.
type PairingList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Pairing `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Pairing{}, &PairingList{})
}
