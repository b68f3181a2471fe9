package prompts

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cenkalti/backoff/v5"
	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

// This file is the only one importing go-openai: the rest of the program
// sees Drafter, Request and Draft.

// Model prompts.

// promptFiles holds the model's prompt templates: system.tmpl, the shared
// definitions in facts.tmpl and one user template per playbook family.
//
//go:embed templates/*.tmpl
var promptFiles embed.FS

// promptTemplates parses promptFiles once; the parsed set is only read.
var promptTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("prompts").Option("missingkey=error").ParseFS(promptFiles, "templates/*.tmpl")
})

// promptFamilies are the playbooks with their own user template; any other
// playbook (a team's own) gets default.tmpl.
var promptFamilies = []string{"chargeback", "marketplace-claim", "return", "recall", "supplier-dispute"}

// maxMessageRunes caps the customer's message in a prompt: a pasted e-mail
// thread must not blow the model's context or the bill.
const maxMessageRunes = 4000

// promptView is what the prompt templates see: the facts, made single-line
// and unable to open or close the message fence, and the customer's message,
// escaped so that it cannot close the fence.
type promptView struct {
	Facts
	Language     string
	LanguageName string
	ToneGuide    string
	MaxLen       int
	CustomerRole string // "Customer", or who the end customer is to the reader
	PolicyLines  []policyLine
	DetailLines  []policyLine
	Message      string
	Shortened    bool
	Placeholders string // examples of the masker's placeholders, for the system prompt
}

// policyLine is one of the playbook's policy texts.
type policyLine struct{ Label, Text string }

// RenderPrompt renders the system and user prompts for req: the system
// prompt says who the assistant is and what a draft must and must never do;
// the user prompt holds only req's Facts, the guidance of the case's
// playbook family and the customer's message, fenced as quoted data between
// <customer_message> tags with '<', '>' and '&' escaped as entities, so no
// text inside can close the fence. It returns an error if req.Language is
// not one of Languages or req.Tone is not a known tone.
func RenderPrompt(req Request) (system, user string, err error) {
	t, err := promptTemplates()
	if err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	v, err := newPromptView(req)
	if err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	family := "default"
	if slices.Contains(promptFamilies, req.Facts.Playbook) {
		family = req.Facts.Playbook
	}
	var sys, usr strings.Builder
	if err := t.ExecuteTemplate(&sys, "system.tmpl", v); err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	if err := t.ExecuteTemplate(&usr, family+".tmpl", v); err != nil {
		return "", "", fmt.Errorf("render prompt: %w", err)
	}
	return strings.TrimSpace(sys.String()) + "\n", strings.TrimSpace(usr.String()) + "\n", nil
}

func newPromptView(req Request) (*promptView, error) {
	name, ok := langNames[req.Language]
	if !ok || !slices.Contains(Languages, req.Language) {
		return nil, fmt.Errorf("language %q is not one of %s", req.Language, strings.Join(Languages, ", "))
	}
	tone, ok := toneGuides[req.Tone]
	if !ok {
		return nil, fmt.Errorf("unknown tone %q: use %s, %s or %s", req.Tone, ToneWarm, ToneFormal, ToneBrief)
	}
	f := req.Facts
	for _, s := range []*string{&f.Ref, &f.Playbook, &f.PlaybookTitle, &f.Situation, &f.SituationLabel,
		&f.Customer, &f.Order, &f.Amount, &f.Step, &f.NextStep, &f.Agent} {
		*s = factText(*s)
	}
	f.Policy = nil
	v := &promptView{
		Facts:        f,
		Language:     req.Language,
		LanguageName: name,
		ToneGuide:    tone,
		MaxLen:       max(req.MaxLen, 0),
		CustomerRole: "Customer",
		Placeholders: placeholderExamples,
	}
	if f.Playbook == "supplier-dispute" {
		v.CustomerRole = "Affected end customer (not the reader)"
	}
	v.PolicyLines, v.DetailLines = lines(req.Facts.Policy), lines(req.Facts.Details)
	f.Details = nil
	v.Message, v.Shortened = fenceText(req.CustomerMessage)
	return v, nil
}

