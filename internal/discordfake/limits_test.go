package discordfake_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/internal/discordfake"
)

func row(n int) discordgo.ActionsRow {
	r := discordgo.ActionsRow{}
	for i := range n {
		r.Components = append(r.Components, discordgo.Button{Label: "b", Style: discordgo.SecondaryButton, CustomID: "c" + string(rune('a'+i))})
	}
	return r
}

// TestLimits sends one payload over each kind of limit and checks the
// fake refuses it with 50035 and names the limit.
func TestLimits(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	input := func(label string) discordgo.ActionsRow {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "i", Label: label, Style: discordgo.TextInputShort}}}
	}
	for _, tc := range []struct {
		name string
		send func(s *discordgo.Session, i *discordgo.Interaction) error
		want string
	}{
		{"embed total", func(s *discordgo.Session, _ *discordgo.Interaction) error {
			e := []*discordgo.MessageEmbed{{Description: long(4000)}, {Description: long(2001)}}
			_, err := s.ChannelMessageSendEmbeds(discordfake.ChannelID, e)
			return err
		}, "characters in all embeds of a message (title, description, field names and values, footer, author)"},
		{"six buttons", func(s *discordgo.Session, _ *discordgo.Interaction) error {
			_, err := s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{row(6)}})
			return err
		}, "buttons in an action row"},
		{"custom_id", func(s *discordgo.Session, _ *discordgo.Interaction) error {
			b := discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", Style: discordgo.PrimaryButton, CustomID: long(101)}}}
			_, err := s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{b}})
			return err
		}, "custom_id"},
		{"thread name", func(s *discordgo.Session, _ *discordgo.Interaction) error {
			_, err := s.ThreadStartComplex(discordfake.ChannelID, &discordgo.ThreadStart{Name: long(101), Type: discordgo.ChannelTypeGuildPublicThread})
			return err
		}, "thread name"},
		{"modal title", func(s *discordgo.Session, i *discordgo.Interaction) error {
			return s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: long(46), Components: []discordgo.MessageComponent{input("Outcome")}}})
		}, "modal title"},
		{"six text inputs", func(s *discordgo.Session, i *discordgo.Interaction) error {
			var rows []discordgo.MessageComponent
			for range 6 {
				rows = append(rows, input("l"))
			}
			return s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "m", Title: "t", Components: rows}})
		}, "action rows (text inputs) in a modal"},
		{"26 choices", func(s *discordgo.Session, i *discordgo.Interaction) error {
			var cs []*discordgo.ApplicationCommandOptionChoice
			for range 26 {
				cs = append(cs, &discordgo.ApplicationCommandOptionChoice{Name: "n", Value: "v"})
			}
			i.Type = discordgo.InteractionApplicationCommandAutocomplete
			return s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{Choices: cs}})
		}, "autocomplete choices"},
		{"21 tags", func(s *discordgo.Session, _ *discordgo.Interaction) error {
			tags := make([]discordgo.ForumTag, 21)
			for i := range tags {
				tags[i].Name = "t"
			}
			_, err := s.ChannelEdit(discordfake.ForumID, &discordgo.ChannelEdit{AvailableTags: &tags})
			return err
		}, "available tags of a forum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := discordfake.New(t)
			typ := discordfake.InteractionComponent
			if tc.name == "26 choices" {
				typ = discordfake.InteractionAutocomplete
			}
			p := discordfake.ButtonClick("x", discordfake.Opts{})
			p["type"] = typ
			d.DispatchInteraction(p) // no gateway session: registered only
			i := &discordgo.Interaction{ID: p["id"].(string), Token: p["token"].(string)}
			assertCode(t, tc.send(rest(t, d), i), 400, 50035)
			vs := d.TakeViolations()
			if len(vs) != 1 || vs[0].What != tc.want || vs[0].Source == "" {
				t.Errorf("violations = %v, want one of %q", vs, tc.want)
			}
		})
	}
}
