package slackfake_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

func newAPI(s *slackfake.Server, opts ...slack.Option) *slack.Client {
	return slack.New(slackfake.BotToken, append([]slack.Option{slack.OptionAPIURL(s.APIURL())}, opts...)...)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject("plain_text", s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject("mrkdwn", s, false, false)
}

func TestWebAPIWithSlackGo(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)

	at, err := api.AuthTest()
	if err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	if at.UserID != slackfake.BotUserID || at.TeamID != slackfake.TeamID || at.BotID != slackfake.BotID {
		t.Errorf("AuthTest = %+v, want bot %s in team %s", at, slackfake.BotUserID, slackfake.TeamID)
	}

	card := []slack.Block{
		slack.NewSectionBlock(mrkdwn("*CB-1042* chargeback opened"), nil, nil),
		slack.NewActionBlock("case", slack.NewButtonBlockElement("case_close", "CB-1042", plain("Close"))),
	}
	ch, ts, err := api.PostMessage("C1", slack.MsgOptionText("CB-1042 opened", false), slack.MsgOptionBlocks(card...))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if ch != "C1" || ts == "" {
		t.Fatalf("PostMessage = %q, %q; want channel C1 and a ts", ch, ts)
	}
	_, reply, err := api.PostMessage("C1", slack.MsgOptionText("step 1 done", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatalf("PostMessage in thread: %v", err)
	}
	if reply <= ts {
		t.Errorf("second ts %q is not after first %q", reply, ts)
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("CB-1042 won", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	if _, _, _, err := api.UpdateMessage("C1", "1.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("UpdateMessage of an unknown ts: err = %v, want message_not_found", err)
	}
	ets, err := api.PostEphemeral("C1", "U7", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("PostEphemeral = %q, %v", ets, err)
	}
	dm, _, err := api.PostMessage("U7", slack.MsgOptionText("reminder", false))
	if err != nil || dm != "D7" {
		t.Errorf("PostMessage to a user = %q, %v; want the DM channel D7", dm, err)
	}

	got := s.Messages()
	want := []struct{ method, channel, ts, thread, text, user string }{
		{"chat.postMessage", "C1", ts, "", "CB-1042 opened", ""},
		{"chat.postMessage", "C1", reply, ts, "step 1 done", ""},
		{"chat.update", "C1", ts, "", "CB-1042 won", ""},
		{"chat.postEphemeral", "C1", ets, "", "only you", "U7"},
		{"chat.postMessage", "D7", got[len(got)-1].TS, "", "reminder", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("Messages() = %d messages, want %d:\n%s", len(got), len(want), s.Dump())
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.method || g.Channel != w.channel || g.TS != w.ts || g.ThreadTS != w.thread || g.Text != w.text || g.User != w.user {
			t.Errorf("message %d = %+v, want %+v", i, g, w)
		}
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(got[0].Blocks, &blocks); err != nil || len(blocks.BlockSet) != 2 {
		t.Errorf("blocks of the card = %s (%v), want the 2 blocks sent", got[0].Blocks, err)
	}
	if got[1].Params["thread_ts"] != ts || got[1].Params["token"] != "" {
		t.Errorf("Params = %v, want thread_ts and no token", got[1].Params)
	}
	if n := s.Calls("chat.postMessage"); n != 3 {
		t.Errorf("Calls(chat.postMessage) = %d, want 3", n)
	}
	if n := s.Calls("chat.update"); n != 2 {
		t.Errorf("Calls(chat.update) = %d, want 2 (one refused)", n)
	}
}

func TestViewsOpen(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	modal := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Open a case"),
		Submit:          plain("Open"),
		CallbackID:      "open_case",
		PrivateMetadata: "C1|1700000000.000100",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("order", plain("Order number"), nil, slack.NewPlainTextInputBlockElement(nil, "order")),
		}},
	}
	trigger := slackfake.NewTriggerID()
	v, err := api.OpenView(trigger, modal)
	if err != nil {
		t.Fatalf("OpenView: %v", err)
	}
	if v.ID == "" || v.CallbackID != "open_case" || v.PrivateMetadata != modal.PrivateMetadata {
		t.Errorf("OpenView = id %q callback %q metadata %q, want an id and the view echoed", v.ID, v.CallbackID, v.PrivateMetadata)
	}
	views := s.Views()
	if len(views) != 1 {
		t.Fatalf("Views() = %d, want 1", len(views))
	}
	var sent slack.ModalViewRequest
	if err := json.Unmarshal(views[0], &sent); err != nil || sent.CallbackID != "open_case" || len(sent.Blocks.BlockSet) != 1 {
		t.Errorf("Views()[0] = %s (%v), want the modal sent", views[0], err)
	}

	if _, err := api.OpenView(trigger, modal); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Errorf("OpenView with a used trigger: err = %v, want exchanged_trigger_id", err)
	}
	stale := fmt.Sprintf("%d.1.abc", time.Now().Add(-slackfake.TriggerTTL-time.Second).UnixMilli())
	if _, err := api.OpenView(stale, modal); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("OpenView with a stale trigger: err = %v, want expired_trigger_id", err)
	}
	long := modal
	long.Title = plain("Open a chargeback case now")
	if _, err := api.OpenView(slackfake.NewTriggerID(), long); err == nil || err.Error() != "invalid_arguments" {
		t.Errorf("OpenView with a 26-character title: err = %v, want invalid_arguments", err)
	}
	noSubmit := modal
	noSubmit.Submit = nil
	_, err = api.OpenView(slackfake.NewTriggerID(), noSubmit)
	var serr slack.SlackErrorResponse
	if !errors.As(err, &serr) || !strings.Contains(strings.Join(serr.ResponseMetadata.Messages, " "), "/view/submit") {
		t.Errorf("OpenView with inputs and no submit: err = %#v, want invalid_arguments pointing at /view/submit", err)
	}
	if n := len(s.Views()); n != 1 {
		t.Errorf("Views() = %d after refused calls, want 1", n)
	}
}

