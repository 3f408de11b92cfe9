package email

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// Role is whom a message goes to, spelled as the API's EmailRecipient.
type Role string

// The recipients of a pairing's messages.
const (
	Mentor Role = "Mentor"
	Mentee Role = "Mentee"
)

// Kind is what a message is, spelled as the API's EmailKind. A pairing has at most one message of each
// kind per recipient: a newer invitation (an update or the cancellation) replaces an older one.
type Kind string

// The kinds of message.
const (
	// Introduction introduces the two people to each other; it is sent once.
	Introduction Kind = "Introduction"
	// Invitation is the meeting series as a calendar message: a request, or its cancellation.
	Invitation Kind = "Invitation"
)

// idDomain is the right-hand side of every Message-ID: the operator's, like the calendar UIDs, so that
// a change of sender address does not make every message new.
const idDomain = "mentoring.reverse-mentoring.dev"

// Identity names a message by what Git declares, never by what a cluster assigns (metadata.uid,
// creation times): a retry, a restarted manager and a cluster rebuilt from the same manifests give
// the same Message-ID, so mail programs and people can tell a repeat from a new message.
type Identity struct {
	// Namespace, Programme and Pairing are the declared names.
	Namespace, Programme, Pairing string
	// Occurrence tells a pairing made again under the same name after it ended from the first; empty
	// for the first.
	Occurrence string
	// Recipient of the message.
	Recipient Role
	// Kind of message, and for an invitation its method and calendar sequence.
	Kind     Kind
	Method   string
	Sequence int
}

// idEncoding writes ids in lower-case base32 without padding.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// MessageID is the message's Message-ID without its angle brackets, such as
// "request.3.4qz…@mentoring.reverse-mentoring.dev": what the message is in clear, then 130 bits of the
// SHA-256 of every part of the identity.
func (id Identity) MessageID() string {
	what := "introduction"
	if id.Kind == Invitation {
		what = strings.ToLower(id.Method) + "." + strconv.Itoa(id.Sequence)
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{id.Namespace, id.Programme, id.Pairing, id.Occurrence,
		string(id.Recipient), string(id.Kind), id.Method, strconv.Itoa(id.Sequence)}, "\x00")))
	return what + "." + idEncoding.EncodeToString(sum[:])[:26] + "@" + idDomain
}