// lines renders a map of facts as labelled lines, in key order.
func lines(m map[string]string) []policyLine {
	var out []policyLine
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if text := factText(m[k]); text != "" {
			out = append(out, policyLine{Label: factText(strings.ReplaceAll(k, "_", " ")), Text: text})
		}
	}
	return out
}

// toneGuides tells the model what each tone means; empty is warm.
var toneGuides = map[string]string{
	"":         "warm and personal: plain, friendly words and short paragraphs",
	ToneWarm:   "warm and personal: plain, friendly words and short paragraphs",
	ToneFormal: "formal and courteous: complete sentences, no slang, no exclamation marks",
	ToneBrief:  "brief: at most five short sentences, still kind",
}

// placeholderExamples shows the model what Mask's placeholders look like,
// so it copies them rather than inventing an address.
const placeholderExamples = "«EMAIL_1» or «PHONE_1»"

// factText makes a fact one line, without control characters, and swaps
// angle brackets for look-alikes so a fact cannot open or close the fence.
func factText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '<':
			return '‹'
		case r == '>':
			return '›'
		case unicode.IsControl(r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// fenceText prepares the customer's message for the fence: valid UTF-8,
// Unix line breaks, no control characters but tabs and newlines, at most
// maxMessageRunes runes, and '&', '<' and '>' as entities, so that no
// sequence inside can close </customer_message>. It reports whether it
// shortened the message.
func fenceText(s string) (string, bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	shortened := false
	if utf8.RuneCountInString(s) > maxMessageRunes {
		s = string([]rune(s)[:maxMessageRunes]) + " …"
		shortened = true
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s), shortened
}

// The OpenAI-compatible drafter.

// OpenAIConfig configures the OpenAI-compatible drafter.
type OpenAIConfig struct {
	// APIKey (OPENAI_API_KEY) is sent as a bearer token; servers such as
	// Ollama, vLLM and llama.cpp need none.
	APIKey string
	// BaseURL (OPENAI_BASE_URL) is the API's root, such as
	// https://api.openai.com/v1 (the default), Azure's
	// https://RESOURCE.openai.azure.com/openai/v1, Ollama's
	// http://localhost:11434/v1, or a vLLM or llama.cpp server's /v1.
	BaseURL string
	// Model (OPENAI_MODEL) names the model, or Azure's deployment.
	Model string
	// Timeout bounds one draft, retries included; 0 means 20s.
	Timeout time.Duration
	// MaxRetries is how often a draft is retried on 429 and 5xx statuses and
	// on connection failures; 0 means 2, negative means never.
	MaxRetries int
	// HTTPClient sends the requests; nil means a new http.Client (the
	// context bounds each request).
	HTTPClient *http.Client
	// Logger logs retries and, with LogPrompts, the prompts; nil discards.
	Logger *slog.Logger
	// LogPrompts (DISPUTEDESK_LOG_PROMPTS=1) logs each prompt and answer as
	// sent and received, masked and then Redact-ed. Off, nothing of a prompt
	// is logged.
	LogPrompts bool
}

// LogValue keeps the API key out of logs.
func (c OpenAIConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.Bool("api_key_set", c.APIKey != ""),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_retries", c.MaxRetries),
		slog.Bool("log_prompts", c.LogPrompts),
	)
}

// String keeps the API key out of printed configs.
func (c OpenAIConfig) String() string {
	key := ""
	if c.APIKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("{BaseURL:%s Model:%s APIKey:%s Timeout:%s MaxRetries:%d LogPrompts:%t}",
		c.BaseURL, c.Model, key, c.Timeout, c.MaxRetries, c.LogPrompts)
}

// Defaults of OpenAIConfig.
const (
	defaultOpenAITimeout = 20 * time.Second
	defaultMaxRetries    = 2
	defaultOpenAIBaseURL = "https://api.openai.com/v1"
)

// OpenAI drafts replies with a model behind an OpenAI-compatible chat
// completions API. It masks the prompt before it leaves the process, asks
// for structured output, streams the body as it arrives, and retries with
// backoff on 429 and 5xx. It does not lint: Fallback does.
type OpenAI struct {
	client     *openai.Client
	model      string
	timeout    time.Duration
	maxRetries int
	logPrompts bool
	apiKey     string // only to scrub it from error texts
	log        *slog.Logger
	format     *openai.ChatCompletionResponseFormat
	// newBackOff paces retries without a Retry-After; tests shorten it.
	newBackOff func() backoff.BackOff
}

