package discord

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

func cardReply() bot.Reply {
	return bot.Reply{
		Text:  "<@111> opened CB-1042: CB-1042 · Chargeback",
		Title: "CB-1042 · Chargeback",
		Fields: []bot.Field{
			{Label: "Status", Value: "open"},
			{Label: "Customer", Value: "Kari Nordmann, Trondheim, æøå"},
			{Label: "Amount", Value: "EUR 49.90"},
			{Label: "Opened", Value: "2026-11-22 10:30 CET by <@111>"},
		},
		Sections: []bot.Section{
			{Title: "Next step", Lines: []string{"acknowledge  Acknowledge and log the dispute (agent)", "[ ] 1. Record processor, reason and dispute_id"}},
			{Title: "Deadlines", Lines: []string{"Evidence due to the processor: 2026-12-01 23:59 CET, 9d 11h left"}},
		},
		Buttons: []bot.Button{
			{Label: "Mark acknowledge done", Command: "/case done CB-1042 acknowledge", ID: "v1:d CB-1042 acknowledge", Style: "primary"},
			{Label: "Draft reply", Command: "/case draft CB-1042", ID: "v1:dr CB-1042"},
			{Label: "Open", Command: "/case open return order=" + strings.Repeat("9", 120)}, // no id: left out
			{Label: "Close", Command: "/case close CB-1042", ID: "v1:c CB-1042", Style: "danger"},
		},
	}
}

func closeForm() *bot.Form {
	return &bot.Form{Title: "Close CB-1042", Submit: "Close case", Command: "/case close CB-1042", ID: "v1:c CB-1042", Fields: []bot.FormField{
		{Name: "outcome", Label: "Outcome", Required: true, Options: []bot.Option{{Value: "won", Label: "Won"}, {Value: "lost", Label: "Lost"}, {Value: "accepted", Label: "Accepted"}}},
		{Name: "amount", Label: "Amount refunded, won or credited", Hint: "Leave empty when no money moved"},
		{Name: "note", Label: "Closing note"},
	}}
}

// Every payload the adapter sends, as Discord receives it.
func TestPayloadsGolden(t *testing.T) {
	card := renderMessages(cardReply())
	long := strings.Repeat("A line of the timeline, with æøå in it.\n", 120)
	openForm := &bot.Form{Title: "New chargeback with a title longer than forty-five characters", Submit: "Open case", Command: "/case open chargeback", ID: "v1:o chargeback",
		Fields: []bot.FormField{
			{Name: "amount", Label: "Amount", Hint: "e.g. EUR 49.90"},
			{Name: "customer", Label: "Customer", Required: true},
			{Name: "reason", Label: "Dispute reason", Required: true, Options: []bot.Option{{Value: "fraudulent"}, {Value: "product_not_received"}}},
			{Name: "order", Label: "Order", Required: true, Value: "1042"},
			{Name: "processor", Label: "Processor"},
			{Name: "note", Label: "Note"},
		}}
	modal, _ := renderModal(openForm)
	choice, _ := renderChoice("How did CB-1042 end?", closeForm())
	rest, _ := restModal(parseSelect(choice.Components[0].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu).CustomID), "outcome", "won", "Details")
	tests := []struct {
		name string
		v    any
	}{
		{"card.json", messageSend(card[0])},
		{"thread_post.json", messageSend(renderMessages(bot.Reply{Text: "<@111>: Noted on CB-1042."})[0])},
		{"ephemeral_reply.json", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: responseData(renderMessages(bot.Reply{Text: "Noted on CB-1042.", Visibility: bot.Ephemeral})[0])}},
		{"long_text.json", func() []*discordgo.WebhookParams {
			var out []*discordgo.WebhookParams
			for _, m := range renderMessages(bot.Reply{Text: long}) {
				out = append(out, webhookParams(m))
			}
			return out
		}()},
		{"modal.json", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: modal}},
		{"outcome_select.json", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: responseData(choice)}},
		{"outcome_modal.json", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: rest}},
		{"autocomplete.json", &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: renderChoices([]bot.Choice{
				{Value: "CB-1042", Label: "CB-1042  Chargeback  Kari Nordmann  order 1042"},
				{Value: "RMA-7", Label: strings.Repeat("long label ", 20)},
				{Value: strings.Repeat("x", 101)}, // too long a value: left out
			})}}},
		{"commands.json", appCommands(testSpecs())},
		{"deferred_command.json", deferred(discordgo.InteractionResponseDeferredChannelMessageWithSource)},
		{"deferred_component.json", deferred(discordgo.InteractionResponseDeferredMessageUpdate)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkGolden(t, tt.name, tt.v) })
	}
}

