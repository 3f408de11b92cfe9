package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Measurement: what a programme achieves. Both people of every pairing answer short check-ins on a
// cadence, a midpoint survey and an end survey on their private page. Their numbers go into the
// Pairing's status.checkIns (written only by the page server), from which the operator derives the
// pairing's Healthy condition and the programme's status.measurement. Free-text comments are never
// stored in the cluster.

// CheckInUnit is what a check-in cadence counts.
// +kubebuilder:validation:Enum=Weeks;Meetings
type CheckInUnit string

const (
	// CheckInWeeks counts weeks from the pair's first meeting.
	CheckInWeeks CheckInUnit = "Weeks"
	// CheckInMeetings counts the pair's scheduled meetings.
	CheckInMeetings CheckInUnit = "Meetings"
)

// QuestionType is how a question is answered.
// +kubebuilder:validation:Enum=Scale;YesNo
type QuestionType string

const (
	// QuestionScale is answered from 1 (not at all) to 5 (very much).
	QuestionScale QuestionType = "Scale"
	// QuestionYesNo is answered yes (stored as 1) or no (stored as 0).
	QuestionYesNo QuestionType = "YesNo"
)

// RoundKind is a kind of round of questions.
// +kubebuilder:validation:Enum=CheckIn;Midpoint;End
type RoundKind string

const (
	// RoundCheckIn is a regular check-in.
	RoundCheckIn RoundKind = "CheckIn"
	// RoundMidpoint is the midpoint survey: a check-in that also asks whether the pairing is on track.
	RoundMidpoint RoundKind = "Midpoint"
	// RoundEnd is the end-of-programme survey: a check-in that also asks what changed.
	RoundEnd RoundKind = "End"
)

// Measurement says how often the people of a programme are asked how their pairing goes, and what.
type Measurement struct {
	// checkIns is how often both people of a pairing are asked how it goes: every 4 weeks from their
	// first meeting unless set.
	// +optional
	// +kubebuilder:default={}
	CheckIns CheckInCadence `json:"checkIns,omitempty"`

	// midpointSurvey turns the first check-in after the programme's midpoint into a survey that also
	// asks whether the pairing is on track. Defaults to true.
	// +optional
	// +kubebuilder:default=true
	MidpointSurvey *bool `json:"midpointSurvey,omitempty"`

	// endSurvey replaces the check-ins after the pair's last meeting with an end survey that also asks
	// whether the programme changed how the person works and whether they would recommend it. It stays
	// open until 14 days after the programme ends. Defaults to true.
	// +optional
	// +kubebuilder:default=true
	EndSurvey *bool `json:"endSurvey,omitempty"`

	// questions the programme asks besides the default ones (meetings held, usefulness, and how much
	// was learned or taught per topic).
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	Questions []Question `json:"questions,omitempty"`

	// commentsWebhook names the webhook in spec.integrations.webhooks, a StandardWebhooks or
	// CloudEvents receiver owned by the HR system, that receives people's free-text comments in
	// feedback.submitted events, at the moment they submit. Comments are never stored in the cluster;
	// without this field the page collects none and says so.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	CommentsWebhook string `json:"commentsWebhook,omitempty"`
}

// CheckInCadence is how often check-ins open.
type CheckInCadence struct {
	// every is the number of units from one check-in to the next, from 1 to 52. Defaults to 4.
	// +optional
	// +kubebuilder:default=4
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=52
	Every int32 `json:"every,omitempty"`

	// unit counted: Weeks (the default) from the pair's first meeting, or Meetings, a check-in opening
	// at the end of every so many scheduled meetings.
	// +optional
	// +kubebuilder:default=Weeks
	Unit CheckInUnit `json:"unit,omitempty"`
}

// Question is a question of the programme's own.
// +kubebuilder:validation:XValidation:rule="!(self.name in ['meetings', 'usefulness', 'on-track', 'changed', 'recommend'])",message="meetings, usefulness, on-track, changed and recommend are the default questions' names: choose another name"
type Question struct {
	// name identifies the answers in status and events: lower case letters, digits and dashes.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Name string `json:"name"`

	// text of the question as people read it, such as "Did your mentor show you a tool you now use?".
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	Text string `json:"text"`

	// type of answer: Scale (1 to 5) or YesNo.
	// +required
	Type QuestionType `json:"type"`

	// askedIn lists the rounds that ask the question: CheckIn, Midpoint or End; all of them when empty.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=3
	AskedIn []RoundKind `json:"askedIn,omitempty"`
}

// CheckIn is one person's answers for one round of a pairing. A second submission for the same round
// replaces the first.
type CheckIn struct {
	// round answered: checkin-N for the N-th check-in, midpoint or end.
	// +required
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:Pattern=`^(checkin-[1-9][0-9]{0,2}|midpoint|end)$`
	Round string `json:"round"`

	// role of the person who answered: Mentor or Mentee.
	// +required
	Role Role `json:"role"`

	// submittedTime is when the answers were submitted.
	// +required
	SubmittedTime metav1.Time `json:"submittedTime"`

	// meetings the person says the pair held since the previous round, from 0 to 31.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=31
	Meetings *int32 `json:"meetings,omitempty"`

	// usefulness of those meetings to the person, from 1 (not useful) to 5 (very useful).
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=5
	Usefulness *int32 `json:"usefulness,omitempty"`

	// topics rates, per topic of the pairing, how much the mentee learned or the mentor taught, from 1
	// to 5.
	// +optional
	// +listType=map
	// +listMapKey=topic
	// +kubebuilder:validation:MaxItems=32
	Topics []TopicRating `json:"topics,omitempty"`

	// answers to the survey questions (on-track, changed, recommend) and the programme's own.
	// +optional
	// +listType=map
	// +listMapKey=question
	// +kubebuilder:validation:MaxItems=16
	Answers []Answer `json:"answers,omitempty"`
}