var _ Drafter = (*OpenAI)(nil)

// NewOpenAI returns a drafter for cfg. It returns an error if the model is
// not named, the base URL is not an absolute http(s) URL, the official API
// is used without a key, or the timeout is negative.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("openai: name the model in OPENAI_MODEL")
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = defaultOpenAIBaseURL
		if cfg.APIKey == "" {
			return nil, errors.New("openai: set OPENAI_API_KEY, or OPENAI_BASE_URL for a server that needs no key")
		}
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: OPENAI_BASE_URL %q is not an http(s) URL", u.Redacted())
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("openai: negative timeout %s", cfg.Timeout)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = defaultOpenAITimeout
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = defaultMaxRetries
	case retries < 0:
		retries = 0
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	occ := openai.DefaultConfig(cfg.APIKey)
	occ.BaseURL = base
	occ.HTTPClient = recordingDoer{doer: hc}
	return &OpenAI{
		client:     openai.NewClientWithConfig(occ),
		model:      strings.TrimSpace(cfg.Model),
		timeout:    timeout,
		maxRetries: retries,
		logPrompts: cfg.LogPrompts,
		apiKey:     cfg.APIKey,
		log:        logger.With("component", "openai"),
		format:     answerFormat(),
		newBackOff: func() backoff.BackOff {
			return &backoff.ExponentialBackOff{InitialInterval: 500 * time.Millisecond,
				RandomizationFactor: 0.5, Multiplier: 2, MaxInterval: 4 * time.Second}
		},
	}, nil
}

// answerFormat asks for {language, body, promises} as strict JSON schema
// structured output.
func answerFormat() *openai.ChatCompletionResponseFormat {
	schema := &jsonschema.Definition{
		Type: jsonschema.Object,
		Properties: map[string]jsonschema.Definition{
			"language": {Type: jsonschema.String, Enum: slices.Clone(Languages),
				Description: "The language code of the reply."},
			"body": {Type: jsonschema.String,
				Description: "The reply to send, plain text, paragraphs separated by blank lines."},
			"promises": {Type: jsonschema.Array, Items: &jsonschema.Definition{Type: jsonschema.String},
				Description: "Each commitment the reply makes, in a few words; empty if none."},
		},
		Required:             []string{"language", "body", "promises"},
		AdditionalProperties: false,
	}
	return &openai.ChatCompletionResponseFormat{
		Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
			Name:        "reply_draft",
			Description: "A reply draft for a support agent to review.",
			Schema:      schema,
			Strict:      true,
		},
	}
}

// ErrMalformed reports a model answer that is not a usable draft: not the
// JSON asked for, cut off, with an empty body or a language not in Languages.
var ErrMalformed = errors.New("malformed model answer")

