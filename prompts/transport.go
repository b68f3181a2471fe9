package prompts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

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