// TopicRating is a rating for one topic.
type TopicRating struct {
	// topic rated.
	// +required
	Topic Topic `json:"topic"`

	// rating from 1 (nothing) to 5 (a great deal).
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=5
	Rating int32 `json:"rating"`
}

// Answer is the answer to one named question.
type Answer struct {
	// question answered, by name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	Question string `json:"question"`

	// value of the answer: 1 to 5 on a Scale question; 1 for yes and 0 for no on a YesNo question.
	// +required
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=5
	Value int32 `json:"value"`
}

// PersonalLink is a participant's private page, reached through an unguessable link.
type PersonalLink struct {
	// secretRef names the Secret that holds the link (key url) and its token (key token). Delete the
	// Secret to revoke the link at once; the participant then gets a new one. Send the link only to
	// the person, never to a shared channel.
	// +required
	SecretRef LocalObjectReference `json:"secretRef"`

	// tokenHash is the SHA-256 of the token, in hex, by which the page server finds the participant;
	// the token itself is only in the Secret.
	// +required
	// +kubebuilder:validation:MaxLength=64
	TokenHash string `json:"tokenHash"`
}

// Rating is an average rating from 1.0 to 5.0 with one decimal, written as text, such as "4.2" (the API
// has no floating-point numbers).
// +kubebuilder:validation:MaxLength=3
// +kubebuilder:validation:Pattern=`^[1-5]\.[0-9]$`
type Rating string

// MeasurementSummary is what the programme's check-ins and surveys show so far. Every figure drawn from
// answers is left out while fewer than five people contributed to it, so that nobody's answers can be
// singled out.
type MeasurementSummary struct {
	// responses given so far, in all rounds.
	// +optional
	Responses int32 `json:"responses"`

	// responsesDue is the number of answers asked for in the rounds that have closed: two per pairing
	// and round.
	// +optional
	ResponsesDue int32 `json:"responsesDue"`

	// responseRatePercent is the share of responsesDue that were given, from 0 to 100.
	// +optional
	ResponseRatePercent *int32 `json:"responseRatePercent,omitempty"`

	// meetingsScheduled in the periods somebody reported on.
	// +optional
	MeetingsScheduled *int32 `json:"meetingsScheduled,omitempty"`

	// meetingsHeld in those periods, as reported: the larger of the two people's numbers per period.
	// +optional
	MeetingsHeld *int32 `json:"meetingsHeld,omitempty"`

	// usefulnessMentors is the mentors' average rating of their meetings' usefulness.
	// +optional
	UsefulnessMentors Rating `json:"usefulnessMentors,omitempty"`

	// usefulnessMentees is the mentees' average rating of their meetings' usefulness.
	// +optional
	UsefulnessMentees Rating `json:"usefulnessMentees,omitempty"`

	// topics is the learning per topic.
	// +optional
	// +listType=map
	// +listMapKey=topic
	// +kubebuilder:validation:MaxItems=32
	Topics []TopicOutcome `json:"topics,omitempty"`

	// questions is the outcome of each named question: the surveys' on-track, changed and recommend,
	// and the programme's own.
	// +optional
	// +listType=map
	// +listMapKey=question
	// +kubebuilder:validation:MaxItems=16
	Questions []QuestionOutcome `json:"questions,omitempty"`

	// pairingsByHealth counts the pairings by their Healthy condition's reason.
	// +optional
	PairingsByHealth PairingHealthCounts `json:"pairingsByHealth"`
}

// TopicOutcome is how much was learned and taught on one topic.
type TopicOutcome struct {
	// topic rated.
	// +required
	Topic Topic `json:"topic"`

	// learned is the mentees' average rating of how much they learned.
	// +optional
	Learned Rating `json:"learned,omitempty"`

	// taught is the mentors' average rating of how much they taught.
	// +optional
	Taught Rating `json:"taught,omitempty"`
}

// QuestionOutcome is how one named question was answered.
type QuestionOutcome struct {
	// question, by name.
	// +required
	// +kubebuilder:validation:MaxLength=32
	Question string `json:"question"`

	// average answer to a Scale question.
	// +optional
	Average Rating `json:"average,omitempty"`

	// yesPercent is the share of yes answers to a YesNo question, from 0 to 100.
	// +optional
	YesPercent *int32 `json:"yesPercent,omitempty"`
}

// PairingHealthCounts counts pairings by health.
type PairingHealthCounts struct {
	// onTrack pairings meet and find it useful.
	// +optional
	OnTrack int32 `json:"onTrack"`

	// needsAttention pairings reported no meetings, low usefulness or being off track.
	// +optional
	NeedsAttention int32 `json:"needsAttention"`

	// inactive pairings answered none of their recent check-ins.
	// +optional
	Inactive int32 `json:"inactive"`

	// tooEarly pairings have had no check-in yet.
	// +optional
	TooEarly int32 `json:"tooEarly"`
}