// StatusError is an error status from the model's server.
type StatusError struct {
	StatusCode int
	Message    string // the server's message, without the API key
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("model server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("model server answered %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// Draft asks the model for a draft. The rendered user prompt is masked
// before it is sent and the answer unmasked; stream, when not nil, receives
// the body, unmasked, word by word as it arrives, and the pieces concatenate
// to the returned Body. A request that fails with 429 (after its Retry-After,
// when given), a 5xx status or a failed connection is tried again with
// backoff, within the Timeout; other 4xx statuses are not. It returns an
// error wrapping context.DeadlineExceeded when the model does not finish in
// time, a *StatusError for an error status, ErrMalformed for an unusable
// answer, and the RenderPrompt error for a bad req.
func (o *OpenAI) Draft(ctx context.Context, req Request, stream func(text string)) (Draft, error) {
	system, user, err := RenderPrompt(req)
	if err != nil {
		return Draft{}, err
	}
	masked, mask := Mask(user)
	user = masked[0]
	unmask := func(s string) string { return s }
	if mask != nil {
		unmask = mask.Unmask
	}
	if o.logPrompts {
		o.log.Info("model prompt", "ref", req.Facts.Ref, "model", o.model,
			"system", Redact(system), "user", Redact(user))
	}
	creq := openai.ChatCompletionRequest{
		Model: o.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		Stream:         true,
		ResponseFormat: o.format,
	}

	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	budget := o.timeout
	if dl, ok := ctx.Deadline(); ok {
		budget = time.Until(dl)
	}
	start := time.Now()
	var ans *modelAnswer
	attempts := 0
	_, err = backoff.Retry(ctx, func() (struct{}, error) {
		attempts++
		ans = newModelAnswer(unmask, stream)
		return struct{}{}, o.attempt(ctx, creq, ans)
	},
		backoff.WithBackOff(o.newBackOff()),
		backoff.WithMaxTries(uint(o.maxRetries+1)),
		// Give up at once when the wait would outlast the budget, so the
		// caller can fall back while there is time.
		backoff.WithMaxElapsedTime(budget),
		backoff.WithNotify(func(err error, wait time.Duration) {
			o.log.Warn("model request failed, retrying", "ref", req.Facts.Ref, "attempt", attempts,
				"wait", wait, "error", Redact(o.scrub(err.Error())))
		}),
	)
	if o.logPrompts && ans != nil {
		o.log.Info("model answer", "ref", req.Facts.Ref, "answer", Redact(ans.raw.String()))
	}
	if err == nil {
		var d Draft
		if d, err = ans.draft(unmask); err == nil {
			o.log.Debug("model draft", "ref", req.Facts.Ref, "attempts", attempts,
				"duration", time.Since(start), "language", d.Language, "chars", utf8.RuneCountInString(d.Body))
			return d, nil
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Draft{}, fmt.Errorf("model draft: no answer within %s: %w", time.Since(start).Round(time.Millisecond), err)
	}
	return Draft{}, o.redactError(fmt.Errorf("model draft: %w", err))
}

// attempt sends one streamed request and feeds the answer to ans. Its error
// says whether another attempt may follow: error statuses 429 and 5xx and
// failed connections may; everything else is backoff.Permanent.
func (o *OpenAI) attempt(ctx context.Context, creq openai.ChatCompletionRequest, ans *modelAnswer) error {
	rec := &attemptRecord{}
	st, err := o.client.CreateChatCompletionStream(context.WithValue(ctx, attemptKey{}, rec), creq)
	if err != nil {
		return o.classify(ctx, err, rec)
	}
	defer st.Close()
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Text may already be shown: never start over mid-stream.
			if ctx.Err() != nil {
				return backoff.Permanent(ctx.Err())
			}
			return backoff.Permanent(fmt.Errorf("read stream: %s", o.scrub(err.Error())))
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			ans.write(ch.Delta.Content)
			ans.refusal.WriteString(ch.Delta.Refusal)
			if ch.FinishReason != "" {
				ans.finish = ch.FinishReason
			}
		}
	}
	if ctx.Err() != nil {
		return backoff.Permanent(ctx.Err())
	}
	return nil
}

// classify turns a failed request into an error for backoff.Retry.
func (o *OpenAI) classify(ctx context.Context, err error, rec *attemptRecord) error {
	if ctx.Err() != nil {
		return backoff.Permanent(ctx.Err())
	}
	if rec.status < 400 {
		if !rec.sent {
			// go-openai refused the request before sending it.
			return backoff.Permanent(errors.New(o.scrub(err.Error())))
		}
		return fmt.Errorf("connect: %s", o.scrub(err.Error()))
	}
	se := &StatusError{StatusCode: rec.status, Message: o.scrub(serverMessage(err))}
	if rec.status != http.StatusTooManyRequests && rec.status < 500 {
		return backoff.Permanent(se)
	}
	if rec.hasRetryAfter {
		return &retryError{err: se, after: &backoff.RetryAfterError{Duration: rec.retryAfter}}
	}
	return se
}

// serverMessage is the message of an error status, as short as it can be.
func serverMessage(err error) string {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		msg := strings.Join(strings.Fields(string(reqErr.Body)), " ")
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return strings.ToValidUTF8(msg, "")
	}
	return ""
}

// retryError is a retryable error with the server's Retry-After, which
// backoff.Retry finds through Unwrap and waits for instead of its backoff.
type retryError struct {
	err   error
	after *backoff.RetryAfterError
}

func (e *retryError) Error() string   { return e.err.Error() }
func (e *retryError) Unwrap() []error { return []error{e.err, e.after} }

