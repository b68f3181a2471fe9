package discordfake_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/disputedesk/disputedesk/internal/discordfake"
)

// session is a discordgo session pointed at d as DESIGN.md says the adapter
// points it: Session.Client with a transport that rewrites discord.com.
func session(t *testing.T, d *discordfake.Server, token string) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = d.HTTPClient()
	s.LogLevel = discordgo.LogWarning // shown only when a test fails
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	return s
}

// open opens s and closes it at cleanup (discordgo's Close takes a second).
func open(t *testing.T, s *discordgo.Session) {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s within 5s", what)
		panic("unreachable")
	}
}

func TestGatewayReadyAndPushedInteraction(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := session(t, d, discordfake.BotToken)
	ready := make(chan *discordgo.Ready, 1)
	guilds := make(chan *discordgo.GuildCreate, 1)
	answered := make(chan error, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		data := i.ApplicationCommandData()
		sub := data.Options[0]
		answered <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: data.Name + " " + sub.Name + " " + sub.Options[0].StringValue() + " for " + i.Member.User.Username + " in " + string(i.Locale),
				Flags:   discordgo.MessageFlagsEphemeral,
			},
		})
	})
	open(t, s)

	r := receive(t, ready, "READY")
	if r.User.ID != discordfake.BotUserID || r.Application.ID != discordfake.AppID || r.SessionID == "" || len(r.Guilds) != 1 {
		t.Errorf("READY = user %v app %v session %q guilds %d", r.User, r.Application, r.SessionID, len(r.Guilds))
	}
	if g := receive(t, guilds, "GUILD_CREATE"); g.ID != discordfake.GuildID || len(g.Channels) != 2 {
		t.Errorf("GUILD_CREATE = %s with %d channels, want %s with 2", g.ID, len(g.Channels), discordfake.GuildID)
	}
	st := d.WaitConnected(t, 5*time.Second)
	if ids := d.Identifies(); len(ids) != 1 || ids[0].Intents != discordfake.IntentGuilds|discordfake.IntentGuildMessages {
		t.Errorf("identifies = %+v, want one with GUILDS|GUILD_MESSAGES", ids)
	}
	if st.SessionID != r.SessionID {
		t.Errorf("fake's session %q, bot's %q", st.SessionID, r.SessionID)
	}

	p := discordfake.SlashCommand("case", discordfake.Opts{Locale: "nb"},
		discordfake.Sub("open", discordfake.Opt("playbook", "chargeback")))
	id := d.DispatchInteraction(p)
	if err := receive(t, answered, "interaction answer"); err != nil {
		t.Fatalf("InteractionRespond: %v", err)
	}
	rs := d.InteractionResponses(id)
	if len(rs) != 1 || rs[0].Kind != "callback" || rs[0].Type != 4 || rs[0].Message == nil {
		t.Fatalf("responses = %+v, want one type 4 callback with a message", rs)
	}
	if m := rs[0].Message; m.Content != "case open chargeback for agent in nb" || !m.Ephemeral || m.ChannelID != discordfake.ChannelID {
		t.Errorf("answer = %q ephemeral=%v channel=%s", m.Content, m.Ephemeral, m.ChannelID)
	}
	// A second answer is refused as Discord refuses it.
	again := &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "again"}}
	err := s.InteractionRespond(&discordgo.Interaction{ID: id, Token: p["token"].(string)}, again)
	assertCode(t, err, 400, 40060)
}

func assertCode(t *testing.T, err error, status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != status || re.Message == nil || re.Message.Code != code {
		t.Fatalf("err = %v, want HTTP %d with code %d", err, status, code)
	}
}

func TestGatewayResumeReplaysMissedDispatches(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := session(t, d, discordfake.BotToken)
	s.Identify.Intents |= discordgo.IntentsMessageContent
	got := make(chan *discordgo.MessageCreate, 4)
	resumed := make(chan struct{}, 1)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { resumed <- struct{}{} })
	open(t, s)
	first := d.WaitConnected(t, 5*time.Second)

	d.Dispatch("MESSAGE_CREATE", discordfake.UserMessage("before the drop", discordfake.Opts{}))
	if m := receive(t, got, "first message"); m.Content != "before the drop" {
		t.Fatalf("content = %q", m.Content)
	}
	if !d.DropConnection() {
		t.Fatal("no connection to drop")
	}
	d.Until(t, 5*time.Second, "the bot gone", func() bool { return !d.Gateway().Live })
	missed := d.Dispatch("MESSAGE_CREATE", discordfake.UserMessage("while away", discordfake.Opts{}))
	if missed == 0 {
		t.Fatal("dispatch while away was not kept")
	}
	receive(t, resumed, "RESUMED")
	if m := receive(t, got, "missed message"); m.Content != "while away" {
		t.Fatalf("replayed content = %q", m.Content)
	}
	st := d.Gateway()
	if st.Resumes != 1 || st.Identifies != 1 || st.SessionID != first.SessionID {
		t.Errorf("after drop: %+v, want 1 resume of session %s and no new identify", st, first.SessionID)
	}
	d.NextCall(t, discordfake.GatewayResume, time.Second)
}

func TestGatewayReconnectOp7Resumes(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := session(t, d, discordfake.BotToken)
	open(t, s)
	d.WaitConnected(t, 5*time.Second)
	if !d.Reconnect() {
		t.Fatal("no connection")
	}
	d.Until(t, 10*time.Second, "a resume after op 7", func() bool { st := d.Gateway(); return st.Resumes >= 1 && st.Live })
	if st := d.Gateway(); st.Identifies != 1 {
		t.Errorf("identifies = %d, want the first only", st.Identifies)
	}
	closes := d.Closes()
	if len(closes) == 0 || !closes[0].ByBot || closes[0].Code != websocket.CloseServiceRestart {
		t.Errorf("closes = %+v, want the bot's 1012", closes)
	}
}

func TestGatewayBadTokenClosesWith4004(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := session(t, d, "not-the-token")
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != discordfake.CloseAuthenticationFailed {
		t.Fatalf("Open = %v, want close 4004", err)
	}
	if c := d.Closes(); len(c) != 1 || c[0].Code != 4004 || c[0].ByBot {
		t.Errorf("closes = %+v", c)
	}
	// The REST API refuses the token too.
	_, err = s.Channel(discordfake.ChannelID)
	assertCode(t, err, 401, 0)
}

func TestGatewayDisallowedIntentsCloseWith4014(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	d.DisallowIntents(discordfake.IntentMessageContent)
	s := session(t, d, discordfake.BotToken)
	s.Identify.Intents |= discordgo.IntentsMessageContent
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != discordfake.CloseDisallowedIntents {
		t.Fatalf("Open = %v, want close 4014", err)
	}
}

func TestGatewayIntentsFilterDispatches(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := session(t, d, discordfake.BotToken)
	s.Identify.Intents = discordgo.IntentsGuilds // no GUILD_MESSAGES
	open(t, s)
	d.WaitConnected(t, 5*time.Second)
	if seq := d.Dispatch("MESSAGE_CREATE", discordfake.UserMessage("hi", discordfake.Opts{})); seq != 0 {
		t.Errorf("MESSAGE_CREATE without GUILD_MESSAGES sent as seq %d", seq)
	}
	if seq := d.Dispatch("THREAD_CREATE", map[string]any{"id": "1", "guild_id": discordfake.GuildID}); seq == 0 {
		t.Error("THREAD_CREATE with GUILDS was not sent")
	}
}