func TestConversationAndUserInfo(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	s.AddUser(slackfake.User{ID: "U2", Name: "mette", Locale: "da-DK", TZ: "Europe/Copenhagen"})
	s.AddChannel(slackfake.Channel{ID: "C9", Name: "disputes"})

	u, err := api.GetUserInfo("U2")
	if err != nil {
		t.Fatalf("GetUserInfo: %v", err)
	}
	if u.Name != "mette" || u.Locale != "da-DK" || u.TZ != "Europe/Copenhagen" {
		t.Errorf("GetUserInfo(U2) = name %q locale %q tz %q", u.Name, u.Locale, u.TZ)
	}
	u, err = api.GetUserInfo("U3")
	if err != nil || u.ID != "U3" || u.Locale != "en-US" {
		t.Errorf("GetUserInfo(unknown U3) = %+v, %v; want defaults with locale en-US", u, err)
	}
	c, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C9"})
	if err != nil || c.Name != "disputes" || !c.IsChannel {
		t.Errorf("GetConversationInfo(C9) = %+v, %v", c, err)
	}

	s.AddChannel(slackfake.Channel{ID: "C0OLD", IsArchived: true})
	if _, _, err := api.PostMessage("C0OLD", slack.MsgOptionText("summary", false)); err == nil || err.Error() != "is_archived" {
		t.Errorf("PostMessage to an archived channel: err = %v, want is_archived", err)
	}
}

func TestTokens(t *testing.T) {
	s := slackfake.New(t)
	tests := []struct {
		name, token, want string
	}{
		{"bot token", slackfake.BotToken, ""},
		{"any bot token", "xoxb-123-abc", ""},
		{"app token", slackfake.AppToken, "not_allowed_token_type"},
		{"garbage", "hunter2", "invalid_auth"},
		{"none", "", "not_authed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slack.New(tc.token, slack.OptionAPIURL(s.APIURL())).AuthTest()
			if got := errString(err); got != tc.want {
				t.Errorf("AuthTest with %q: err = %q, want %q", tc.token, got, tc.want)
			}
		})
	}
	_, _, err := slack.New(slackfake.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(slackfake.BotToken)).StartSocketModeContext(t.Context())
	if got := errString(err); got != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with a bot token: err = %q, want not_allowed_token_type", got)
	}
	_, err = newAPI(s).GetTeamInfo()
	if got := errString(err); got != "unknown_method" {
		t.Errorf("an unimplemented method: err = %q, want unknown_method", got)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFailNext(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	s.FailNext("chat.postMessage", http.StatusInternalServerError, http.StatusServiceUnavailable)
	for i, want := range []int{500, 503} {
		_, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false))
		var sc slack.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != want {
			t.Errorf("call %d: err = %v, want slack.StatusCodeError %d", i+1, err, want)
		}
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("third call: %v", err)
	}
	if n, m := s.Calls("chat.postMessage"), len(s.Messages()); n != 3 || m != 1 {
		t.Errorf("Calls = %d, Messages = %d; want 3 calls and 1 message", n, m)
	}

	s.FailNextWith("chat.postMessage", "not_in_channel")
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); errString(err) != "not_in_channel" {
		t.Errorf("FailNextWith: err = %v, want not_in_channel", err)
	}
}