// scrub removes the API key from text that may be logged or returned: a
// proxy's error page may echo the request's headers.
func (o *OpenAI) scrub(s string) string {
	if o.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, o.apiKey, "[redacted]")
}

// redactError scrubs err's text, keeping err for errors.Is and errors.As.
func (o *OpenAI) redactError(err error) error {
	msg := err.Error()
	if clean := o.scrub(msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// The transport.

// attemptKey carries an attempt's *attemptRecord in its request's context.
type attemptKey struct{}

// attemptRecord is what recordingDoer saw of one attempt's response.
type attemptRecord struct {
	sent          bool
	status        int // 0 when no response came
	retryAfter    time.Duration
	hasRetryAfter bool
}

// recordingDoer records each response's status and Retry-After in the
// request's attemptRecord, since go-openai's errors carry neither headers
// nor, for a status without a JSON error, the status in one type. It also
// turns a non-streamed answer (a server that ignores stream=true) into the
// event stream go-openai reads.
type recordingDoer struct{ doer openai.HTTPDoer }

// maxPlainAnswer caps a non-streamed answer read into memory.
const maxPlainAnswer = 4 << 20

func (d recordingDoer) Do(req *http.Request) (*http.Response, error) {
	rec, _ := req.Context().Value(attemptKey{}).(*attemptRecord)
	if rec == nil {
		return d.doer.Do(req)
	}
	rec.sent = true
	resp, err := d.doer.Do(req)
	if err != nil {
		return resp, err
	}
	rec.status = resp.StatusCode
	if resp.StatusCode >= 400 {
		rec.retryAfter, rec.hasRetryAfter = parseRetryAfter(resp.Header, time.Now())
		return resp, nil
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/json" {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxPlainAnswer))
		resp.Body.Close()
		if rerr != nil {
			return nil, fmt.Errorf("read answer: %w", rerr)
		}
		if sse, ok := eventStreamOf(body); ok {
			body = sse
			resp.Header.Set("Content-Type", "text/event-stream")
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
	}
	return resp, nil
}

// eventStreamOf rewrites a chat.completion object as the chunks and [DONE]
// of a stream. It reports false if body is not a chat completion.
func eventStreamOf(body []byte) ([]byte, bool) {
	var c openai.ChatCompletionResponse
	if err := json.Unmarshal(body, &c); err != nil || len(c.Choices) == 0 {
		return nil, false
	}
	var b bytes.Buffer
	for _, ch := range c.Choices {
		chunk := openai.ChatCompletionStreamResponse{ID: c.ID, Object: "chat.completion.chunk", Created: c.Created, Model: c.Model,
			Choices: []openai.ChatCompletionStreamChoice{{Index: ch.Index, FinishReason: ch.FinishReason,
				Delta: openai.ChatCompletionStreamChoiceDelta{Role: ch.Message.Role, Content: ch.Message.Content, Refusal: ch.Message.Refusal}}}}
		data, err := json.Marshal(chunk)
		if err != nil {
			return nil, false
		}
		b.WriteString("data: ")
		b.Write(data)
		b.WriteString("\n\n")
	}
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes(), true
}

// parseRetryAfter reads retry-after-ms (Azure, OpenAI) or Retry-After, in
// seconds or as an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e9 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Reading the answer.

// modelAnswer reads a streamed answer: the JSON object asked for, possibly
// inside a Markdown code fence, or plain text from a server that ignored
// response_format. It passes the body on to a bodyEmitter as it arrives.
type modelAnswer struct {
	raw     strings.Builder // everything received, masked
	carry   string          // an incomplete UTF-8 sequence at the end of a chunk
	head    string          // text before the mode is known
	mode    answerMode
	fenced  bool // a ``` line came first
	json    jsonBody
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
	a.json.onText = a.emit.write
	a.json.onEnd = a.emit.flush
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
		a.json.write(s)
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
		a.json.write(t)
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
	if strings.TrimSpace(*v.Body) != strings.TrimSpace(a.json.body.String()) {
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

// jsonBody follows a streamed JSON object far enough to find the top-level
// "body" string and decodes it as it arrives, escapes included, even when a
// chunk ends inside an escape or between the halves of a surrogate pair.
// It passes the decoded text to onText, one call per write, and calls onEnd
// when the string closes. Other values are skipped; the whole object is
// checked with encoding/json at the end.
type jsonBody struct {
	stack   []byte // open containers, '{' or '['
	wantKey bool   // in an object, the next string is a key
	inStr   bool
	isKey   bool
	esc     int  // 0, 1 after a backslash, 2..5 in \uXXXX
	hex     rune // the \u digits so far
	high    rune // a high surrogate waiting for its low half
	key     strings.Builder
	lastKey string
	inBody  bool
	done    bool
	body    strings.Builder // the decoded body, masked
	onText  func(string)
	onEnd   func()
	out     strings.Builder // this write's decoded body text
}

func (j *jsonBody) write(s string) {
	j.out.Reset()
	for _, r := range s {
		j.rune(r)
	}
	if j.out.Len() > 0 {
		j.body.WriteString(j.out.String())
		j.onText(j.out.String())
	}
	if j.done && j.onEnd != nil {
		j.onEnd()
		j.onEnd = nil
	}
}

func (j *jsonBody) rune(r rune) {
	if !j.inStr {
		switch r {
		case '{':
			j.stack = append(j.stack, '{')
			j.wantKey = true
		case '[':
			j.stack = append(j.stack, '[')
			j.wantKey = false
		case '}', ']':
			if len(j.stack) > 0 {
				j.stack = j.stack[:len(j.stack)-1]
			}
			j.wantKey = false
		case ':':
			j.wantKey = false
		case ',':
			j.wantKey = len(j.stack) > 0 && j.stack[len(j.stack)-1] == '{'
		case '"':
			j.inStr = true
			top := len(j.stack) == 1 && j.stack[0] == '{'
			j.isKey = j.wantKey
			if j.isKey {
				j.key.Reset()
			}
			j.inBody = top && !j.isKey && j.lastKey == "body" && !j.done
		}
		return
	}
	switch {
	case j.esc == 1:
		j.esc = 0
		switch r {
		case 'u':
			j.esc, j.hex = 2, 0
		case 'n':
			j.char('\n')
		case 't':
			j.char('\t')
		case 'r':
			j.char('\r')
		case 'b':
			j.char('\b')
		case 'f':
			j.char('\f')
		default: // '"', '\\', '/', and anything invalid as itself
			j.char(r)
		}
	case j.esc >= 2:
		d, ok := hexDigit(r)
		if !ok { // invalid; encoding/json rejects it at the end
			j.esc = 0
			j.char(utf8.RuneError)
			return
		}
		j.hex = j.hex<<4 | d
		if j.esc++; j.esc < 6 {
			return
		}
		j.esc = 0
		switch h := j.hex; {
		case utf16.IsSurrogate(h) && h < 0xDC00:
			if j.high != 0 {
				j.put(utf8.RuneError)
			}
			j.high = h
		case utf16.IsSurrogate(h):
			if j.high != 0 {
				j.put(utf16.DecodeRune(j.high, h))
				j.high = 0
			} else {
				j.put(utf8.RuneError)
			}
		default:
			j.char(h)
		}
	case r == '\\':
		j.esc = 1
	case r == '"':
		j.flushHigh()
		j.inStr = false
		if j.isKey {
			if len(j.stack) == 1 {
				j.lastKey = j.key.String()
			}
			return
		}
		if j.inBody {
			j.inBody, j.done = false, true
		}
	default:
		j.char(r)
	}
}

// char adds a decoded rune of the current string.
func (j *jsonBody) char(r rune) {
	j.flushHigh()
	j.put(r)
}

func (j *jsonBody) put(r rune) {
	switch {
	case j.isKey:
		j.key.WriteRune(r)
	case j.inBody:
		j.out.WriteRune(r)
	}
}

// flushHigh writes a high surrogate that no low half followed.
func (j *jsonBody) flushHigh() {
	if j.high != 0 {
		j.high = 0
		j.put(utf8.RuneError)
	}
}

func hexDigit(r rune) (rune, bool) {
	switch {
	case '0' <= r && r <= '9':
		return r - '0', true
	case 'a' <= r && r <= 'f':
		return r - 'a' + 10, true
	case 'A' <= r && r <= 'F':
		return r - 'A' + 10, true
	}
	return 0, false
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
