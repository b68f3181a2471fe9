package prompts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Fallback drafts with the model when one is configured and falls back to
// the offline drafter when the model fails or its draft does not pass the
// linter, so a draft always comes back within a few seconds.
type Fallback struct {
	// Model drafts first; nil means offline drafts only.
	Model Drafter
	// Offline stands in for the model; it must answer at once (NewOffline).
	Offline Drafter
	// Lint checks every draft; nil means the package's Lint.
	Lint func(Request, Draft) []Problem
	// Logger logs why a model draft was not used; nil discards.
	Logger *slog.Logger
	// ModelTimeout bounds the model's draft; 0 means 8s. A deadline on
	// the context shortens it, keeping offlineReserve for the offline draft.
	ModelTimeout time.Duration
}

var _ Drafter = (*Fallback)(nil)

const (
	defaultModelTimeout = 8 * time.Second
	// offlineReserve is the time kept back from the model for the offline
	// draft and the linter, which take well under a millisecond.
	offlineReserve = 250 * time.Millisecond
)

// Draft returns the model's draft if the model answers in time and its
// draft passes the linter, with Source "model", no Problems, and
// req.Language when the model did not say its language. Otherwise
// it returns the offline draft, with Note saying why the model's was not
// used and Problems holding the offline draft's own lint findings. stream
// receives the model's text as it arrives; if the model's draft is then
// rejected, stream receives nothing more and the returned Draft replaces
// what was shown. When the model streamed nothing, stream receives the
// offline body. Draft returns an error only if the offline drafter does.
func (f *Fallback) Draft(ctx context.Context, req Request, stream func(text string)) (Draft, error) {
	if f.Model == nil {
		return f.offline(ctx, req, stream, "")
	}
	streamed := false
	modelStream := stream
	if stream != nil {
		modelStream = func(text string) {
			streamed = true
			stream(text)
		}
	}
	d, note := f.model(ctx, req, modelStream)
	if note == "" {
		return d, nil
	}
	if streamed {
		stream = nil
	}
	return f.offline(ctx, req, stream, note)
}

// model asks the model for a draft within its time. It returns the draft,
// or a note saying why the offline draft stands in.
func (f *Fallback) model(ctx context.Context, req Request, stream func(string)) (Draft, string) {
	log := f.logger()
	timeout := f.ModelTimeout
	if timeout <= 0 {
		timeout = defaultModelTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl)-offlineReserve)
	}
	if timeout <= 0 {
		log.Warn("no time left for the model, using the offline draft", "ref", req.Facts.Ref)
		return Draft{}, "there was no time left to ask the model; here is the offline draft"
	}
	mctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	d, err := f.Model.Draft(mctx, req, stream)
	if err != nil {
		log.Warn("model draft failed, using the offline draft", "ref", req.Facts.Ref,
			"duration", time.Since(start).Round(time.Millisecond), "error", Redact(err.Error()))
		return Draft{}, failureNote(err, time.Since(start))
	}
	if d.Source == "" {
		d.Source = "model"
	}
	if d.Language != "" && d.Language != req.Language {
		log.Info("model draft rejected, using the offline draft", "ref", req.Facts.Ref,
			"reason", "language", "got", d.Language, "want", req.Language)
		return Draft{}, fmt.Sprintf("the model wrote in %s, not %s; here is the offline draft",
			languageName(d.Language), languageName(req.Language))
	}
	if problems := f.lint()(req, d); len(problems) > 0 {
		rules := make([]string, len(problems))
		for i, p := range problems {
			rules[i] = p.Rule
		}
		log.Info("model draft rejected, using the offline draft", "ref", req.Facts.Ref,
			"reason", "lint", "rules", strings.Join(rules, ","))
		return Draft{}, lintNote(problems)
	}
	if d.Language == "" {
		// A server that ignored response_format wrote plain text: it was
		// asked for req.Language, and the linter found no other.
		d.Language = req.Language
	}
	d.Problems, d.Note = nil, ""
	return d, ""
}

// offline returns the offline draft with its lint findings and note. It
// ignores the caller's cancellation: the offline drafter answers at once,
// and a draft must come back even when the model used up the time.
func (f *Fallback) offline(ctx context.Context, req Request, stream func(string), note string) (Draft, error) {
	if f.Offline == nil {
		return Draft{}, errors.New("offline draft: no offline drafter")
	}
	d, err := f.Offline.Draft(context.WithoutCancel(ctx), req, stream)
	if err != nil {
		return Draft{}, fmt.Errorf("offline draft: %w", err)
	}
	if d.Source == "" {
		d.Source = "offline"
	}
	d.Problems = nil
	for _, p := range f.lint()(req, d) {
		d.Problems = append(d.Problems, p.Msg)
	}
	switch {
	case note != "" && d.Note != "":
		d.Note = note + " (" + d.Note + ")"
	case note != "":
		d.Note = note
	}
	return d, nil
}

func (f *Fallback) lint() func(Request, Draft) []Problem {
	if f.Lint != nil {
		return f.Lint
	}
	return Lint
}

func (f *Fallback) logger() *slog.Logger {
	if f.Logger != nil {
		return f.Logger.With("component", "drafts")
	}
	return slog.New(slog.DiscardHandler)
}

// failureNote tells the agent, in a few words, why the model gave no draft
// after waiting for it so long.
func failureNote(err error, waited time.Duration) string {
	const tail = "; here is the offline draft"
	var se *StatusError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("the model did not answer within %s%s", waited.Round(100*time.Millisecond), tail)
	case errors.As(err, &se) && se.StatusCode == http.StatusTooManyRequests:
		return "the model is rate-limited (429) and did not answer in time" + tail
	case errors.As(err, &se) && se.StatusCode >= 500:
		return fmt.Sprintf("the model's server failed (%d %s)%s", se.StatusCode, http.StatusText(se.StatusCode), tail)
	case errors.As(err, &se):
		return fmt.Sprintf("the model's server refused the request (%d %s)%s", se.StatusCode, http.StatusText(se.StatusCode), tail)
	case errors.Is(err, ErrMalformed):
		return "the model's answer could not be read" + tail
	}
	return "the model could not write a draft" + tail
}

// lintNote tells the agent what was wrong with the model's draft. Lint's
// messages are predicates ("promises a refund ..."), so they follow "the
// model's draft".
func lintNote(problems []Problem) string {
	msgs := make([]string, 0, len(problems))
	for _, p := range problems {
		if m := strings.TrimRight(strings.TrimSpace(p.Msg), "."); m != "" {
			msgs = append(msgs, m)
		}
	}
	const tail = "; here is the offline draft"
	switch len(msgs) {
	case 0:
		return "the model's draft did not pass the checks" + tail
	case 1:
		return "the model's draft " + msgs[0] + tail
	case 2:
		return "the model's draft " + msgs[0] + ", and " + msgs[1] + tail
	}
	return fmt.Sprintf("the model's draft %s, %s, and has %d more problems%s", msgs[0], msgs[1], len(msgs)-2, tail)
}

// languageName names a language tag in English, or returns the tag.
func languageName(tag string) string {
	if n, ok := langNames[tag]; ok {
		return n
	}
	return tag
}
