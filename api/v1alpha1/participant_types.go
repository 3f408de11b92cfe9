package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Role is what a participant does in the programme.
// +kubebuilder:validation:Enum=Mentor;Mentee
type Role string

const (
	// RoleMentor shares expertise.
	RoleMentor Role = "Mentor"
	// RoleMentee learns.
	RoleMentee Role = "Mentee"
)

// ParticipantSpec is one mentor or mentee: who they are, what they know or want to learn, and when they
// can meet. It is personal data: the operator copies none of it into other objects, events or logs.
// +kubebuilder:validation:XValidation:rule="self.role == 'Mentor' || !has(self.capacity)",message="capacity applies to mentors only; remove it from this mentee"
type ParticipantSpec struct {
	// programmeRef names the Programme, in the same namespace, that this participant belongs to.
	// Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="programmeRef is immutable; create a new Participant to join another programme"
	ProgrammeRef LocalObjectReference `json:"programmeRef"`

	// role is Mentor or Mentee. Immutable.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="role is immutable; create a new Participant to change role"
	Role Role `json:"role"`

	// displayName is how the participant is addressed in calendar invitations.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	DisplayName string `json:"displayName"`

	// email receives calendar invitations and identifies the participant in management chains.
	// +required
	Email Email `json:"email"`

	// employeeId identifies the participant in management chains that use employee ids.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	EmployeeID string `json:"employeeId,omitempty"`

	// seniority level from 1 to 20; higher is more senior.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	Seniority int32 `json:"seniority"`

	// department the participant works in.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Department string `json:"department,omitempty"`

	// managementChain lists the participant's managers, direct manager first, by email or employee id.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=254
	ManagementChain []string `json:"managementChain,omitempty"`

	// timezone is the participant's IANA time zone, such as Europe/Berlin; availability is read in it.
	// +required
	Timezone TimeZone `json:"timezone"`

	// availability lists the weekly windows in which the participant can meet, in their own time zone.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=21
	Availability []AvailabilityWindow `json:"availability,omitempty"`

	// expertise the participant can share; what a mentor offers.
	// +optional
	// +listType=map
	// +listMapKey=topic
	// +kubebuilder:validation:MaxItems=32
	Expertise []TopicExpertise `json:"expertise,omitempty"`

	// goals the participant wants to learn; what a mentee asks for.
	// +optional
	// +listType=map
	// +listMapKey=topic
	// +kubebuilder:validation:MaxItems=32
	Goals []TopicGoal `json:"goals,omitempty"`

	// capacity is the most mentees this mentor takes at once, from 1 to 10; capped by the programme's
	// matching.maxMenteesPerMentor. Mentors only. Defaults to 1.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	Capacity *int32 `json:"capacity,omitempty"`

	// attributes are optional, sensitive facts used only for the programme's diversity goals, such as
	// {name: generation, value: gen-z}. They appear nowhere but here.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	Attributes []Attribute `json:"attributes,omitempty"`

	// attributesSecretRef names a Secret, in the same namespace, whose keys are further attributes and
	// whose values are their values, such as generation: gen-z, so they can be kept encrypted in Git
	// (SOPS, Sealed Secrets). The matcher uses them as if they were in attributes, where a name must not
	// appear twice; together at most 16. The operator copies them nowhere.
	// +optional
	AttributesSecretRef *LocalObjectReference `json:"attributesSecretRef,omitempty"`

	// paused takes the participant out of matching; their active pairings end.
	// +optional
	Paused bool `json:"paused,omitempty"`
}

// AvailabilityWindow is a weekly window, in the participant's own time zone.
// +kubebuilder:validation:XValidation:rule="self.end > self.start",message="an availability window must end after it starts"
type AvailabilityWindow struct {
	// days of the week the window applies to.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=7
	Days []Weekday `json:"days"`

	// start of the window, HH:MM on a 24-hour clock.
	// +required
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="start is a time HH:MM between 00:00 and 23:59"
	Start string `json:"start"`

	// end of the window, HH:MM on a 24-hour clock; 24:00 means midnight at the end of the day.
	// +required
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$')",message="end is a time HH:MM between 00:01 and 24:00"
	End string `json:"end"`
}

