package prompts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cenkalti/backoff/v5"
	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

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
