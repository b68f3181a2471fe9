package discordfake_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/internal/discordfake"
)

// rest is a discordgo session for REST calls only.
func rest(t *testing.T, d *discordfake.Server) *discordgo.Session {
	t.Helper()
	return session(t, d, discordfake.BotToken)
}

func TestMessagePostEditAndThread(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)

	card, err := s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{
		Content: "CB-1042 opened",
		Embeds:  []*discordgo.MessageEmbed{{Title: "Chargeback CB-1042", Fields: []*discordgo.MessageEmbedField{{Name: "Amount", Value: "NOK 1 250,00"}}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Next step", Style: discordgo.PrimaryButton, CustomID: "a:1"},
		}}},
	})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if card.ID == "" || card.ChannelID != discordfake.ChannelID || card.Author.ID != discordfake.BotUserID || len(card.Embeds) != 1 {
		t.Fatalf("posted = %+v", card)
	}
	edited, err := s.ChannelMessageEdit(discordfake.ChannelID, card.ID, "CB-1042 closed: won")
	if err != nil || edited.Content != "CB-1042 closed: won" || len(edited.Embeds) != 1 {
		t.Fatalf("edit = %+v, %v (embeds are kept when the edit does not name them)", edited, err)
	}
	th, err := s.MessageThreadStartComplex(discordfake.ChannelID, card.ID, &discordgo.ThreadStart{Name: "CB-1042", AutoArchiveDuration: 10080})
	if err != nil {
		t.Fatalf("thread: %v", err)
	}
	if th.ID != card.ID || th.ParentID != discordfake.ChannelID || th.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("thread = id %s parent %s type %d, want the card's ID under the channel, public", th.ID, th.ParentID, th.Type)
	}
	_, err = s.MessageThreadStartComplex(discordfake.ChannelID, card.ID, &discordgo.ThreadStart{Name: "again"})
	assertCode(t, err, 400, 160004)
	if _, err := s.ChannelMessageSend(th.ID, "step 1 done"); err != nil {
		t.Fatalf("post in thread: %v", err)
	}

	msgs := d.WaitFor(t, time.Second, func(m []discordfake.Message) bool { return len(m) == 3 })
	if m := msgs[0]; m.Op != "create" || m.Embeds[0].Fields[0].Value != "NOK 1 250,00" || m.Components[0].Components[0].CustomID != "a:1" {
		t.Errorf("first = %+v", m)
	}
	if m := msgs[1]; m.Op != "edit" || m.ID != card.ID || m.Content != "CB-1042 closed: won" {
		t.Errorf("second = %+v", m)
	}
	if m := msgs[2]; m.ThreadID != th.ID || m.ParentID != discordfake.ChannelID {
		t.Errorf("thread message in %s/%s, want %s/%s", m.ParentID, m.ThreadID, discordfake.ChannelID, th.ID)
	}
	if ths := d.Threads(); len(ths) != 1 || ths[0].StarterMessageID != card.ID || ths[0].AutoArchiveDuration != 10080 || ths[0].Forum {
		t.Errorf("threads = %+v", ths)
	}
}

func TestForumPostTagsAndArchive(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)

	forum, err := s.ChannelEdit(discordfake.ForumID, &discordgo.ChannelEdit{AvailableTags: &[]discordgo.ForumTag{{Name: "chargeback"}, {Name: "won"}}})
	if err != nil || len(forum.AvailableTags) != 2 || forum.AvailableTags[0].ID == "" {
		t.Fatalf("tags = %+v, %v", forum, err)
	}
	got, err := s.Channel(discordfake.ForumID)
	if err != nil || got.Type != discordgo.ChannelTypeGuildForum || len(got.AvailableTags) != 2 {
		t.Fatalf("GET forum = %+v, %v", got, err)
	}
	chargeback, won := got.AvailableTags[0].ID, got.AvailableTags[1].ID
	post, err := s.ForumThreadStartComplex(discordfake.ForumID,
		&discordgo.ThreadStart{Name: "CB-1042 Kari Nordmann", AppliedTags: []string{chargeback}},
		&discordgo.MessageSend{Content: "case card", Files: []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: bytes.NewReader([]byte("\x89PNG"))}}})
	if err != nil {
		t.Fatalf("forum post: %v", err)
	}
	th, _ := d.Thread(post.ID)
	if !th.Forum || th.ParentID != discordfake.ForumID || th.StarterMessageID != post.ID || len(th.AppliedTags) != 1 {
		t.Errorf("forum post = %+v", th)
	}
	if m, ok := d.Message(post.ID); !ok || m.Content != "case card" || len(m.Files) != 1 || m.Files[0].Name != "chart.png" {
		t.Errorf("first message = %+v", m)
	}

	archived, locked := true, true
	if _, err := s.ChannelEdit(post.ID, &discordgo.ChannelEdit{AppliedTags: &[]string{won}, Archived: &archived, Locked: &locked}); err != nil {
		t.Fatalf("archive: %v", err)
	}
	_, err = s.ChannelMessageEdit(post.ID, post.ID, "edited after archive")
	assertCode(t, err, 400, 50083)
	_, err = s.ChannelMessageSend(post.ID, "locked and archived")
	assertCode(t, err, 400, 50083)
	_, err = s.ChannelEdit(post.ID, &discordgo.ChannelEdit{Name: "renamed"})
	assertCode(t, err, 400, 50083)

	unarchived := false
	if _, err := s.ChannelEdit(post.ID, &discordgo.ChannelEdit{Archived: &unarchived, Name: "CB-1042 reopened"}); err != nil {
		t.Fatalf("unarchive: %v", err)
	}
	if _, err := s.ChannelMessageEdit(post.ID, post.ID, "edited after unarchive"); err != nil {
		t.Fatalf("edit after unarchive: %v", err)
	}
	if th, _ := d.Thread(post.ID); th.Archived || !th.Locked || th.Name != "CB-1042 reopened" || th.AppliedTags[0] != won {
		t.Errorf("thread = %+v", th)
	}
}

