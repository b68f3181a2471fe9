package slack

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

func chart() *bot.Image {
	return &bot.Image{Name: "chart.png", Alt: "Open cases per day: 3, 5, 4", PNG: []byte("\x89PNG\r\n\x1a\n summary chart")}
}

func TestPostImageIsOneMessage(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	summary := bot.Reply{Text: "Daily summary: 4 open", Title: "Daily summary", Fields: []bot.Field{{Label: "Open", Value: "4"}}, Image: chart()}
	posted, err := a.Post(context.Background(), bot.Message{Channel: "C1", Thread: "1700000000.000100", Reply: summary})
	if err != nil {
		t.Fatal(err)
	}
	if posted != (bot.Posted{ThreadID: "1700000000.000100"}) {
		t.Errorf("posted %+v, want no message id (Slack gives none) and the thread", posted)
	}
	msgs := f.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one with text and chart:\n%s", len(msgs), f.Dump())
	}
	m := msgs[0]
	if m.Method != "files.completeUploadExternal" || m.Channel != "C1" || m.ThreadTS != "1700000000.000100" {
		t.Errorf("message %s in %s/%s", m.Method, m.Channel, m.ThreadTS)
	}
	if !strings.Contains(string(m.Blocks), `"type":"header"`) || !strings.Contains(string(m.Blocks), "Daily summary: 4 open") {
		t.Errorf("blocks %s, want the rendered summary", m.Blocks)
	}
	if len(m.Files) != 1 || !bytes.Equal(m.Files[0].Data, summary.Image.PNG) || m.Files[0].Name != "chart.png" ||
		m.Files[0].Alt != summary.Image.Alt {
		t.Errorf("files %+v, want the chart as given", m.Files)
	}
	if n := f.Calls("chat.postMessage"); n != 0 {
		t.Errorf("%d chat.postMessage calls: the text went apart from the chart", n)
	}
}

func TestPostImageWithTextOnly(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	if _, err := a.Post(context.Background(), bot.Message{Channel: "C1", Reply: bot.Reply{Text: "4 open <today>", Image: chart()}}); err != nil {
		t.Fatal(err)
	}
	msgs := f.Messages()
	if len(msgs) != 1 || msgs[0].Text != "4 open &lt;today&gt;" || msgs[0].Blocks != nil || len(msgs[0].Files) != 1 {
		t.Fatalf("messages %+v, want the text as the initial comment with the file", msgs)
	}
}

func TestUpdateWithImageEditsTextOnly(t *testing.T) {
	f := slackfake.New(t)
	a, _ := newTestAdapter(t, f, nil)
	posted, err := a.Post(context.Background(), bot.Message{Channel: "C1", Reply: bot.Reply{Text: "card"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Post(context.Background(), bot.Message{Channel: "C1", UpdateID: posted.MessageID, Reply: bot.Reply{Text: "card, edited", Image: chart()}}); err != nil {
		t.Fatal(err)
	}
	if c := f.NextCall(t, "chat.update", wait); c.Params["text"] != "card, edited" {
		t.Errorf("chat.update %v", c.Params)
	}
	if n := f.Calls("files.getUploadURLExternal"); n != 0 {
		t.Errorf("an update uploaded the image %d times", n)
	}
}

func TestPostImageErrors(t *testing.T) {
	tests := []struct {
		name           string
		setup          func(*slackfake.Server)
		image          *bot.Image
		wantPermanent  bool
		wantRetryAfter time.Duration
	}{
		{"too large", nil, &bot.Image{Name: "chart.png", PNG: make([]byte, bot.MaxImageBytes+1)}, true, 0},
		{"rate limited", func(f *slackfake.Server) { f.FailNext("files.getUploadURLExternal", http.StatusTooManyRequests) }, chart(), false, time.Second},
		{"upload fails", func(f *slackfake.Server) { f.FailNext("upload_url", http.StatusServiceUnavailable) }, chart(), false, 0},
		{"channel gone", func(f *slackfake.Server) { f.FailNextWith("files.completeUploadExternal", "channel_not_found") }, chart(), true, 0},
		{"complete fails", func(f *slackfake.Server) { f.FailNext("files.completeUploadExternal", http.StatusInternalServerError) }, chart(), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := slackfake.New(t)
			a, _ := newTestAdapter(t, f, nil)
			if tt.setup != nil {
				tt.setup(f)
			}
			_, err := a.Post(context.Background(), bot.Message{Channel: "C1", Reply: bot.Reply{Text: "summary", Image: tt.image}})
			de, ok := errors.AsType[*bot.DeliveryError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want a *bot.DeliveryError", err, err)
			}
			if de.Permanent != tt.wantPermanent || de.RetryAfter != tt.wantRetryAfter {
				t.Errorf("got Permanent=%v RetryAfter=%v, want %v %v (%v)", de.Permanent, de.RetryAfter, tt.wantPermanent, tt.wantRetryAfter, err)
			}
			if n := len(f.Messages()); n != 0 {
				t.Errorf("%d messages after a failed post", n)
			}
		})
	}
}
