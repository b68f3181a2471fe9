package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/dispatch"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" for success
	}{
		{"http mode", Config{BotToken: "xoxb-1", SigningSecret: "s"}, ""},
		{"socket mode", Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, ""},
		{"no bot token", Config{SigningSecret: "s"}, "SLACK_BOT_TOKEN is required"},
		{"user token", Config{BotToken: "xoxp-1", SigningSecret: "s"}, "SLACK_BOT_TOKEN must be a bot token"},
		{"neither mode", Config{BotToken: "xoxb-1"}, "SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required"},
		{"bot token as app token", Config{BotToken: "xoxb-1", AppToken: "xoxb-2"}, "SLACK_APP_TOKEN must be an app-level token"},
		{"bad API URL", Config{BotToken: "xoxb-1", SigningSecret: "s", APIURL: "slack.com/api"}, "SLACK_API_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New: got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewAddsTrailingSlashToAPIURL(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb-1", SigningSecret: "s", APIURL: "https://slack-gov.com/api"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.apiURL, "https://slack-gov.com/api/"; got != want {
		t.Errorf("apiURL = %q, want %q", got, want)
	}
}

func TestHTTPRoutesOnlyWithSigningSecret(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb-1", AppToken: "xapp-1"})
	if err != nil {
		t.Fatal(err)
	}
	w := serve(a, newRecorder(nil), httptest.NewRequest(http.MethodPost, "/slack/commands", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("Socket Mode only: POST /slack/commands = %d, want 404", w.Code)
	}
}

func TestSignatureChecked(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	body := slashBody(f, "/case", "list")
	now := time.Now()
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"signed", func() *http.Request {
			return signed(t, "/slack/commands", "application/x-www-form-urlencoded", body, now)
		}, http.StatusOK},
		{"forged", func() *http.Request {
			r := signed(t, "/slack/commands", "application/x-www-form-urlencoded", body, now)
			r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
			return r
		}, http.StatusUnauthorized},
		{"body changed after signing", func() *http.Request {
			r := signed(t, "/slack/commands", "application/x-www-form-urlencoded", body, now)
			r2 := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(strings.Replace(body, "list", "close", 1)))
			r2.Header = r.Header
			return r2
		}, http.StatusUnauthorized},
		{"stale", func() *http.Request {
			return signed(t, "/slack/commands", "application/x-www-form-urlencoded", body, now.Add(-10*time.Minute))
		}, http.StatusUnauthorized},
		{"unsigned", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusUnauthorized},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, tt := range tests {
			if tt.want == http.StatusOK && path != "/slack/commands" {
				continue
			}
			t.Run(path+" "+tt.name, func(t *testing.T) {
				h := newRecorder(reply(bot.Reply{Text: "ok"}))
				r := tt.req()
				r.URL.Path = path
				w := serve(a, h, r)
				if w.Code != tt.want {
					t.Fatalf("status = %d, want %d (%s)", w.Code, tt.want, w.Body)
				}
				quiesce(t, a)
				if tt.want != http.StatusOK && h.count() != 0 {
					t.Errorf("handler called %d times on a rejected request", h.count())
				}
				if tt.want == http.StatusOK && h.count() != 1 {
					t.Errorf("handler called %d times, want 1", h.count())
				}
			})
		}
	}
}

func TestOversizedBody(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	big := strings.Repeat("x", maxBody+1)
	for _, known := range []bool{true, false} {
		t.Run(fmt.Sprintf("content length known %v", known), func(t *testing.T) {
			h := newRecorder(nil)
			r := signed(t, "/slack/events", "application/json", big, time.Now())
			if !known {
				r.ContentLength = -1
			}
			w := serve(a, h, r)
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d, want 413", w.Code)
			}
			if h.count() != 0 {
				t.Error("handler called")
			}
		})
	}
}