// TestFailFor: outages queue one after another, then Slack serves again.
func TestFailFor(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	limited := s.FailFor("chat.postMessage", http.StatusTooManyRequests, 300*time.Millisecond)
	down := s.FailFor("chat.postMessage", http.StatusInternalServerError, 300*time.Millisecond)
	if !down.Equal(limited.Add(300 * time.Millisecond)) {
		t.Errorf("the second outage ends at %v, want 300ms after the first (%v)", down, limited)
	}
	var rl *slack.RateLimitedError
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); !errors.As(err, &rl) {
		t.Errorf("during the first outage: err = %v, want *slack.RateLimitedError", err)
	}
	time.Sleep(time.Until(limited))
	var sc slack.StatusCodeError
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); !errors.As(err, &sc) || sc.Code != 500 {
		t.Errorf("during the second outage: err = %v, want slack.StatusCodeError 500", err)
	}
	if _, _, _, err := api.UpdateMessage("C1", "1.2", slack.MsgOptionText("hi", false)); errString(err) != "message_not_found" {
		t.Errorf("another method during the outage: err = %v, want it served (message_not_found)", err)
	}
	time.Sleep(time.Until(down))
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("after the outages: %v", err)
	}
	if n, m := s.Calls("chat.postMessage"), len(s.Messages()); n != 3 || m != 1 {
		t.Errorf("Calls = %d, Messages = %d; want 3 calls and 1 message", n, m)
	}
}

func TestRateLimited(t *testing.T) {
	s := slackfake.New(t)
	s.FailNext("chat.update", http.StatusTooManyRequests)
	api := newAPI(s)
	_, ts, err := api.PostMessage("C1", slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = api.UpdateMessage("C1", ts, slack.MsgOptionText("card v2", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("UpdateMessage: err = %v, want *slack.RateLimitedError with RetryAfter 1s", err)
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("card v2", false)); err != nil {
		t.Fatalf("UpdateMessage after the 429: %v", err)
	}
}

func TestBlockKitLimits(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	tests := []struct {
		name   string
		blocks []slack.Block
		want   string // "" for accepted, else a substring of response_metadata.messages
	}{
		{"valid card", []slack.Block{
			slack.NewHeaderBlock(plain("CB-1042")),
			slack.NewSectionBlock(mrkdwn("Due *Friday*"), []*slack.TextBlockObject{mrkdwn("*Amount*\n€42.00")}, nil),
			slack.NewActionBlock("", slack.NewButtonBlockElement("close", "CB-1042", plain("Close"))),
		}, ""},
		{"section text over 3000", []slack.Block{slack.NewSectionBlock(mrkdwn(strings.Repeat("x", 3001)), nil, nil)}, "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"empty section text", []slack.Block{slack.NewSectionBlock(mrkdwn(""), nil, nil)}, "must be more than 0 characters"},
		{"mrkdwn header", []slack.Block{slack.NewHeaderBlock(mrkdwn("*x*"))}, "must be plain_text [json-pointer:/blocks/0/text/type]"},
		{"long button", []slack.Block{slack.NewActionBlock("", slack.NewButtonBlockElement("a", "v", plain(strings.Repeat("b", 76))))}, "/blocks/0/elements/0/text/text"},
		{"duplicate action ids", []slack.Block{slack.NewActionBlock("",
			slack.NewButtonBlockElement("a", "1", plain("One")), slack.NewButtonBlockElement("a", "2", plain("Two")))}, "not unique"},
		{"51 blocks", many, "no more than 50 items allowed [json-pointer:/blocks]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := api.PostMessage("C1", slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(tc.blocks...))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("PostMessage: %v", err)
				}
				return
			}
			var serr slack.SlackErrorResponse
			if !errors.As(err, &serr) || serr.Err != "invalid_blocks" {
				t.Fatalf("PostMessage: err = %v, want invalid_blocks", err)
			}
			if msgs := strings.Join(serr.ResponseMetadata.Messages, "\n"); !strings.Contains(msgs, tc.want) {
				t.Errorf("messages = %q, want one containing %q", msgs, tc.want)
			}
		})
	}
	if _, _, err := api.PostMessage("C1"); errString(err) != "no_text" {
		t.Errorf("PostMessage without text or blocks: err = %v, want no_text", err)
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText(strings.Repeat("x", 40001), false)); errString(err) != "msg_too_long" {
		t.Errorf("PostMessage of 40001 characters: err = %v, want msg_too_long", err)
	}
}

