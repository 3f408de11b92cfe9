package portal

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/utils/clock"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

var (
	//go:embed page.html
	pageHTML string
	//go:embed page.css
	pageCSS string

	pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
		"css": func() template.CSS { return template.CSS(pageCSS) },
	}).Parse(pageHTML))

	// securityHeaders go on every answer: no script runs, no other site frames the page or receives
	// its address, and nothing caches it.
	securityHeaders = map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src '" + styleHash() + "'; form-action 'self'; " +
			"frame-ancestors 'none'; base-uri 'none'",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	}
)

// styleHash is the Content-Security-Policy source of the page's inline style.
func styleHash() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Options configure the Handler.
type Options struct {
	// Source finds people and records answers.
	Source Source
	// Clock tells the time; tests inject a fake one. Default the real clock.
	Clock clock.PassiveClock
	// SubmitEvery and SubmitBurst bound one person's submissions: SubmitBurst at once, then one every
	// SubmitEvery. Default 5 and 10 seconds.
	SubmitEvery time.Duration
	SubmitBurst int
	// TrustedOrigins may post besides the page's own origin, such as the address people reach the
	// server at when a proxy changes the Host header.
	TrustedOrigins []string
	// Log reports failures of the Source without personal data; default none.
	Log func(err error, message string)
}

// Handler serves the pages: GET Prefix+token shows a person's page, POST Prefix+token/pairing/round
// records their answers and redirects back. An unknown, revoked or malformed link, and a pairing the
// person is not in, are 404 Not Found with the same body.
func Handler(opts Options) (http.Handler, error) {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.SubmitEvery <= 0 {
		opts.SubmitEvery = 10 * time.Second
	}
	if opts.SubmitBurst <= 0 {
		opts.SubmitBurst = 5
	}
	if opts.Log == nil {
		opts.Log = func(error, string) {}
	}
	csrf := http.NewCrossOriginProtection()
	for _, o := range opts.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	h := &handler{opts: opts, csrf: csrf, limits: &limits{every: opts.SubmitEvery, burst: opts.SubmitBurst}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"{link}", h.show)
	mux.HandleFunc("POST "+Prefix+"{link}/{pairing}/{round}", h.submit)
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, _ *http.Request) { notFound(w) })
	return mux, nil
}

type handler struct {
	opts   Options
	csrf   *http.CrossOriginProtection
	limits *limits
}

// person finds the person of the request's link; false after answering 404 or 500.
func (h *handler) person(w http.ResponseWriter, r *http.Request) (*Person, string, bool) {
	link := r.PathValue("link")
	if !wellFormed(link) {
		notFound(w)
		return nil, "", false
	}
	p, ok, err := h.opts.Source.Person(r.Context(), link)
	switch {
	case err != nil:
		h.opts.Log(err, "Failed to look up a personal link")
		render(w, http.StatusInternalServerError, page{Title: "Something went wrong",
			Notice: "Something went wrong on our side. Please try again in a few minutes.", Alert: true})
		return nil, "", false
	case !ok:
		notFound(w)
		return nil, "", false
	}
	return &p, link, true
}

func (h *handler) show(w http.ResponseWriter, r *http.Request) {
	p, link, ok := h.person(w, r)
	if !ok {
		return
	}
	pg := personPage(p, link, h.opts.Clock.Now(), nil)
	if saved := r.URL.Query().Get("saved"); saved != "" {
		pg.Notice = "Thank you: your answers are saved."
	}
	render(w, http.StatusOK, pg)
}