func TestSlashCommandAnsweredInAck(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{
		Text:    "Opened CB-1042 & told <@U123ABC>",
		Title:   "CB-1042 · Chargeback",
		Buttons: []bot.Button{{Label: "Close", Command: "/case close CB-1042", Style: "danger"}},
	}))
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded",
		slashBody(f, "/case", "open chargeback order=1042 customer=\"Kari &lt;<mailto:kari@example.com|kari@example.com>&gt;\""), time.Now()))
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	got := decodeJSON(t, w.Body.Bytes())
	if got["response_type"] != "in_channel" || got["text"] != "Opened CB-1042 &amp; told <@U123ABC>" {
		t.Errorf("ack = %s", w.Body)
	}
	blocks, _ := got["blocks"].([]any)
	if len(blocks) != 3 {
		t.Errorf("want header, section and actions blocks, got %s", w.Body)
	}
	req := h.next(t)
	want := &bot.Request{
		ID: "13345224609.738474920.8088930838d88f008e0", Platform: "slack", Workspace: "T1", Channel: "C1",
		User: "U123ABC", UserName: "kari", Text: `/case open chargeback order=1042 customer="Kari <kari@example.com>"`,
		At: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC), MaxText: 3000, Locale: "en-US", Zone: "UTC",
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("request:\n got %+v\nwant %+v", req, want)
	}
	f.NoCall(t, "response_url", 100*time.Millisecond)
}

func TestSlashCommandWithoutCommand(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	tests := []struct {
		name string
		body string
		want int
	}{
		{"ssl_check", "ssl_check=1&token=legacy", http.StatusOK},
		{"no command", "text=list&user_id=U1", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newRecorder(nil)
			w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", tt.body, time.Now()))
			if w.Code != tt.want || h.count() != 0 {
				t.Errorf("status = %d (want %d), handler called %d times", w.Code, tt.want, h.count())
			}
		})
	}
}

func TestSlashCommandBusy(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, func(c *Config) { c.Workers = 1 })
	release := make(chan struct{})
	defer close(release)
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{}, nil
	})
	postEvent(t, a, h, "Ev8", `{"type":"app_mention","channel":"C1","user":"U123ABC","text":"<@U0BOT> hi","ts":"1700000000.000400"}`, "")
	h.next(t)
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "list"), time.Now()))
	if got := decodeJSON(t, w.Body.Bytes()); got["text"] != dispatch.BusyText || got["response_type"] != "ephemeral" {
		t.Errorf("ack = %s", w.Body)
	}
}

func TestSlashCommandSlowHandlerFinishesThroughResponseURL(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, func(c *Config) { c.AckBudget = 50 * time.Millisecond })
	release := make(chan struct{})
	h := newRecorder(func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		<-release
		return bot.Reply{Text: "Deadlines, soonest first:", Sections: []bot.Section{{Lines: []string{"CB-1042 due in 2d"}}}, Visibility: bot.Ephemeral}, nil
	})
	start := time.Now()
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "deadlines"), time.Now()))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("ack = %d %q, want an empty 200", w.Code, w.Body)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ack took %v", d)
	}
	close(release)
	c := f.NextCall(t, "response_url", wait)
	got := decodeJSON(t, c.Body)
	if got["response_type"] != "ephemeral" || got["text"] != "Deadlines, soonest first:" || got["replace_original"] != false {
		t.Errorf("response_url got %s", c.Body)
	}
	if _, ok := got["blocks"]; !ok {
		t.Errorf("response_url got no blocks: %s", c.Body)
	}
}

