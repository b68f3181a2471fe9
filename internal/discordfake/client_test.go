package discordfake_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/internal/discordfake"
)

// verifyingBot stands in for the bot's /discord/interactions: it checks the
// signature with discordgo.VerifyInteraction against the fake's public key,
// then answers as handler says.
func verifyingBot(t *testing.T, d *discordfake.Server, handle func(i discordgo.Interaction) discordgo.InteractionResponse) *httptest.Server {
	t.Helper()
	key, err := hex.DecodeString(d.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != discordfake.InteractionsPath {
			http.NotFound(w, r)
			return
		}
		if !discordgo.VerifyInteraction(r, ed25519.PublicKey(key)) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.NewDecoder(r.Body).Decode(&i); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(handle(i))
	}))
	t.Cleanup(bot.Close)
	return bot
}

func TestSignedInteractionsVerifyWithDiscordgo(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	bot := verifyingBot(t, d, func(i discordgo.Interaction) discordgo.InteractionResponse {
		switch i.Type {
		case discordgo.InteractionPing:
			return discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
		case discordgo.InteractionApplicationCommandAutocomplete:
			return discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "chargeback", Value: "chargeback"}}}}
		case discordgo.InteractionMessageComponent:
			return discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m:1", Title: "Close the case",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "outcome", Label: "Outcome", Style: discordgo.TextInputShort}}}}}}
		case discordgo.InteractionModalSubmit:
			in := i.ModalSubmitData().Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput)
			return discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "closed: " + in.Value}}
		}
		return discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	})
	c := d.Client(bot.URL)

	resp, body, err := c.Send(discordfake.Ping(), discordfake.SignOpts{})
	if err != nil || resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"type":1}` {
		t.Fatalf("PING = %v %s %v", resp, body, err)
	}
	for name, opt := range map[string]discordfake.SignOpts{
		"forged":    {Forged: true},
		"wrong key": {WrongKey: true},
		"unsigned":  {Unsigned: true},
	} {
		if resp, _, err := c.Send(discordfake.Ping(), opt); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %v %v, want 401", name, resp.Status, err)
		}
	}
	// VerifyInteraction does not look at the timestamp's age: the bot must.
	if resp, _, _ := c.Send(discordfake.Ping(), discordfake.SignOpts{Timestamp: time.Now().Add(-10 * time.Minute)}); resp.StatusCode != 200 {
		t.Errorf("stale: %s; discordgo.VerifyInteraction now checks the age, the adapter's own check can go", resp.Status)
	}

	ac := discordfake.Autocomplete("case", discordfake.Opts{}, discordfake.Sub("open", discordfake.Focused("playbook", "cha")))
	if _, _, err := c.Send(ac, discordfake.SignOpts{}); err != nil {
		t.Fatal(err)
	}
	if rs := d.InteractionResponses(ac["id"].(string)); len(rs) != 1 || rs[0].Kind != "http" || rs[0].Type != 8 || rs[0].Choices[0].Name != "chargeback" {
		t.Errorf("autocomplete responses = %+v", rs)
	}
	click := discordfake.ButtonClick("a:close", discordfake.Opts{})
	_, _, _ = c.Send(click, discordfake.SignOpts{})
	if rs := d.InteractionResponses(click["id"].(string)); len(rs) != 1 || rs[0].Modal == nil || rs[0].Modal.Title != "Close the case" {
		t.Errorf("modal responses = %+v", rs)
	}
	submit := discordfake.ModalSubmit("m:1", discordfake.Opts{}, discordfake.TextValue{CustomID: "outcome", Value: "won"})
	_, _, _ = c.Send(submit, discordfake.SignOpts{})
	if rs := d.InteractionResponses(submit["id"].(string)); len(rs) != 1 || rs[0].Message == nil || rs[0].Message.Content != "closed: won" {
		t.Errorf("submit responses = %+v", rs)
	}
}

func TestDeferredAnswerEditedAndFollowedUp(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	bot := verifyingBot(t, d, func(discordgo.Interaction) discordgo.InteractionResponse {
		return discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	})
	p := discordfake.SlashCommand("summary", discordfake.Opts{})
	if resp, _, err := d.Client(bot.URL).Send(p, discordfake.SignOpts{}); err != nil || resp.StatusCode != 200 {
		t.Fatalf("send: %v %v", resp, err)
	}
	s := rest(t, d)
	i := &discordgo.Interaction{ID: p["id"].(string), AppID: discordfake.AppID, Token: p["token"].(string)}
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "late"}}); err == nil {
		t.Error("a callback after the HTTP answer was accepted")
	}
	if _, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("3 cases at risk")}); err != nil {
		t.Fatalf("edit original: %v", err)
	}
	fu, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "details", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil || fu.ID == "" {
		t.Fatalf("follow-up: %+v %v", fu, err)
	}
	if _, err := s.FollowupMessageEdit(i, fu.ID, &discordgo.WebhookEdit{Content: ptr("more details")}); err != nil {
		t.Fatalf("edit follow-up: %v", err)
	}
	_, err = s.FollowupMessageCreate(&discordgo.Interaction{AppID: discordfake.AppID, Token: "unknown"}, true, &discordgo.WebhookParams{Content: "x"})
	assertCode(t, err, 401, 50027)

	var kinds []string
	for _, r := range d.InteractionResponses(i.ID) {
		kinds = append(kinds, r.Kind)
	}
	if got := strings.Join(kinds, " "); got != "http edit_original followup edit_followup" {
		t.Errorf("responses = %s", got)
	}
	msgs := d.Messages()
	if len(msgs) != 3 || msgs[0].Content != "3 cases at risk" || !msgs[1].Ephemeral || msgs[2].Content != "more details" {
		t.Errorf("messages = %+v", msgs)
	}
}

func ptr[T any](v T) *T { return &v }
