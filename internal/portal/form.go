package portal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

// maxCommentRunes bounds a comment.
const maxCommentRunes = 2000

// formToken binds a form to the personal link, the pairing and the round: a post must carry the
// token of the form it came from, which only the link's holder can compute. It needs no server-side
// secret, so every replica checks it.
func formToken(link, pairing, round string) string {
	mac := hmac.New(sha256.New, []byte(link))
	mac.Write([]byte("form\x00" + pairing + "\x00" + round))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// validFormToken compares a posted form token with the expected one in constant time.
func validFormToken(posted, link, pairing, round string) bool {
	return hmac.Equal([]byte(posted), []byte(formToken(link, pairing, round)))
}

// fieldName is the form field of an item: q-NAME for questions, t-TOPIC for topic ratings.
func fieldName(it measure.Item) string {
	if it.Topic {
		return "t-" + it.Name
	}
	return "q-" + it.Name
}

// fieldError is a wrong answer, for the person to correct.
type fieldError struct {
	field, message string
}

// parseAnswers reads the answers to the items from a posted form into a response. A blank answer is
// no answer; any other must be valid for its item. Fields the items do not ask are ignored.
func parseAnswers(form url.Values, items []measure.Item) (measure.Response, []fieldError) {
	var r measure.Response
	var errs []fieldError
	for _, it := range items {
		raw := strings.TrimSpace(form.Get(fieldName(it)))
		if raw == "" {
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil || !it.Valid(v) {
			errs = append(errs, fieldError{fieldName(it), fmt.Sprintf("%q: %s", it.Text, expected(it.Type))})
			continue
		}
		switch {
		case it.Topic:
			if r.Topics == nil {
				r.Topics = map[string]int{}
			}
			r.Topics[it.Name] = v
		case it.Name == measure.QuestionMeetings:
			r.Meetings = &v
		case it.Name == measure.QuestionUsefulness:
			r.Usefulness = &v
		default:
			if r.Answers == nil {
				r.Answers = map[string]int{}
			}
			r.Answers[it.Name] = v
		}
	}
	return r, errs
}

// expected says how an item of type t is answered.
func expected(t measure.Type) string {
	switch t {
	case measure.Count:
		return fmt.Sprintf("answer with a whole number from 0 to %d.", measure.MaxMeetings)
	case measure.YesNo:
		return "answer yes or no."
	}
	return "choose a number from 1 to 5."
}

// parseComment reads the comment: trimmed, at most maxCommentRunes, valid UTF-8.
func parseComment(form url.Values) (string, []fieldError) {
	c := strings.TrimSpace(form.Get("comment"))
	if !utf8.ValidString(c) || utf8.RuneCountInString(c) > maxCommentRunes {
		return "", []fieldError{{"comment", fmt.Sprintf("The comment can be at most %d characters long.", maxCommentRunes)}}
	}
	return c, nil
}
