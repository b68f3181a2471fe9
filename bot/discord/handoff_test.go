package discord

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// acks records the callbacks an interaction got.
type acks struct {
	mu   sync.Mutex
	got  []*discordgo.InteractionResponse
	done chan struct{}
}

func newAcks() *acks { return &acks{done: make(chan struct{}, 10)} }

func (k *acks) ack(resp *discordgo.InteractionResponse) error {
	k.mu.Lock()
	k.got = append(k.got, resp)
	k.mu.Unlock()
	k.done <- struct{}{}
	return nil
}

func (k *acks) types() []discordgo.InteractionResponseType {
	k.mu.Lock()
	defer k.mu.Unlock()
	var ts []discordgo.InteractionResponseType
	for _, r := range k.got {
		ts = append(ts, r.Type)
	}
	return ts
}

func interactionOf(t *testing.T, body string) *discordgo.Interaction {
	var i discordgo.Interaction
	if err := json.Unmarshal([]byte(body), &i); err != nil {
		t.Fatal(err)
	}
	return &i
}

const buttonBody = `{"id":"I2","application_id":"APP","type":3,"token":"btok","version":1,"guild_id":"G1","channel_id":"C1","channel":{"id":"C1","type":0},` +
	`"member":{"user":{"id":"U1","username":"kari"}},"message":{"id":"M1","channel_id":"C1"},"data":{"custom_id":"v1:s CB-1042","component_type":2}}`

// Answered within 3 seconds: at once when the handler is quick (type 4),
// else deferred (5 for a command, 6 for a button) and completed by editing
// the original response or by a follow-up.
func TestHandoff(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		takes     time.Duration
		wantTypes []discordgo.InteractionResponseType
		wantREST  []string
	}{
		{"fast command", commandBody, 0, []discordgo.InteractionResponseType{4}, nil},
		{"slow command", commandBody, 300 * time.Millisecond, []discordgo.InteractionResponseType{5}, []string{"PATCH /webhooks/APP/itok/messages/@original"}},
		{"fast button", buttonBody, 0, []discordgo.InteractionResponseType{4}, nil},
		{"slow button", buttonBody, 300 * time.Millisecond, []discordgo.InteractionResponseType{6}, []string{"POST /webhooks/APP/btok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			a := testAdapter(t, f, func(c *Config) { c.AckBudget = 100 * time.Millisecond; c.Specs = testSpecs() })
			knowC1(a)
			var got *bot.Request
			h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
				got = req
				time.Sleep(tt.takes)
				return bot.Reply{Text: "Here it is.", Visibility: bot.Ephemeral}, nil
			})
			k := newAcks()
			a.interaction(h, interactionOf(t, tt.body), k.ack)
			<-k.done
			if err := a.kit.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if types := k.types(); len(types) != 1 || types[0] != tt.wantTypes[0] {
				t.Fatalf("callbacks %v, want %v", types, tt.wantTypes)
			}
			if paths := f.paths(); strings.Join(paths, ",") != strings.Join(tt.wantREST, ",") {
				t.Errorf("REST calls %v, want %v", paths, tt.wantREST)
			}
			if tt.body == buttonBody && (got.Action == nil || got.Action.ID != bot.ActionRun || got.Action.Value != "v1:s CB-1042") {
				t.Errorf("button request %+v", got)
			}
			if tt.takes > 0 && !strings.Contains(strings.Join(f.got(), ""), `"flags":64`) && tt.body == buttonBody {
				t.Errorf("an ephemeral follow-up went out public: %v", f.got())
			}
		})
	}
}

// A reply with a form opens a modal; one that starts with a choice asks
// for it with a select, and the choice opens the modal for the rest.
func TestFormCallbacks(t *testing.T) {
	f := newFakeREST(t)
	a := testAdapter(t, f, func(c *Config) { c.Specs = testSpecs() })
	knowC1(a)
	h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{Text: "How did CB-1042 end?", Form: closeForm(), Visibility: bot.Ephemeral}, nil
	})
	k := newAcks()
	a.interaction(h, interactionOf(t, commandBody), k.ack)
	<-k.done
	sel := `{"id":"I3","application_id":"APP","type":3,"token":"t3","version":1,"guild_id":"G1","channel_id":"C1","channel":{"id":"C1","type":0},"member":{"user":{"id":"U1"}},` +
		`"data":{"custom_id":"v1:c CB-1042#outcome,amount,note","component_type":3,"values":["won"]}}`
	a.interaction(h, interactionOf(t, sel), k.ack)
	<-k.done
	if types := k.types(); len(types) != 2 || types[0] != 4 || types[1] != 9 || k.got[1].Data.CustomID != "v1:c CB-1042 outcome=won" {
		t.Fatalf("callbacks %v, modal %+v", types, k.got[1].Data)
	}
	var submitted *bot.Request
	h = bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		submitted = req
		return bot.Reply{Text: "Closed.", Visibility: bot.Ephemeral}, nil
	})
	submit := `{"id":"I4","application_id":"APP","type":5,"token":"t4","version":1,"guild_id":"G1","channel_id":"C1","channel":{"id":"C1","type":0},"member":{"user":{"id":"U1"}},` +
		`"data":{"custom_id":"v1:c CB-1042 outcome=won","components":[{"type":1,"components":[{"type":4,"custom_id":"amount","value":"49,90"}]},{"type":1,"components":[{"type":4,"custom_id":"note","value":"Bank agreed"}]}]}}`
	a.interaction(h, interactionOf(t, submit), k.ack)
	<-k.done
	if submitted == nil || submitted.Action.ID != bot.ActionForm || submitted.Action.Value != "v1:c CB-1042 outcome=won" ||
		submitted.Action.Values["amount"] != "49,90" || submitted.Action.Values["note"] != "Bank agreed" {
		t.Fatalf("submission %+v", submitted)
	}
}