func TestResponseURL(t *testing.T) {
	s := slackfake.New(t)
	u := s.ResponseURL()
	if other := s.ResponseURL(); other == u {
		t.Fatalf("ResponseURL returned %q twice", u)
	}
	if err := slack.PostWebhook(u, &slack.WebhookMessage{Text: "working on it", ResponseType: "ephemeral"}); err != nil {
		t.Fatalf("PostWebhook: %v", err)
	}
	api := newAPI(s)
	if _, _, err := api.PostMessage("", slack.MsgOptionText("case opened", false), slack.MsgOptionReplaceOriginal(u)); err != nil {
		t.Fatalf("PostMessage via response_url: %v", err)
	}
	got := s.ResponsesTo(u)
	if len(got) != 2 || len(s.Responses()) != 2 {
		t.Fatalf("ResponsesTo = %d, want 2:\n%s", len(got), s.Dump())
	}
	var second struct {
		Text            string `json:"text"`
		ReplaceOriginal bool   `json:"replace_original"`
	}
	if err := json.Unmarshal(got[1], &second); err != nil || second.Text != "case opened" || !second.ReplaceOriginal {
		t.Errorf("second response = %s (%v)", got[1], err)
	}
	for range slackfake.ResponseURLUses - 2 {
		if err := slack.PostWebhook(u, &slack.WebhookMessage{Text: "again"}); err != nil {
			t.Fatalf("PostWebhook: %v", err)
		}
	}
	var sc slack.StatusCodeError
	if err := slack.PostWebhook(u, &slack.WebhookMessage{Text: "one too many"}); !errors.As(err, &sc) || sc.Code != 404 {
		t.Errorf("post %d: err = %v, want 404", slackfake.ResponseURLUses+1, err)
	}
	if err := slack.PostWebhook(s.URL()+"/response/nope", &slack.WebhookMessage{Text: "x"}); !errors.As(err, &sc) || sc.Code != 404 {
		t.Errorf("post to an unknown URL: err = %v, want 404", err)
	}
	s.FailNext("response_url", 500)
	if err := slack.PostWebhook(s.ResponseURL(), &slack.WebhookMessage{Text: "x"}); !errors.As(err, &sc) || sc.Code != 500 {
		t.Errorf("FailNext(response_url): err = %v, want 500", err)
	}
}

// TestConcurrentPosts checks that timestamps stay unique and increasing when
// the bot posts from many goroutines.
func TestConcurrentPosts(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, _, err := api.PostMessage("C1", slack.MsgOptionText(fmt.Sprint("m", i), false)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	msgs := s.WaitFor(t, time.Second, func(m []slackfake.Message) bool { return len(m) == 20 })
	for i := 1; i < len(msgs); i++ {
		if msgs[i].TS <= msgs[i-1].TS {
			t.Errorf("ts %d = %q is not after %q", i, msgs[i].TS, msgs[i-1].TS)
		}
	}
}

// fatalTB records a Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitForDumpsOnTimeout(t *testing.T) {
	s := slackfake.New(t)
	if _, _, err := newAPI(s).PostMessage("C1", slack.MsgOptionText("hello there", false)); err != nil {
		t.Fatal(err)
	}
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.WaitFor(tb, 50*time.Millisecond, func(m []slackfake.Message) bool { return len(m) == 2 })
	}()
	<-done
	for _, want := range []string{"did not match", "chat.postMessage=1", `text="hello there"`} {
		if !strings.Contains(tb.msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, tb.msg)
		}
	}
}