// Every golden payload is within Discord's limits.
func TestGoldenWithinLimits(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range checkLimits(v, "") {
			t.Errorf("%s: %s", f, p)
		}
	}
}

// checkLimits walks a JSON payload and reports what passes Discord's
// limits, by the key it is under.
func checkLimits(v any, key string) []string {
	var problems []string
	runes := func(s string) int { return utf8.RuneCountInString(s) }
	switch x := v.(type) {
	case map[string]any:
		kind, _ := x["type"].(float64)
		total := 0
		if embeds, ok := x["embeds"].([]any); ok {
			if len(embeds) > maxEmbeds {
				problems = append(problems, fmt.Sprintf("%d embeds", len(embeds)))
			}
			for _, e := range embeds {
				em := e.(map[string]any)
				t, _ := em["title"].(string)
				total += runes(t)
				fields, _ := em["fields"].([]any)
				if len(fields) > maxEmbedFields {
					problems = append(problems, fmt.Sprintf("%d fields", len(fields)))
				}
				for _, f := range fields {
					fm := f.(map[string]any)
					n, v := fm["name"].(string), fm["value"].(string)
					total += runes(n) + runes(v)
					if runes(n) > maxFieldName || runes(v) > maxFieldValue || n == "" || v == "" {
						problems = append(problems, fmt.Sprintf("field %q of %d/%d characters", n, runes(n), runes(v)))
					}
				}
			}
			if total > maxEmbedTotal {
				problems = append(problems, fmt.Sprintf("embeds of %d characters", total))
			}
		}
		if c, ok := x["components"].([]any); ok && len(c) > maxRows {
			problems = append(problems, fmt.Sprintf("%d rows", len(c)))
		}
		if kind == 1 && key == "components" { // an action row
			if c, _ := x["components"].([]any); len(c) > maxRowButtons {
				problems = append(problems, fmt.Sprintf("row of %d", len(c)))
			}
		}
		if kind == 4 && key == "components" && runes(str(x["label"])) > maxInputLabel { // a text input
			problems = append(problems, "text input label "+str(x["label"]))
		}
		limits := map[string]int{"content": maxContent, "custom_id": maxCustomID, "title": maxEmbedTitle, "description": maxEmbedDesc,
			"placeholder": maxPlaceholder, "name": maxChoiceText, "value": maxInputValue}
		if _, modal := x["custom_id"]; modal && x["title"] != nil && x["components"] != nil {
			limits["title"] = maxModalTitle
			if c, _ := x["components"].([]any); len(c) > maxModalInputs {
				problems = append(problems, fmt.Sprintf("modal of %d inputs", len(c)))
			}
		}
		if o, ok := x["options"].([]any); ok && len(o) > maxCommandOptions {
			problems = append(problems, fmt.Sprintf("%d options", len(o)))
		}
		if c, ok := x["choices"].([]any); ok && len(c) > maxChoices {
			problems = append(problems, fmt.Sprintf("%d choices", len(c)))
		}
		if _, cmd := x["options"]; cmd && runes(str(x["description"])) > maxCommandDesc {
			problems = append(problems, "description "+str(x["description"]))
		}
		if label, ok := x["label"].(string); ok && runes(label) > maxButtonLabel {
			problems = append(problems, "label "+label)
		}
		for k, max := range limits {
			if s, ok := x[k].(string); ok && runes(s) > max {
				problems = append(problems, fmt.Sprintf("%s of %d characters", k, runes(s)))
			}
		}
		for k, e := range x {
			problems = append(problems, checkLimits(e, k)...)
		}
	case []any:
		for _, e := range x {
			problems = append(problems, checkLimits(e, key)...)
		}
	}
	return problems
}

