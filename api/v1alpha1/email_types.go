package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EmailTLS is how the connection to an SMTP relay is protected.
// +kubebuilder:validation:Enum=StartTLS;Implicit;None
type EmailTLS string

const (
	// EmailStartTLS connects in plain text and requires the relay to offer STARTTLS before anything
	// else is sent (port 587, as Microsoft 365 and Google Workspace use).
	EmailStartTLS EmailTLS = "StartTLS"
	// EmailImplicitTLS speaks TLS from the first byte (port 465).
	EmailImplicitTLS EmailTLS = "Implicit"
	// EmailNoTLS sends in plain text; only for a relay on loopback in development.
	EmailNoTLS EmailTLS = "None"
)

// EmailIntegration sends each pairing's introduction and its meeting series as a calendar invitation
// by email, through an SMTP relay.
// +kubebuilder:validation:XValidation:rule="self.tls != 'None' || self.address.startsWith('localhost:') || self.address.startsWith('127.') || self.address.startsWith('[::1]:')",message="tls: None is only for a relay on loopback (localhost, 127.0.0.1 or [::1]) in development; use StartTLS or Implicit"
type EmailIntegration struct {
	// address of the SMTP relay, host:port, such as smtp.office365.com:587 or
	// smtp-relay.gmail.com:587.
	// +required
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=261
	// +kubebuilder:validation:XValidation:rule="self.matches('^([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?([.][A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*|[[][0-9A-Fa-f:.]+[]]):[0-9]{1,5}$')",message="address is host:port, such as smtp.office365.com:587"
	Address string `json:"address"`

	// tls is how the connection is protected: StartTLS (the default; the relay must offer it),
	// Implicit (TLS from the first byte, usually port 465) or None (loopback only, for development).
	// The relay's certificate is always verified.
	// +optional
	// +kubebuilder:default=StartTLS
	TLS EmailTLS `json:"tls,omitempty"`

	// credentialsSecretRef names a Secret with the keys username and password for SMTP
	// authentication (AUTH PLAIN or LOGIN). Without it the relay must accept the operator's messages
	// unauthenticated, as a relay that trusts the cluster's outgoing address does.
	// +optional
	CredentialsSecretRef *LocalObjectReference `json:"credentialsSecretRef,omitempty"`

	// caBundleSecretRef names a Secret key holding PEM certificates to trust for this relay, in
	// addition to the system's. The key defaults to ca.crt.
	// +optional
	CABundleSecretRef *SecretKeyReference `json:"caBundleSecretRef,omitempty"`

	// from is the sender of every message and the organizer of the invitations: the programme
	// office's mailbox, which receives people's replies and their Accept or Decline. The credentials
	// must be allowed to send as it.
	// +required
	From Email `json:"from"`

	// fromName is the sender's name as mail programs show it. Defaults to the programme's name.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	FromName string `json:"fromName,omitempty"`

	// replyTo receives replies instead of from, such as a shared programme team mailbox.
	// +optional
	ReplyTo Email `json:"replyTo,omitempty"`

	// maxMessagesPerMinute is the most messages sent to the relay in a minute, from 1 to 6000.
	// Defaults to 30, the limit of a Microsoft 365 mailbox.
	// +optional
	// +kubebuilder:default=30
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=6000
	MaxMessagesPerMinute int32 `json:"maxMessagesPerMinute,omitempty"`

	// templatesConfigMapRef names a ConfigMap whose keys replace the built-in subjects and bodies:
	// introduction.subject, introduction.text, introduction.html, and the same for invitation and
	// cancellation. Subjects and text bodies are Go text/template, HTML bodies html/template; each is
	// checked against sample data when loaded. docs/email.md lists the data they see.
	// +optional
	TemplatesConfigMapRef *LocalObjectReference `json:"templatesConfigMapRef,omitempty"`
}

// EmailRecipient is whom a message of a pairing goes to.
// +kubebuilder:validation:Enum=Mentor;Mentee
type EmailRecipient string