// TopicExpertise is a topic the participant knows, and how well.
type TopicExpertise struct {
	// topic known.
	// +required
	Topic Topic `json:"topic"`

	// level of expertise from 1 (some) to 5 (expert).
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=5
	Level int32 `json:"level"`
}

// TopicGoal is a topic the participant wants to learn, and how much it matters to them.
type TopicGoal struct {
	// topic to learn.
	// +required
	Topic Topic `json:"topic"`

	// priority from 1 (nice to have) to 5 (the main reason to take part).
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=5
	Priority int32 `json:"priority"`
}

// Attribute is a named value used by diversity goals.
type Attribute struct {
	// name of the attribute, such as generation or gender.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// value of the attribute.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Value string `json:"value"`
}

// ParticipantStatus is what the operator observed about a participant.
type ParticipantStatus struct {
	// observedGeneration is the generation of the spec that the last finished pass acted on; -1
	// before the first pass.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready and Eligible, Matched (written by the programme's matcher), plus Stalled
	// while true. Being unpaired is a normal state, reported by Matched, and keeps Ready true.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// pairings names the participant's active pairings.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=10
	Pairings []string `json:"pairings,omitempty"`

	// activePairings is the number of active pairings.
	// +optional
	ActivePairings int32 `json:"activePairings"`

	// feedSecretRef names the Secret that holds this participant's calendar subscription URL (key
	// url) and its token (key token), when the programme serves calendar feeds. Delete the Secret to
	// get a new token and URL.
	// +optional
	FeedSecretRef *LocalObjectReference `json:"feedSecretRef,omitempty"`

	// feedTokenHash is the SHA-256 of the feed token, in hex, by which the feed server finds the
	// participant; the token itself is only in the Secret.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	FeedTokenHash string `json:"feedTokenHash,omitempty"`

	// personalLink is the participant's private page for check-ins and surveys, when the programme
	// sets spec.measurement.
	// +optional
	PersonalLink *PersonalLink `json:"personalLink,omitempty"`

	// notifications are the participant's events and their delivery to each webhook.
	// +optional
	// +listType=map
	// +listMapKey=webhook
	// +listMapKey=event
	// +kubebuilder:validation:MaxItems=64
	Notifications []Notification `json:"notifications,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=part,categories=mentoring
// +kubebuilder:printcolumn:name="Programme",type=string,JSONPath=`.spec.programmeRef.name`
// +kubebuilder:printcolumn:name="Role",type=string,JSONPath=`.spec.role`
// +kubebuilder:printcolumn:name="Seniority",type=integer,JSONPath=`.spec.seniority`
// +kubebuilder:printcolumn:name="Department",type=string,JSONPath=`.spec.department`
// +kubebuilder:printcolumn:name="Pairings",type=integer,JSONPath=`.status.activePairings`
// +kubebuilder:printcolumn:name="Matched",type=string,JSONPath=`.status.conditions[?(@.type=="Matched")].reason`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Timezone",type=string,JSONPath=`.spec.timezone`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="a participant's name has at most 63 characters: pairings carry it in a label"
// Participant is one mentor or mentee in a Programme: their expertise, learning goals, seniority,
// department, management chain, time zone, weekly availability and capacity.
type Participant struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata. Prefer pseudonymous names, such as employee ids: the
	// name is how other objects refer to the participant.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the participant.
	// +required
	Spec ParticipantSpec `json:"spec"`

	// status is what the operator observed.
	// +optional
	// +kubebuilder:default={"observedGeneration":-1}
	Status ParticipantStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ParticipantList is a list of Participants.
type ParticipantList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Participant `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Participant{}, &ParticipantList{})
}