type completer struct{ got bot.Completion }

func (c *completer) Complete(_ context.Context, _ *bot.Request, q bot.Completion) ([]bot.Choice, error) {
	c.got = q
	return []bot.Choice{{Value: "acknowledge", Label: "acknowledge: Acknowledge and log"}}, nil
}

func TestAutocomplete(t *testing.T) {
	c := &completer{}
	a := testAdapter(t, newFakeREST(t), func(cfg *Config) { cfg.Specs = testSpecs(); cfg.Completer = c })
	body := `{"id":"I5","application_id":"APP","type":4,"token":"t5","version":1,"guild_id":"G1","channel_id":"C1","channel":{"id":"C1","type":0},"member":{"user":{"id":"U1"}},` +
		`"data":{"id":"CMD","name":"case","type":1,"options":[{"name":"done","type":1,"options":[{"name":"case","type":3,"value":"CB-1042"},{"name":"step","type":3,"value":"ack","focused":true}]}]}}`
	k := newAcks()
	a.interaction(bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
		t.Error("an autocomplete reached the handler")
		return bot.Reply{}, nil
	}), interactionOf(t, body), k.ack)
	if len(k.got) != 1 || k.got[0].Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(k.got[0].Data.Choices) != 1 {
		t.Fatalf("callbacks %+v", k.got)
	}
	if c.got.Command != "case done" || c.got.Param != "step" || c.got.Typed != "ack" || c.got.Values["case"] != "CB-1042" {
		t.Errorf("completion %+v", c.got)
	}
}

// A reply that does not fit one callback is deferred and follows: text
// over 2000 characters as an edit and follow-ups, a form that came too
// late for a modal as a button that asks again.
func TestLateReplies(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		takes time.Duration
		want  []string
		check string
	}{
		{"long text", bot.Reply{Text: strings.Repeat("a line of text\n", 300), Visibility: bot.Ephemeral}, 0,
			[]string{"PATCH /webhooks/APP/itok/messages/@original", "POST /webhooks/APP/itok", "POST /webhooks/APP/itok"}, `"content":"a line of text`},
		{"late form", bot.Reply{Text: "How did CB-1042 end?", Form: closeForm(), Visibility: bot.Ephemeral}, 300 * time.Millisecond,
			[]string{"PATCH /webhooks/APP/itok/messages/@original"}, `"custom_id":"v1:c CB-1042"`},
		{"nothing to show", bot.Reply{}, 300 * time.Millisecond,
			[]string{"PATCH /webhooks/APP/itok/messages/@original"}, `"content":"Done."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			a := testAdapter(t, f, func(c *Config) { c.AckBudget = 100 * time.Millisecond; c.Specs = testSpecs() })
			knowC1(a)
			k := newAcks()
			a.interaction(bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) {
				time.Sleep(tt.takes)
				return tt.reply, nil
			}), interactionOf(t, commandBody), k.ack)
			<-k.done
			if err := a.kit.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if types := k.types(); len(types) != 1 || types[0] != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Fatalf("callbacks %v", types)
			}
			if got := f.paths(); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("calls %v, want %v", got, tt.want)
			}
			for _, c := range f.got() {
				if !strings.Contains(c, tt.check) {
					t.Errorf("call lacks %s: %.300s", tt.check, c)
				}
				if strings.HasPrefix(c, "POST") && !strings.Contains(c, `"flags":64`) {
					t.Errorf("a private follow-up went out public: %.300s", c)
				}
			}
		})
	}
}

// An interaction's token never reaches a log line through an error.
func TestLateErrorHasNoToken(t *testing.T) {
	f := newFakeREST(t)
	a := testAdapter(t, f, nil)
	knowC1(a)
	f.Close() // every call fails with a network error that quotes the URL
	err := a.late(t.Context(), interactionOf(t, commandBody), bot.Reply{Text: "x"}, true)
	if err == nil || strings.Contains(err.Error(), "itok") {
		t.Fatalf("error %v", err)
	}
}