// EmailKind is what a message of a pairing is: its introduction, or its meeting series as an
// invitation, updated and finally cancelled.
// +kubebuilder:validation:Enum=Introduction;Invitation
type EmailKind string

const (
	// EmailIntroduction introduces the two people to each other, once.
	EmailIntroduction EmailKind = "Introduction"
	// EmailInvitation is the latest calendar message of the meeting series: a request, an update
	// with a higher sequence, or its cancellation.
	EmailInvitation EmailKind = "Invitation"
)

// EmailMessage is the latest message of one kind to one person of a pairing, and its delivery to the
// relay. Kept in status, it makes delivery durable: a restarted operator resumes it with the same
// Message-ID.
type EmailMessage struct {
	// recipient of the message.
	// +required
	Recipient EmailRecipient `json:"recipient"`

	// kind of message.
	// +required
	Kind EmailKind `json:"kind"`

	// messageID is the message's Message-ID, derived from declared names only, the same on every
	// attempt and after a rebuild, so mail programs and people recognise a repeat.
	// +required
	// +kubebuilder:validation:MaxLength=128
	MessageID string `json:"messageID"`

	// state of the delivery to the relay.
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

	// lastResult of the latest attempt, such as "SMTP 250", "SMTP 451 4.7.0 at DATA" or
	// "connection refused"; never an address.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	LastResult string `json:"lastResult,omitempty"`
}

// EmailedSeries is the meeting series as last sent by email: enough to send its update with the next
// sequence, or its cancellation after a participant has left. It holds no personal data.
type EmailedSeries struct {
	// uid of the series, as in the calendar.
	// +required
	// +kubebuilder:validation:MaxLength=256
	UID string `json:"uid"`

	// sequence of the version sent.
	// +optional
	Sequence int32 `json:"sequence,omitempty"`

	// hash of the content sent, so that unchanged content keeps its sequence.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Hash string `json:"hash,omitempty"`

	// stamp is when the version sent was made: its DTSTAMP.
	// +required
	Stamp metav1.Time `json:"stamp"`

	// first meeting's start.
	// +required
	First metav1.Time `json:"first"`

	// last meeting's start.
	// +required
	Last metav1.Time `json:"last"`

	// timeZone the series is anchored in.
	// +required
	TimeZone TimeZone `json:"timeZone"`

	// durationMinutes of each meeting.
	// +required
	// +kubebuilder:validation:Minimum=1
	DurationMinutes int32 `json:"durationMinutes"`

	// intervalWeeks between meetings.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=4
	IntervalWeeks int32 `json:"intervalWeeks"`

	// cancelled is true once the cancellation was planned.
	// +optional
	Cancelled bool `json:"cancelled,omitempty"`
}

// PairingEmailStatus is the pairing's messages by email.
type PairingEmailStatus struct {
	// series is the meeting series as last sent by email.
	// +optional
	Series *EmailedSeries `json:"series,omitempty"`

	// messages are the latest message of each kind to each person, and their delivery.
	// +optional
	// +listType=map
	// +listMapKey=recipient
	// +listMapKey=kind
	// +kubebuilder:validation:MaxItems=8
	Messages []EmailMessage `json:"messages,omitempty"`
}

// EmailSentCondition on a Pairing is True when every message the pairing implies reached the relay.
const EmailSentCondition = "EmailSent"

// Email reasons.
const (
	// ReasonRecipientRefused means the relay refused a message for good (5xx), usually because of
	// the recipient's address; the message names the recipient's role, never the address.
	ReasonRecipientRefused = "RecipientRefused"
	// ReasonSenderRefused means the relay refused the sender address: the credentials may not send as
	// the programme's email.from.
	ReasonSenderRefused = "SenderRefused"
	// ReasonTLSUnavailable means the relay did not offer STARTTLS although tls is StartTLS.
	ReasonTLSUnavailable = "TLSUnavailable"
	// ReasonTemplateInvalid means the templates ConfigMap holds a template that does not parse or run.
	ReasonTemplateInvalid = "TemplateInvalid"
)
