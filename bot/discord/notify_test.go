package discord

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
)

func TestPostCardInTextChannel(t *testing.T) {
	f := newFakeREST(t)
	f.on("GET /channels/C1", 200, `{"id":"C1","type":0}`)
	f.on("POST /channels/C1/messages", 200, `{"id":"M1","channel_id":"C1"}`)
	f.on("POST /channels/C1/messages/M1/threads", 200, `{"id":"M1","type":11,"parent_id":"C1"}`)
	a := testAdapter(t, f, nil)
	posted, err := a.Post(t.Context(), bot.Message{Channel: "C1", ThreadName: "CB-1042 · Chargeback", Tags: []string{"chargeback", "open"}, Reply: cardReply()})
	if err != nil {
		t.Fatal(err)
	}
	if posted != (bot.Posted{MessageID: "M1", ThreadID: "M1"}) {
		t.Errorf("posted %+v", posted)
	}
	want := []string{"GET /channels/C1", "POST /channels/C1/messages", "POST /channels/C1/messages/M1/threads"}
	if got := f.paths(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if c := f.got()[2]; !strings.Contains(c, `"name":"CB-1042 · Chargeback"`) || !strings.Contains(c, `"auto_archive_duration":10080`) {
		t.Errorf("thread start %s", c)
	}
}

func TestPostCardInForum(t *testing.T) {
	f := newFakeREST(t)
	f.on("GET /channels/F1", 200, `{"id":"F1","type":15,"available_tags":[{"id":"T1","name":"Chargeback"}]}`)
	f.on("PATCH /channels/F1", 200, `{"id":"F1","type":15,"available_tags":[{"id":"T1","name":"Chargeback"},{"id":"T2","name":"open"}]}`)
	f.on("POST /channels/F1/threads", 200, `{"id":"P1","type":11,"parent_id":"F1"}`)
	a := testAdapter(t, f, nil)
	posted, err := a.Post(t.Context(), bot.Message{Channel: "F1", ThreadName: "CB-1042 · Chargeback", Tags: []string{"chargeback", "open"}, Reply: cardReply()})
	if err != nil {
		t.Fatal(err)
	}
	if posted != (bot.Posted{MessageID: "P1", ThreadID: "P1"}) {
		t.Errorf("posted %+v", posted)
	}
	calls := f.got()
	want := []string{"GET /channels/F1", "PATCH /channels/F1", "POST /channels/F1/threads"}
	if got := f.paths(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if !strings.Contains(calls[1], `{"name":"open","moderated":false}`) {
		t.Errorf("missing tag not created: %s", calls[1])
	}
	if !strings.Contains(calls[2], `"applied_tags":["T1","T2"]`) || !strings.Contains(calls[2], `"message":{`) {
		t.Errorf("forum post %s", calls[2])
	}
}

// A closed case's card is edited, then its thread archived; reopened, the
// thread is unarchived before the card is edited.
func TestUpdateCardArchiveOrder(t *testing.T) {
	tests := []struct {
		name     string
		archived bool
		tags     []string
		want     []string
	}{
		{"close", false, []string{"chargeback", "closed"},
			[]string{"GET /channels/C1", "GET /channels/M1", "PATCH /channels/C1/messages/M1", "PATCH /channels/M1 archived=true"}},
		{"reopen", true, []string{"chargeback", "open"},
			[]string{"GET /channels/C1", "GET /channels/M1", "PATCH /channels/M1 archived=false", "PATCH /channels/C1/messages/M1"}},
		{"change", false, []string{"chargeback", "open"},
			[]string{"GET /channels/C1", "GET /channels/M1", "PATCH /channels/C1/messages/M1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			f.on("GET /channels/C1", 200, `{"id":"C1","type":0}`)
			archived := "false"
			if tt.archived {
				archived = "true"
			}
			f.on("GET /channels/M1", 200, `{"id":"M1","type":11,"parent_id":"C1","thread_metadata":{"archived":`+archived+`}}`)
			a := testAdapter(t, f, nil)
			if _, err := a.Post(t.Context(), bot.Message{Channel: "C1", Thread: "M1", UpdateID: "M1", Tags: tt.tags, Reply: cardReply()}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, p := range f.paths() {
				c := f.got()[i]
				switch {
				case strings.Contains(c, `"archived":true`):
					p += " archived=true"
				case strings.Contains(c, `"archived":false`):
					p += " archived=false"
				}
				got = append(got, p)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("calls %v\nwant %v", got, tt.want)
			}
		})
	}
}

// A forum post's card is its starter message, in the post; its tags follow
// the case.
func TestUpdateForumCard(t *testing.T) {
	f := newFakeREST(t)
	f.on("GET /channels/F1", 200, `{"id":"F1","type":15,"available_tags":[{"id":"T1","name":"chargeback"},{"id":"T3","name":"closed"}]}`)
	f.on("GET /channels/P1", 200, `{"id":"P1","type":11,"parent_id":"F1","thread_metadata":{"archived":false}}`)
	a := testAdapter(t, f, nil)
	if _, err := a.Post(t.Context(), bot.Message{Channel: "F1", Thread: "P1", UpdateID: "P1", Tags: []string{"chargeback", "closed"}, Reply: cardReply()}); err != nil {
		t.Fatal(err)
	}
	calls := f.got()
	want := []string{"GET /channels/F1", "GET /channels/P1", "PATCH /channels/P1/messages/P1", "PATCH /channels/P1"}
	if got := f.paths(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if !strings.Contains(calls[3], `"archived":true`) || !strings.Contains(calls[3], `"applied_tags":["T1","T3"]`) {
		t.Errorf("archive %s", calls[3])
	}
}

func TestPostInArchivedThread(t *testing.T) {
	f := newFakeREST(t)
	n := 0
	f.routes["POST /channels/T1/messages"] = func(w http.ResponseWriter, _ string) {
		if n++; n == 1 {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"code":50083,"message":"Thread is archived"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"M9"}`))
	}
	a := testAdapter(t, f, nil)
	posted, err := a.Post(t.Context(), bot.Message{Channel: "C1", Thread: "T1", Reply: bot.Reply{Text: "<@1>: note"}})
	if err != nil || posted != (bot.Posted{MessageID: "M9", ThreadID: "T1"}) {
		t.Fatalf("posted %+v, %v", posted, err)
	}
	want := "POST /channels/T1/messages,PATCH /channels/T1,POST /channels/T1/messages"
	if got := strings.Join(f.paths(), ","); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
}

// Failures reach the outbox classified; discordgo neither sleeps through a
// 429 nor retries a 5xx.
func TestDeliveryErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		permanent  bool
		retryAfter time.Duration
	}{
		{"rate limited", 429, `{"message":"You are being rate limited.","retry_after":2.5,"global":false}`, false, 2500 * time.Millisecond},
		{"unknown channel", 404, `{"code":10003,"message":"Unknown Channel"}`, true, 0},
		{"missing access", 403, `{"code":50001,"message":"Missing Access"}`, true, 0},
		{"server error", 500, `{"message":"500: Internal Server Error"}`, false, 0},
		{"bad gateway", 502, `bad gateway`, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			f.on("POST /channels/T1/messages", tt.status, tt.body)
			a := testAdapter(t, f, nil)
			start := time.Now()
			_, err := a.Post(t.Context(), bot.Message{Channel: "C1", Thread: "T1", Reply: bot.Reply{Text: "x"}})
			de, ok := errors.AsType[*bot.DeliveryError](err)
			if !ok {
				t.Fatalf("error %v is not a DeliveryError", err)
			}
			if de.Permanent != tt.permanent || de.RetryAfter != tt.retryAfter {
				t.Errorf("permanent %v, retry after %v; want %v, %v (%v)", de.Permanent, de.RetryAfter, tt.permanent, tt.retryAfter, err)
			}
			// An unknown thread is started from its card once and the
			// post tried again (TestPostStartsAMissingThread); nothing
			// else is repeated.
			want := 1
			if tt.name == "unknown channel" {
				want = 2
			}
			if n := strings.Count(strings.Join(f.paths(), ","), "POST /channels/T1/messages"); n != want || time.Since(start) > time.Second {
				t.Errorf("%d posts in %v, want %d: discordgo retried", n, time.Since(start), want)
			}
		})
	}
}

// TestPostStartsAMissingThread: the card went out but its thread could not
// be started (the case keeps the card's id as its thread, the id a thread
// started from it takes); the next post in the thread starts it from the
// card, then posts.
func TestPostStartsAMissingThread(t *testing.T) {
	f := newFakeREST(t)
	n := 0
	f.routes["POST /channels/M1/messages"] = func(w http.ResponseWriter, _ string) {
		if n++; n == 1 {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"code":10003,"message":"Unknown Channel"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"M9"}`))
	}
	f.routes["POST /channels/C1/messages/M1/threads"] = func(w http.ResponseWriter, _ string) {
		_, _ = w.Write([]byte(`{"id":"M1","type":11,"parent_id":"C1"}`))
	}
	a := testAdapter(t, f, nil)
	posted, err := a.Post(t.Context(), bot.Message{Channel: "C1", Thread: "M1", ThreadName: "CB-1001 · chargeback", Reply: bot.Reply{Text: "<@1>: note"}})
	if err != nil || posted != (bot.Posted{MessageID: "M9", ThreadID: "M1"}) {
		t.Fatalf("posted %+v, %v", posted, err)
	}
	want := "POST /channels/M1/messages,POST /channels/C1/messages/M1/threads,POST /channels/M1/messages"
	if got := strings.Join(f.paths(), ","); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
}
