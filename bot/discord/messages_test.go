package discord

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// Messages in a case's thread reach the core with the thread's channel and
// the thread; a mention of the bot gets its answer as a reply; the bot's
// own messages, other bots' and plain channel chatter do not reach it.
func TestMessages(t *testing.T) {
	author := &discordgo.User{ID: "U1", Username: "kari"}
	botUser := &discordgo.User{ID: "BOT", Bot: true}
	tests := []struct {
		name      string
		msg       discordgo.Message
		reply     bot.Reply
		want      *bot.Request // nil: the handler is not called
		wantPosts []string
	}{
		{"in a thread", discordgo.Message{ID: "M5", ChannelID: "T1", GuildID: "G1", Author: author, Content: "Customer called, ask <@222>"}, bot.Reply{},
			&bot.Request{ID: "M5", Channel: "C1", Thread: "T1", Text: "Customer called, ask @222", Permalink: "https://discord.com/channels/G1/T1/M5"}, nil},
		{"mentioning the bot", discordgo.Message{ID: "M6", ChannelID: "C1", GuildID: "G1", Author: author, Content: "<@BOT> the parcel never arrived", Mentions: []*discordgo.User{botUser}},
			bot.Reply{Text: "That sounds like a return.", Buttons: []bot.Button{{Label: "Open return", ID: "v1:o return"}}, Visibility: bot.Ephemeral},
			&bot.Request{ID: "M6", Channel: "C1", Text: "the parcel never arrived", Mentioned: true, Permalink: "https://discord.com/channels/G1/C1/M6"},
			[]string{"POST /channels/C1/messages"}},
		{"the bot's own", discordgo.Message{ID: "M7", ChannelID: "T1", GuildID: "G1", Author: &discordgo.User{ID: "BOT"}, Content: "x"}, bot.Reply{}, nil, nil},
		{"another bot's", discordgo.Message{ID: "M8", ChannelID: "T1", GuildID: "G1", Author: &discordgo.User{ID: "B2", Bot: true}, Content: "x"}, bot.Reply{}, nil, nil},
		{"chatter in a channel", discordgo.Message{ID: "M9", ChannelID: "C1", GuildID: "G1", Author: author, Content: "lunch?"}, bot.Reply{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			f.on("GET /channels/T1", 200, `{"id":"T1","type":11,"parent_id":"C1"}`)
			f.on("GET /channels/C1", 200, `{"id":"C1","type":0}`)
			a := testAdapter(t, f, nil)
			knowC1(a)
			a.setSelf("BOT")
			var got *bot.Request
			a.message(bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
				got = req
				return tt.reply, nil
			}), &tt.msg)
			if err := a.kit.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if got != nil {
					t.Fatalf("the handler got %+v", got)
				}
				return
			}
			if got == nil || got.ID != tt.want.ID || got.Channel != tt.want.Channel || got.Thread != tt.want.Thread || got.Text != tt.want.Text ||
				got.Mentioned != tt.want.Mentioned || got.Permalink != tt.want.Permalink || got.Workspace != "G1" || got.User != "U1" || got.MaxText != 2000 {
				t.Fatalf("request %+v\nwant %+v", got, tt.want)
			}
			var posts []string
			for i, p := range f.paths() {
				if strings.HasPrefix(p, "POST") {
					posts = append(posts, p)
					if c := f.got()[i]; !strings.Contains(c, `"message_reference":{"message_id":"M6"`) || !strings.Contains(c, `"custom_id":"v1:o return"`) {
						t.Errorf("reply %s", c)
					}
				}
			}
			if fmt.Sprint(posts) != fmt.Sprint(tt.wantPosts) {
				t.Errorf("posts %v, want %v", posts, tt.wantPosts)
			}
		})
	}
}

// A message the gateway delivers again while the first delivery is being
// handled is not handled twice (the core records a finished one once).
func TestMessageRedelivered(t *testing.T) {
	f := newFakeREST(t)
	f.on("GET /channels/T1", 200, `{"id":"T1","type":11,"parent_id":"C1"}`)
	a := testAdapter(t, f, nil)
	knowC1(a)
	var calls atomic.Int32
	release := make(chan struct{})
	h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
		calls.Add(1)
		<-release
		return bot.Reply{}, nil
	})
	m := &discordgo.Message{ID: "M5", ChannelID: "T1", GuildID: "G1", Author: &discordgo.User{ID: "U1"}, Content: "note"}
	a.message(h, m)
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	a.message(h, m)
	close(release)
	if err := a.kit.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handled %d times", n)
	}
}

// A draft being written edits the deferred response at a bounded rate,
// and the final reply replaces it.
func TestDraftProgress(t *testing.T) {
	f := newFakeREST(t)
	a := testAdapter(t, f, func(c *Config) {
		c.AckBudget, c.ProgressEvery, c.Specs = 20*time.Millisecond, 100*time.Millisecond, testSpecs()
	})
	knowC1(a)
	h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		for i := range 30 {
			time.Sleep(10 * time.Millisecond)
			req.Progress(fmt.Sprint("Dear Kari, ", i))
		}
		return bot.Reply{Text: "Dear Kari, the final draft.", Visibility: bot.Ephemeral}, nil
	})
	k := newAcks()
	a.interaction(h, interactionOf(t, commandBody), k.ack)
	<-k.done
	if err := a.kit.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := f.got()
	if n := len(calls); n < 2 || n > 5 {
		t.Fatalf("%d edits for 30 progress calls in 300ms at most one per 100ms: %v", n, calls)
	}
	for _, c := range calls {
		if !strings.HasPrefix(c, "PATCH /webhooks/APP/itok/messages/@original") {
			t.Errorf("call %s", c)
		}
	}
	if last := calls[len(calls)-1]; !strings.Contains(last, "the final draft") {
		t.Errorf("last edit %s", last)
	}
	if k.types()[0] != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback %v", k.types())
	}
}
