package portal

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

// page is what the template shows.
type page struct {
	// Title of the document.
	Title string
	// Person is nil on error pages.
	Person *Person
	// Notice is a message at the top: saved, or why a post was refused.
	Notice string
	// Alert is true when Notice reports a problem.
	Alert bool
	// Errors lists wrong answers, linked to their fields.
	Errors   []errorLink
	Pairings []pairingView
}

// errorLink is a wrong answer in the list at the top, linking to its field.
type errorLink struct {
	Anchor, Message string
}

type pairingView struct {
	ID          string
	Heading     string
	Topics      string
	NextMeeting string
	Ended       bool
	// Form is the open round, nil when none is open.
	Form *formView
	// Later says when the next round opens, when none is open.
	Later string
}

type formView struct {
	Action, Token, Title, Period, Closes, CommentID string
	Fields                                          []fieldView
	Comments                                        bool
	Comment                                         string
	Updating                                        bool
}

type fieldView struct {
	ID, Name, Label, Kind, Value, Error string
	Options                             []option
}

type option struct {
	ID, Value, Label string
	Checked          bool
}

// scaleLabels name the ends and middle of a 1 to 5 scale.
var scaleLabels = map[int]string{1: "1 (not at all)", 2: "2", 3: "3", 4: "4", 5: "5 (very much)"}

// personPage is a person's page at time now. posted holds a refused post's values, for the pairing
// and round it was for, so the person does not lose them.
func personPage(p *Person, link string, now time.Time, posted *postedForm) page {
	pg := page{Title: "Your mentoring: " + p.Programme.Name, Person: p}
	for i := range p.Pairings {
		v := pairingOf(p, &p.Pairings[i], link, now, posted)
		if v.Form != nil {
			for _, f := range v.Form.Fields {
				if f.Error != "" {
					pg.Errors = append(pg.Errors, errorLink{Anchor: f.ID, Message: f.Error})
				}
			}
		}
		pg.Pairings = append(pg.Pairings, v)
	}
	return pg
}

// postedForm is a refused post.
type postedForm struct {
	pairing, round string
	values         url.Values
	errs           []fieldError
}

func pairingOf(p *Person, pr *Pairing, link string, now time.Time, posted *postedForm) pairingView {
	v := pairingView{ID: "pairing-" + pr.Name, Ended: pr.Ended, Topics: strings.Join(pr.Topics, ", ")}
	if pr.Role == measure.Mentor {
		v.Heading = "You mentor " + pr.Partner
	} else {
		v.Heading = pr.Partner + " mentors you"
	}
	if !pr.Ended {
		for _, m := range pr.Schedule.Meetings {
			if !m.Before(now) {
				v.NextMeeting = longTime(m, p.Zone)
				break
			}
		}
	}
	rounds := measure.Rounds(p.Programme.Policy, pr.Schedule)
	round, open := measure.OpenRound(rounds, now)
	switch {
	case pr.Ended:
	case open:
		v.Form = formOf(p, pr, round, link, posted)
	default:
		if next, ok := measure.NextRound(rounds, now); ok {
			v.Later = "The next check-in opens on " + longDay(next.Opens, p.Zone) + "."
		} else if len(rounds) == 0 {
			v.Later = "The first check-in opens once your meetings are scheduled."
		} else {
			v.Later = "All check-ins are done. Thank you!"
		}
	}
	return v
}

func formOf(p *Person, pr *Pairing, round measure.Round, link string, posted *postedForm) *formView {
	f := &formView{
		Action:    Prefix + link + "/" + pr.Name + "/" + round.Key,
		Token:     formToken(link, pr.Name, round.Key),
		Title:     roundTitle(round),
		Period:    "Since " + longDay(round.Since, p.Zone) + ", " + meetings(round.Scheduled) + " scheduled.",
		Closes:    "Open until " + longDay(round.Closes, p.Zone) + ".",
		Comments:  p.Programme.Policy.Comments,
		CommentID: pr.Name + "-comment",
	}
	values := url.Values{}
	for _, r := range pr.Responses {
		if r.Round == round.Key && r.Role == pr.Role {
			f.Updating, values = true, previousValues(r)
		}
	}
	var errs []fieldError
	if posted != nil && posted.pairing == pr.Name && posted.round == round.Key {
		values, errs, f.Comment = posted.values, posted.errs, posted.values.Get("comment")
	}
	for _, it := range measure.Ask(p.Programme.Policy, round.Kind, pr.Role, pr.Topics) {
		f.Fields = append(f.Fields, fieldOf(pr.Name, it, values.Get(fieldName(it)), errs))
	}
	return f
}

func fieldOf(pairing string, it measure.Item, value string, errs []fieldError) fieldView {
	name := fieldName(it)
	fv := fieldView{ID: pairing + "-" + name, Name: name, Label: it.Text, Value: value}
	for _, e := range errs {
		if e.field == name {
			fv.Error = e.message
		}
	}
	switch it.Type {
	case measure.Count:
		fv.Kind = "count"
	case measure.YesNo:
		fv.Kind = "choice"
		fv.Options = []option{{Value: "1", Label: "Yes"}, {Value: "0", Label: "No"}}
	default:
		fv.Kind = "choice"
		for v := 1; v <= 5; v++ {
			fv.Options = append(fv.Options, option{Value: strconv.Itoa(v), Label: scaleLabels[v]})
		}
	}
	for i := range fv.Options {
		o := &fv.Options[i]
		o.ID, o.Checked = fv.ID+"-"+o.Value, o.Value == value
	}
	return fv
}

// previousValues are a response's answers as form values.
func previousValues(r measure.Response) url.Values {
	v := url.Values{}
	if r.Meetings != nil {
		v.Set("q-"+measure.QuestionMeetings, strconv.Itoa(*r.Meetings))
	}
	if r.Usefulness != nil {
		v.Set("q-"+measure.QuestionUsefulness, strconv.Itoa(*r.Usefulness))
	}
	for t, n := range r.Topics {
		v.Set("t-"+t, strconv.Itoa(n))
	}
	for q, n := range r.Answers {
		v.Set("q-"+q, strconv.Itoa(n))
	}
	return v
}

// meetings is a count of meetings in words, such as "1 meeting was" or "4 meetings were".
func meetings(n int) string {
	if n == 1 {
		return "1 meeting was"
	}
	return strconv.Itoa(n) + " meetings were"
}

func roundTitle(r measure.Round) string {
	switch r.Kind {
	case measure.Midpoint:
		return "Midpoint survey"
	case measure.End:
		return "End-of-programme survey"
	}
	return "Check-in " + strings.TrimPrefix(r.Key, "checkin-")
}

// longTime writes an instant in the person's zone, such as "Tuesday 12 January 2027, 10:00 (Europe/London)".
func longTime(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("Monday 2 January 2006, 15:04") + " (" + zone.String() + ")"
}

// longDay writes the day of an instant in the person's zone, such as "Tuesday 12 January 2027".
func longDay(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("Monday 2 January 2006")
}