func TestSlashCommandFormOpensModal(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{Text: "A few details are missing.", Visibility: bot.Ephemeral, Form: &bot.Form{
		Title: "New chargeback", Submit: "Open case", Command: "/case open chargeback",
		Fields: []bot.FormField{{Name: "order", Label: "Order", Required: true}},
	}}))
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "open chargeback"), time.Now()))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("ack = %d %q, want an empty 200", w.Code, w.Body)
	}
	c := f.NextCall(t, "views.open", wait)
	var got struct {
		TriggerID string `json:"trigger_id"`
		View      struct {
			Type            string `json:"type"`
			CallbackID      string `json:"callback_id"`
			PrivateMetadata string `json:"private_metadata"`
			Blocks          []struct {
				BlockID string `json:"block_id"`
			} `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal(c.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.TriggerID != "13345224609.738474920.8088930838d88f008e0" || got.View.Type != "modal" || got.View.CallbackID != formCallbackID {
		t.Errorf("views.open got %s", c.Body)
	}
	if got.View.PrivateMetadata != `{"command":"/case open chargeback","channel":"C1"}` {
		t.Errorf("private_metadata = %s", got.View.PrivateMetadata)
	}
	if len(got.View.Blocks) != 1 || got.View.Blocks[0].BlockID != "order" {
		t.Errorf("blocks = %+v", got.View.Blocks)
	}
}

func TestHandlerErrorShowsReference(t *testing.T) {
	f := slackfake.New(t)
	a, logs := newTestAdapter(t, f, nil)
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{}, errors.New("database is down")
	})
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "open chargeback customer=secret@example.com"), time.Now()))
	got := decodeJSON(t, w.Body.Bytes())
	text, _ := got["text"].(string)
	_, rest, ok := strings.Cut(text, "(ref ")
	ref, _, _ := strings.Cut(rest, ")")
	if got["response_type"] != "ephemeral" || !ok || len(ref) != 8 {
		t.Fatalf("ack = %s", w.Body)
	}
	log := logs.String()
	if n := strings.Count(log, "error_ref="+ref); n != 1 {
		t.Errorf("reference logged %d times, want once:\n%s", n, log)
	}
	if !strings.Contains(log, "database is down") {
		t.Errorf("error not logged:\n%s", log)
	}
	if strings.Contains(log, "secret@example.com") || strings.Contains(log, testBotToken) || strings.Contains(log, testSecret) {
		t.Errorf("log holds message text or a secret:\n%s", log)
	}
}

func TestHandlerPanicShowsReference(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(func(context.Context, *bot.Request) (bot.Reply, error) { panic("boom") })
	w := serve(a, h, signed(t, "/slack/commands", "application/x-www-form-urlencoded", slashBody(f, "/case", "list"), time.Now()))
	if !strings.Contains(w.Body.String(), "Something went wrong on our side (ref ") {
		t.Fatalf("ack = %s", w.Body)
	}
}

const blockActionsPayload = `{
  "type": "block_actions",
  "user": {"id": "U123ABC", "username": "kari", "name": "kari", "team_id": "T1"},
  "api_app_id": "A1",
  "token": "legacy",
  "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C1", "is_ephemeral": false},
  "trigger_id": "trigger-2",
  "team": {"id": "T1", "domain": "acme"},
  "channel": {"id": "C1", "name": "disputes"},
  "message": {"type": "message", "user": "U0BOT", "ts": "1700000000.000100", "text": "CB-1042 · Chargeback · open"},
  "response_url": "RESPONSE_URL",
  "actions": [{"action_id": "run_0", "block_id": "b1", "text": {"type": "plain_text", "text": "Mark acknowledge done"}, "value": "/case done CB-1042 acknowledge", "style": "primary", "type": "button", "action_ts": "1700000100.000001"}]
}`

func TestBlockActionsRunButtonValue(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{Text: "Done: acknowledge on CB-1042.", Visibility: bot.Ephemeral}))
	payload := strings.Replace(blockActionsPayload, "RESPONSE_URL", f.ResponseURL(), 1)
	w := serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(payload), time.Now()))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("ack = %d %q, want an empty 200", w.Code, w.Body)
	}
	req := h.next(t)
	want := &bot.Request{
		ID: "trigger-2", Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700000000.000100",
		User: "U123ABC", UserName: "kari", Action: &bot.Action{ID: bot.ActionRun, Value: "/case done CB-1042 acknowledge"},
		At: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC), MaxText: 3000, Locale: "en-US", Zone: "UTC",
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("request:\n got %+v %+v\nwant %+v %+v", req, req.Action, want, want.Action)
	}
	c := f.NextCall(t, "response_url", wait)
	if got := decodeJSON(t, c.Body); got["text"] != "Done: acknowledge on CB-1042." || got["response_type"] != "ephemeral" {
		t.Errorf("response_url got %s", c.Body)
	}
}

func TestBlockActionsInThread(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(nil)
	payload := strings.Replace(blockActionsPayload, `"ts": "1700000000.000100",`, `"ts": "1700000000.000900", "thread_ts": "1700000000.000100",`, 1)
	serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(payload), time.Now()))
	if req := h.next(t); req.Thread != "1700000000.000100" {
		t.Errorf("Thread = %q, want the thread's ts", req.Thread)
	}
}

const viewSubmissionPayload = `{
  "type": "view_submission",
  "team": {"id": "T1", "domain": "acme"},
  "user": {"id": "U123ABC", "username": "kari", "name": "kari", "team_id": "T1"},
  "api_app_id": "A1",
  "token": "legacy",
  "trigger_id": "trigger-3",
  "view": {
    "id": "V1", "team_id": "T1", "type": "modal", "callback_id": "disputedesk_form", "hash": "h1",
    "private_metadata": "{\"command\":\"/case open chargeback\",\"channel\":\"C1\"}",
    "state": {"values": {
      "order": {"order": {"type": "plain_text_input", "value": "1042"}},
      "reason": {"reason": {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": "Fraudulent"}, "value": "fraudulent"}}},
      "note": {"note": {"type": "plain_text_input", "value": null}}
    }}
  },
  "response_urls": []
}`

func TestViewSubmissionCompletesForm(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(reply(bot.Reply{Text: "Opened CB-1042.", Visibility: bot.Ephemeral}))
	w := serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(viewSubmissionPayload), time.Now()))
	if w.Code != http.StatusOK || strings.TrimSpace(w.Body.String()) != `{"response_action":"clear"}` {
		t.Fatalf("ack = %d %s", w.Code, w.Body)
	}
	req := h.next(t)
	want := &bot.Request{
		ID: "trigger-3", Platform: "slack", Workspace: "T1", Channel: "C1", User: "U123ABC", UserName: "kari",
		Action: &bot.Action{ID: bot.ActionForm, Value: "/case open chargeback", Values: map[string]string{"order": "1042", "reason": "fraudulent", "note": ""}},
		At:     time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC), MaxText: 3000, Locale: "en-US", Zone: "UTC",
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("request:\n got %+v %+v\nwant %+v %+v", req, req.Action, want, want.Action)
	}
	c := f.NextCall(t, "chat.postEphemeral", wait)
	if c.Params["channel"] != "C1" || c.Params["user"] != "U123ABC" || c.Params["text"] != "Opened CB-1042." {
		t.Errorf("chat.postEphemeral got %v", c.Params)
	}
}

func TestViewSubmissionOfAnotherViewIgnored(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	h := newRecorder(nil)
	payload := strings.Replace(viewSubmissionPayload, "disputedesk_form", "someone_else", 1)
	serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(payload), time.Now()))
	quiesce(t, a)
	if h.count() != 0 {
		t.Error("handler called for a view that is not ours")
	}
}

// A form refused for one field stays open with the message under that
// field: Slack keeps a modal open only on the submission's own answer.
func TestViewSubmissionWithABadFieldKeepsTheFormOpen(t *testing.T) {
	tests := []struct {
		name    string
		invalid map[string]string
		want    string // the acknowledgement
		posted  bool   // the message goes to the channel instead
	}{
		{"field of the form", map[string]string{"order": "order=x: not a number"},
			`{"response_action":"errors","errors":{"order":"order=x: not a number"}}`, false},
		{"field not in the form", map[string]string{"supplier": "a chargeback has no field supplier="},
			`{"response_action":"clear"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := slackfake.New(t)
			a, _ := newTestAdapter(t, f, nil)
			h := newRecorder(reply(bot.Reply{Text: "cannot open the chargeback yet", Visibility: bot.Ephemeral, Invalid: tt.invalid}))
			w := serve(a, h, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", interactionBody(viewSubmissionPayload), time.Now()))
			if got := strings.TrimSpace(w.Body.String()); w.Code != http.StatusOK || got != tt.want {
				t.Fatalf("ack = %d %s, want %s", w.Code, got, tt.want)
			}
			quiesce(t, a)
			if got := f.Calls("chat.postEphemeral"); (got > 0) != tt.posted {
				t.Errorf("chat.postEphemeral called %d times; want a post: %v", got, tt.posted)
			}
		})
	}
}