func (h *handler) submit(w http.ResponseWriter, r *http.Request) {
	if err := h.csrf.Check(r); err != nil {
		render(w, http.StatusForbidden, page{Title: "Not sent", Alert: true,
			Notice: "This form was not sent from its own page, so nothing was saved. Open your personal link and try again."})
		return
	}
	p, link, ok := h.person(w, r)
	if !ok {
		return
	}
	pr := pairingNamed(p, r.PathValue("pairing"))
	if pr == nil {
		notFound(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
		return
	}
	roundKey := r.PathValue("round")
	if !validFormToken(r.PostForm.Get("form"), link, pr.Name, roundKey) {
		render(w, http.StatusForbidden, page{Title: "Not sent", Alert: true,
			Notice: "This form has expired or was not sent from its own page, so nothing was saved. Open your personal link and try again."})
		return
	}
	now := h.opts.Clock.Now()
	refuse := func(status int, notice string, errs []fieldError) {
		pg := personPage(p, link, now, &postedForm{pairing: pr.Name, round: roundKey, values: r.PostForm, errs: errs})
		pg.Notice, pg.Alert = notice, true
		render(w, status, pg)
	}
	round, open := measure.OpenRound(measure.Rounds(p.Programme.Policy, pr.Schedule), now)
	if pr.Ended || !open || round.Key != roundKey {
		refuse(http.StatusConflict, "This check-in is closed, so your answers were not saved.", nil)
		return
	}
	if !h.limits.allow(p.Participant, now) {
		w.Header().Set("Retry-After", strconv.Itoa(int(h.opts.SubmitEvery/time.Second)))
		refuse(http.StatusTooManyRequests, "You sent this form many times in a row. Please wait a few seconds and send it again.", nil)
		return
	}
	response, errs := parseAnswers(r.PostForm, measure.Ask(p.Programme.Policy, round.Kind, pr.Role, pr.Topics))
	var comment string
	if p.Programme.Policy.Comments {
		var commentErrs []fieldError
		comment, commentErrs = parseComment(r.PostForm)
		if len(commentErrs) > 0 {
			refuse(http.StatusBadRequest, commentErrs[0].message, nil)
			return
		}
	}
	if len(errs) > 0 {
		refuse(http.StatusBadRequest, "Some answers need correcting; nothing was saved yet.", errs)
		return
	}
	response.Round, response.Role, response.Submitted = round.Key, pr.Role, now.UTC().Truncate(time.Second)
	err := h.opts.Source.Record(r.Context(), Submission{Person: p, Pairing: pr, Response: response, Comment: comment})
	switch {
	case errors.Is(err, ErrNotInPairing):
		notFound(w)
	case errors.Is(err, ErrCommentNotDelivered):
		refuse(http.StatusServiceUnavailable, "Your comment could not be passed on to the programme office, so nothing was saved. "+
			"Please try again in a few minutes, or remove the comment to save your answers without it.", nil)
	case err != nil:
		h.opts.Log(err, "Failed to record a check-in")
		refuse(http.StatusServiceUnavailable, "Your answers could not be saved. Please try again in a few minutes.", nil)
	default:
		http.Redirect(w, r, Prefix+link+"?saved="+pr.Name+"#pairing-"+pr.Name, http.StatusSeeOther)
	}
}

func pairingNamed(p *Person, name string) *Pairing {
	for i := range p.Pairings {
		if p.Pairings[i].Name == name {
			return &p.Pairings[i]
		}
	}
	return nil
}

// notFoundBody is the one answer to every link that leads nowhere.
var notFoundBody = func() []byte {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, page{Title: "Not found",
		Notice: "This link does not lead to a page. If it came from the mentoring programme, ask the programme office for a new one."}); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

func notFound(w http.ResponseWriter) {
	writeHeaders(w, http.StatusNotFound)
	_, _ = w.Write(notFoundBody)
}

func render(w http.ResponseWriter, status int, pg page) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, pg); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	writeHeaders(w, status)
	_, _ = w.Write(b.Bytes())
}

func writeHeaders(w http.ResponseWriter, status int) {
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
}

// maxLimiters bounds the limiters kept; beyond it, those that are full again are dropped.
const maxLimiters = 100_000

// limits bounds each person's submissions. It holds a limiter per participant who submitted, so its
// size is bounded by the participants, whom only a valid link reaches.
type limits struct {
	every time.Duration
	burst int
	mu    sync.Mutex
	by    map[string]*rate.Limiter
}

func (l *limits) allow(participant string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by = map[string]*rate.Limiter{}
	}
	if len(l.by) >= maxLimiters {
		for k, lim := range l.by {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(l.by, k)
			}
		}
	}
	lim, ok := l.by[participant]
	if !ok {
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.by[participant] = lim
	}
	return lim.AllowN(now, 1)
}