func TestErrorsAsDiscordSendsThem(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	d.AddChannel(discordfake.Channel{ID: "1200000000000000040", Hidden: true})
	d.AddChannel(discordfake.Channel{ID: "1200000000000000050", ReadOnly: true})
	s := rest(t, d)
	_, err := s.ChannelMessageSend("1200000000000000999", "x")
	assertCode(t, err, 404, 10003)
	_, err = s.ChannelMessageSend("1200000000000000040", "x")
	assertCode(t, err, 403, 50001)
	_, err = s.ChannelMessageSend("1200000000000000050", "x")
	assertCode(t, err, 403, 50013)
	_, err = s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{})
	assertCode(t, err, 400, 50006)
	_, err = s.ChannelMessageSend(discordfake.ForumID, "x")
	assertCode(t, err, 400, 50008)

	d.FailNext(discordfake.RouteCreateMessage, discordfake.APIError(50013))
	_, err = s.ChannelMessageSend(discordfake.ChannelID, "x")
	assertCode(t, err, 403, 50013)
	if n := d.Calls(discordfake.RouteCreateMessage); n != 6 {
		t.Errorf("calls = %d, want 6", n)
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)
	d.FailNext(discordfake.RouteCreateMessage, discordfake.RateLimit(200*time.Millisecond))
	start := time.Now()
	if _, err := s.ChannelMessageSend(discordfake.ChannelID, "after the 429"); err != nil {
		t.Fatalf("post: %v", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("discordgo retried after %v, before retry_after", took)
	}
	c := d.NextCall(t, discordfake.RouteCreateMessage, time.Second)
	if c.Status != 429 {
		t.Errorf("first call answered %d", c.Status)
	}
	if c := d.NextCall(t, discordfake.RouteCreateMessage, time.Second); c.Status != 200 {
		t.Errorf("retry answered %d", c.Status)
	}

	// Without discordgo's retry the 429 is a RateLimitError with retry_after.
	s.ShouldRetryOnRateLimit = false
	d.FailFor(discordfake.AnyRoute, discordfake.RateLimit(1500*time.Millisecond), time.Minute)
	_, err := s.ChannelMessageSend(discordfake.ChannelID, "x")
	if rl, ok := err.(*discordgo.RateLimitError); !ok || rl.RetryAfter != 1500*time.Millisecond {
		t.Fatalf("err = %#v, want a RateLimitError of 1.5s", err)
	}
}

func TestLimitViolationsAreRefusedAndRecorded(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)
	_, err := s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{
		Content: strings.Repeat("x", 2001),
		Embeds:  []*discordgo.MessageEmbed{{Title: strings.Repeat("t", 257)}},
	})
	assertCode(t, err, 400, 50035)
	var body struct {
		Errors map[string]any `json:"errors"`
	}
	_ = json.Unmarshal(err.(*discordgo.RESTError).ResponseBody, &body)
	if _, ok := body.Errors["content"]; !ok {
		t.Errorf("errors = %v, want content", body.Errors)
	}
	_, err = s.ApplicationCommandBulkOverwrite(discordfake.AppID, "", []*discordgo.ApplicationCommand{{Name: "Case", Description: "cases"}})
	assertCode(t, err, 400, 50035)

	vs := d.TakeViolations()
	var paths []string
	for _, v := range vs {
		paths = append(paths, v.Path)
	}
	if want := "content embeds.0.title 0.name"; strings.Join(paths, " ") != want {
		t.Errorf("violations at %v, want %s", paths, want)
	}
	if len(d.Messages()) != 0 {
		t.Error("a refused message was recorded")
	}
}

func TestCommandsRegistered(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)
	cmds := []*discordgo.ApplicationCommand{{
		Name: "case", Description: "Open and work cases",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: "open", Description: "Open a case",
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "playbook", Description: "Playbook", Required: true, Autocomplete: true}},
		}},
	}}
	got, err := s.ApplicationCommandBulkOverwrite(discordfake.AppID, discordfake.GuildID, cmds)
	if err != nil || len(got) != 1 || got[0].ID == "" {
		t.Fatalf("overwrite = %+v, %v", got, err)
	}
	again, _ := s.ApplicationCommandBulkOverwrite(discordfake.AppID, discordfake.GuildID, cmds)
	if again[0].ID != got[0].ID {
		t.Error("a command kept by name changed its ID")
	}
	reg := d.Commands(discordfake.GuildID)
	if len(reg) != 1 || reg[0].Options[0].Options[0].Name != "playbook" || !reg[0].Options[0].Options[0].Autocomplete {
		t.Errorf("registered = %+v", reg)
	}
	if len(d.Commands("")) != 0 {
		t.Error("guild commands registered globally")
	}
	_, err = s.ApplicationCommandBulkOverwrite(discordfake.AppID, "1200000000000000999", cmds)
	assertCode(t, err, 403, 50001)
}
