package prompts

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// modelAnswer reads a streamed answer: the JSON object asked for, possibly
// inside a Markdown code fence, or plain text from a server that ignored
// response_format. It passes the body on to a bodyEmitter as it arrives.
type modelAnswer struct {
	raw     strings.Builder // everything received, masked
	carry   string          // an incomplete UTF-8 sequence at the end of a chunk
	head    string          // text before the mode is known
	mode    answerMode
	fenced  bool // a ``` line came first
	scan    bodyScanner
	jsonAt  int // where the JSON starts in raw
	emit    bodyEmitter
	refusal strings.Builder
	finish  openai.FinishReason
}

type answerMode int

const (
	modeUnknown answerMode = iota
	modeJSON
	modePlain
)

func newModelAnswer(unmask func(string) string, stream func(string)) *modelAnswer {
	a := &modelAnswer{emit: bodyEmitter{unmask: unmask, stream: stream}}
	a.scan.onText = a.emit.write
	a.scan.onEnd = a.emit.flush
	return a
}

// write takes the next piece of the answer.
func (a *modelAnswer) write(s string) {
	if s == "" {
		return
	}
	a.raw.WriteString(s)
	s = a.carry + s
	a.carry = ""
	// Hold back a rune cut in two, so no piece of the body ends mid-rune.
	if i := lastRuneStart(s); i >= 0 && !utf8.FullRuneInString(s[i:]) {
		s, a.carry = s[:i], s[i:]
	}
	a.dispatch(s)
}

// dispatch passes whole runes on as the mode says.
func (a *modelAnswer) dispatch(s string) {
	switch a.mode {
	case modeJSON:
		a.scan.write(s)
	case modePlain:
		a.emit.write(s)
	default:
		a.head += s
		a.decide(false)
	}
}

// lastRuneStart is the index of the last rune's first byte, or -1.
func lastRuneStart(s string) int {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			return i
		}
	}
	return -1
}

// decide picks the mode once the first significant text has come: '{'
// starts JSON, anything else plain text; a leading ``` line is skipped.
// At the end of the answer (final) it decides on whatever there is.
func (a *modelAnswer) decide(final bool) {
	t := strings.TrimLeftFunc(a.head, unicode.IsSpace)
	if !a.fenced && strings.HasPrefix("```", t) && !final {
		return // maybe a fence; wait for more
	}
	if !a.fenced && strings.HasPrefix(t, "```") {
		nl := strings.IndexByte(t, '\n')
		if nl < 0 && !final {
			return
		}
		a.fenced = true
		if nl < 0 {
			t = ""
		} else {
			t = strings.TrimLeftFunc(t[nl+1:], unicode.IsSpace)
		}
		a.head = t
	}
	if t == "" && !final {
		return
	}
	a.head = ""
	if strings.HasPrefix(t, "{") {
		a.mode = modeJSON
		a.jsonAt = a.raw.Len() - len(a.carry) - len(t)
		a.scan.write(t)
		return
	}
	a.mode = modePlain
	a.emit.write(t)
}

// draft ends the answer and checks it: a JSON answer must parse, with a
// body that is the one streamed and a language in Languages; a plain answer
// is the body, in a language not known.
func (a *modelAnswer) draft(unmask func(string) string) (Draft, error) {
	if a.carry != "" {
		c := a.carry
		a.carry = ""
		a.dispatch(c)
	}
	if a.mode == modeUnknown {
		a.decide(true)
	}
	if a.refusal.Len() > 0 && strings.TrimSpace(a.raw.String()) == "" {
		return Draft{}, fmt.Errorf("the model refused: %s", strings.TrimSpace(a.refusal.String()))
	}
	switch a.finish {
	case openai.FinishReasonLength:
		return Draft{}, fmt.Errorf("%w: cut off at the token limit", ErrMalformed)
	case openai.FinishReasonContentFilter:
		return Draft{}, errors.New("the server's content filter stopped the answer")
	}
	d := Draft{Source: "model"}
	if a.mode == modePlain {
		if a.fenced {
			a.emit.trimSuffix = "```"
		}
		a.emit.flush()
		d.Body = a.emit.out.String()
		if d.Body == "" {
			return Draft{}, fmt.Errorf("%w: empty answer", ErrMalformed)
		}
		return d, nil
	}
	raw := a.raw.String()[a.jsonAt:]
	var v struct {
		Language *string  `json:"language"`
		Body     *string  `json:"body"`
		Promises []string `json:"promises"`
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&v); err != nil {
		return Draft{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if rest := strings.TrimSpace(raw[dec.InputOffset():]); rest != "" && !(a.fenced && rest == "```") {
		return Draft{}, fmt.Errorf("%w: text after the JSON object", ErrMalformed)
	}
	if v.Body == nil || strings.TrimSpace(*v.Body) == "" {
		return Draft{}, fmt.Errorf("%w: no body", ErrMalformed)
	}
	if strings.TrimSpace(*v.Body) != strings.TrimSpace(a.scan.body.String()) {
		return Draft{}, fmt.Errorf("%w: more than one body", ErrMalformed)
	}
	if v.Language == nil {
		return Draft{}, fmt.Errorf("%w: no language", ErrMalformed)
	}
	lang, err := ParseLanguage(*v.Language)
	if err != nil {
		return Draft{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	a.emit.flush()
	d.Language, d.Body = lang, a.emit.out.String()
	for _, p := range v.Promises {
		if p = strings.TrimSpace(unmask(p)); p != "" {
			d.Promises = append(d.Promises, p)
		}
	}
	return d, nil
}

// bodyEmitter passes the body on to the stream callback unmasked, a word at
// a time: it holds back the last, maybe unfinished, word and the space
// before it, so a placeholder is never cut in two and the pieces add up to
// the body without its surrounding space.
type bodyEmitter struct {
	unmask     func(string) string
	stream     func(string)
	started    bool
	pending    string
	trimSuffix string // dropped from the end when flushed (a closing fence)
	out        strings.Builder
}

func (e *bodyEmitter) write(s string) {
	if !e.started {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return
		}
		e.started = true
	}
	e.pending += s
	i := strings.LastIndexFunc(e.pending, unicode.IsSpace)
	if i <= 0 {
		return
	}
	j := strings.LastIndexFunc(e.pending[:i], func(r rune) bool { return !unicode.IsSpace(r) })
	if j < 0 {
		return
	}
	_, size := utf8.DecodeRuneInString(e.pending[j:])
	cut := j + size
	e.send(e.pending[:cut])
	e.pending = e.pending[cut:]
}

// flush sends what is held back, without trailing space.
func (e *bodyEmitter) flush() {
	rest := strings.TrimRightFunc(e.pending, unicode.IsSpace)
	if e.trimSuffix != "" {
		rest = strings.TrimRightFunc(strings.TrimSuffix(rest, e.trimSuffix), unicode.IsSpace)
	}
	e.pending = ""
	e.send(rest)
}

func (e *bodyEmitter) send(s string) {
	if s == "" {
		return
	}
	s = e.unmask(s)
	e.out.WriteString(s)
	if e.stream != nil && s != "" {
		e.stream(s)
	}
}