func str(v any) string { s, _ := v.(string); return s }

func TestRenderLimits(t *testing.T) {
	t.Run("long text splits at lines", func(t *testing.T) {
		text := strings.Repeat("0123456789 line\n", 300) + strings.Repeat("y", 4500)
		msgs := renderMessages(bot.Reply{Text: text, Buttons: []bot.Button{{Label: "Go", ID: "v1:l"}}})
		joined := ""
		for i, m := range msgs {
			if n := utf8.RuneCountInString(m.Content); n > maxContent {
				t.Fatalf("part %d has %d characters", i, n)
			}
			if i < len(msgs)-1 && m.Components != nil {
				t.Errorf("part %d carries the buttons", i)
			}
			if i > 0 && !strings.HasPrefix(m.Content, "0123") && !strings.HasPrefix(m.Content, "y") {
				t.Errorf("part %d starts inside a line: %.20q", i, m.Content)
			}
			joined += m.Content
		}
		if strings.Count(joined, "line") != 300 || strings.Count(joined, "y") != 4500 || msgs[len(msgs)-1].Components == nil {
			t.Errorf("text lost in the split")
		}
	})
	t.Run("embeds within 6000 characters and 25 fields", func(t *testing.T) {
		var fields []bot.Field
		for i := range 60 {
			fields = append(fields, bot.Field{Label: fmt.Sprint("F", i), Value: strings.Repeat("v", 300)})
		}
		embeds := renderEmbeds(bot.Reply{Title: "T", Fields: fields})
		b, _ := json.Marshal(map[string]any{"embeds": embeds})
		var v any
		_ = json.Unmarshal(b, &v)
		if p := checkLimits(v, ""); len(p) > 0 {
			t.Fatal(p)
		}
		last := embeds[len(embeds)-1].Fields
		if !strings.Contains(last[len(last)-1].Value, "more not shown") {
			t.Errorf("no note that more is not shown")
		}
	})
	t.Run("25 buttons at most, ids unique", func(t *testing.T) {
		var buttons []bot.Button
		for i := range 30 {
			buttons = append(buttons, bot.Button{Label: strings.Repeat("L", 100), ID: fmt.Sprint("v1:s CB-", i%28)})
		}
		rows := buttonRows(buttons)
		n := 0
		for _, r := range rows {
			n += len(r.(discordgo.ActionsRow).Components)
		}
		if len(rows) != maxRows || n != 25 {
			t.Errorf("%d rows, %d buttons", len(rows), n)
		}
	})
}

func TestIncoming(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/case assign CB-1 <@123>", "/case assign CB-1 @123"},
		{"ask <@!456> in <#789>", "ask @456 in #789"},
		{"role <@&42>", "role @&42"},
		{"mail kari@example.com <notatag>", "mail kari@example.com <notatag>"},
	}
	for _, tt := range tests {
		if got := incoming(tt.in); got != tt.want {
			t.Errorf("incoming(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestGroupMentionRendered: the core's group token is a role mention, and
// the message may ping that role and no other.
func TestGroupMentionRendered(t *testing.T) {
	msgs := renderMessages(bot.Reply{Text: "⏰ CB-1: due in 4h " + bot.GroupMention("123456789012345678") + " " + bot.Mention("111")})
	send := messageSend(msgs[0])
	if want := "⏰ CB-1: due in 4h <@&123456789012345678> <@111>"; send.Content != want {
		t.Errorf("content %q, want %q", send.Content, want)
	}
	am := send.AllowedMentions
	if !slices.Equal(am.Roles, []string{"123456789012345678"}) || !slices.Equal(am.Parse, []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}) {
		t.Errorf("allowed mentions %+v, want users and role 123456789012345678", am)
	}
	if got := messageSend(renderMessages(bot.Reply{Text: "no group"})[0]).AllowedMentions.Roles; got != nil {
		t.Errorf("a message without a group may ping roles %q", got)
	}
}
