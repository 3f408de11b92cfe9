// Package portal serves each participant's private page: their pairings, the next meeting in their
// own time zone, and the open check-in or survey as a form. A person reaches it through an
// unguessable personal link, Prefix + token, kept in a Secret; the page works without JavaScript and
// protects its form against cross-site posting, forged links and floods.
//
// The page reads and records through a [Source], which the operator implements against the
// Kubernetes API (controllers/internal/pages); the rules of rounds and questions are internal/measure's.
package portal

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

// Prefix is the path under which the pages are served: Prefix + token.
const Prefix = "/p/"

// Source finds people by their link's token and records their answers.
type Source interface {
	// Person returns the person whose personal-link token this is, and false when nobody has it: an
	// unknown or revoked token, or a programme that does not measure. It must compare tokens with
	// calendar.TokenEqual, which takes the same time wherever two tokens differ. Tokens are made by
	// calendar.NewToken, as feed tokens are.
	Person(ctx context.Context, token string) (Person, bool, error)
	// Record stores the submission, in place of the person's earlier answers to the same round. When
	// the submission has a comment, Record first forwards it (with the answers) to the programme's
	// comments webhook and stores nothing if that fails, returning ErrCommentNotDelivered. It returns
	// ErrNotInPairing when the person is no longer in the pairing.
	Record(ctx context.Context, s Submission) error
}

// Errors a Source's Record returns.
var (
	ErrCommentNotDelivered = errors.New("the comment could not be delivered to the HR system")
	ErrNotInPairing        = errors.New("the person is not in the pairing")
)

// Person is what the page shows one person.
type Person struct {
	// Namespace and Participant name the person's Participant; the page counts submissions per
	// participant.
	Namespace, Participant string
	// DisplayName greets the person.
	DisplayName string
	// Zone is the person's time zone, in which the page shows times.
	Zone *time.Location
	// Programme the person takes part in.
	Programme Programme
	// Pairings the person is in, active or ended.
	Pairings []Pairing
}

// Programme is what the page needs of the person's programme.
type Programme struct {
	Name    string
	Purpose string
	// Policy of its check-ins; Policy.Comments tells whether the page collects comments.
	Policy measure.Policy
}

// Pairing is one of the person's pairings.
type Pairing struct {
	// Name of the Pairing.
	Name string
	// Role the person has in it.
	Role measure.Role
	// Partner is the other person's display name.
	Partner string
	// Topics the pair works on.
	Topics []string
	// Schedule of its meetings, from which its rounds follow.
	Schedule measure.Schedule
	// Ended is true once the pairing ended; the page then shows no form.
	Ended bool
	// Responses given so far by both people.
	Responses []measure.Response
}

// Submission is one person's answers to one round of one of their pairings.
type Submission struct {
	Person  *Person
	Pairing *Pairing
	// Response holds the answers, with the round's key, the person's role and the submission time.
	Response measure.Response
	// Comment is the person's free text, empty when none; it must never be stored in the cluster.
	Comment string
}

// tokenBytes is the length of a personal-link token before encoding.
const tokenBytes = 32

// wellFormed is true for a string that can be a token, so that no lookup is made for others.
func wellFormed(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == tokenBytes
}

// LinkURL is the personal link for a token, given the URL at which people reach the server.
func LinkURL(baseURL, token string) string {
	for len(baseURL) > 0 && baseURL[len(baseURL)-1] == '/' {
		baseURL = baseURL[:len(baseURL)-1]
	}
	return baseURL + Prefix + token
}
