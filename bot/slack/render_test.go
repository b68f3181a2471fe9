package slack

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/golden"
)

// checkGolden compares v, as indented JSON, with testdata/name.
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	golden.JSON(t, filepath.Join("testdata", name), v)
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"case_card.json", bot.Reply{
			Text:  "<@U123ABC> opened CB-1042: CB-1042 · Chargeback",
			Title: "CB-1042 · Chargeback",
			Fields: []bot.Field{
				{Label: "Status", Value: "open"},
				{Label: "Customer", Value: "Kari Nordmann, Trondheim, æøå"},
				{Label: "Order", Value: "1042"},
				{Label: "Dispute reason", Value: "Product not received (Visa 13.1, Mastercard 4855)"},
				{Label: "Payment processor", Value: "Stripe"},
				{Label: "Amount", Value: "EUR 49.90"},
				{Label: "Opened", Value: "2026-11-22 10:30 CET by <@U123ABC>"},
			},
			Sections: []bot.Section{
				{Title: "Next step", Lines: []string{
					"acknowledge  Acknowledge and log the dispute (agent)",
					"Log the dispute the day it arrives & copy the processor's response date into due_by.",
					"[ ] 1. Record processor, reason and dispute_id (/case set REF processor=... reason=...)",
					"[x] 2. Copy the response date into due_by",
					"/case done CB-1042 acknowledge when it is finished",
				}},
				{Title: "Deadlines", Lines: []string{
					"Evidence due to the processor: 2026-12-01 23:59 CET, 9d 11h left (field due_by)",
					"Bank decision expected (chase if none): 2027-02-14 23:59 CET, 84d 11h left (field due_by + 75 calendar days)",
				}},
			},
			Buttons: []bot.Button{
				{Label: "Mark acknowledge done", Command: "/case done CB-1042 acknowledge", ID: "v1:d CB-1042 acknowledge", Style: "primary"},
				{Label: "Draft reply", Command: "/case draft CB-1042", ID: "v1:dr CB-1042"},
				{Label: "Assign to me", Command: "/case assign CB-1042 @me", ID: "v1:a CB-1042 @me"},
				{Label: "Close", Command: "/case close CB-1042", ID: "v1:c CB-1042", Style: "danger"},
			},
		}},
		{"confirmation.json", bot.Reply{Text: "Noted on CB-1042.", Visibility: bot.Ephemeral}},
		{"list.json", bot.Reply{
			Text: "Open cases:",
			Sections: []bot.Section{{Lines: []string{
				"CB-1042  Chargeback  Kari Nordmann  due 2026-12-01 (9d)",
				"RMA-7  Return  <damaged> parcel  assigned to <@U999XYZ>",
				"SUP-3  Supplier dispute  ACME Ltd & Co",
			}}},
			Visibility: bot.Ephemeral,
		}},
		{"error.json", bot.Reply{
			Text:       "Something went wrong on our side (ref 1a2b3c4d). Nothing was changed; please try again, and give the ref to your admin if it keeps happening.",
			Visibility: bot.Ephemeral,
		}},
		{"user_error.json", bot.Reply{
			Text:       "unknown command /case opn. Did you mean /case open?\nUsage: /case open <playbook> [key=value ...]",
			Visibility: bot.Ephemeral,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.name, renderMessage(tt.reply))
		})
	}
}

func TestRenderModalGolden(t *testing.T) {
	form := &bot.Form{
		Title:   "New chargeback",
		Submit:  "Open case",
		Command: "/case open chargeback",
		ID:      "v1:o chargeback",
		Fields: []bot.FormField{
			{Name: "customer", Label: "Customer", Hint: "Name as on the order", Required: true},
			{Name: "order", Label: "Order", Required: true, Value: "1042"},
			{Name: "reason", Label: "Dispute reason", Required: true, Value: "product_not_received", Options: []bot.Option{
				{Value: "fraudulent", Label: "Fraudulent"},
				{Value: "product_not_received", Label: "Product not received"},
				{Value: "product_unacceptable", Label: "Product unacceptable"},
			}},
			{Name: "amount", Label: "Amount", Hint: "e.g. EUR 49.90"},
		},
	}
	checkGolden(t, "modal.json", renderModal(form, formMeta{Command: formAction(form), Channel: "C1"}))
}

func TestMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"<@U123ABC> opened CB-1", "<@U123ABC> opened CB-1"}, // the core's mention token
		{"by <@U123ABC>, <@W0ABCDEF>.", "by <@U123ABC>, <@W0ABCDEF>."},
		{"mail kari@U123ABC.no", "mail kari@U123ABC.no"},
		{"@kari and @U123ABC are text", "@kari and @U123ABC are text"},
		{"<<@U123ABC>> & <b>", "&lt;<@U123ABC>&gt; &amp; &lt;b&gt;"},
		{"<@U1|kari> is no token", "&lt;@U1|kari&gt; is no token"},
		{"due <@&S0123ABC> <@U1>", "due <!subteam^S0123ABC> <@U1>"}, // the core's group token
		{"<@&S0123ABC|x> is no token", "&lt;@&amp;S0123ABC|x&gt; is no token"},
	}
	for _, tt := range tests {
		if got := mrkdwn(tt.in); got != tt.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIncomingText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"order 1042 &amp; 1043 &lt;urgent&gt;", "order 1042 & 1043 <urgent>"},
		{"ask <@U999XYZ> or <@U1|kari>", "ask @U999XYZ or @U1"},
		// What the core parses as a mention (commands.Parse): "@id".
		{"/case assign CB-1001 <@U024BE7LH|kari>", "/case assign CB-1001 @U024BE7LH"},
		{"in <#C123|disputes> <!here>", "in #disputes @here"},
		// A user group keeps its id, in the form Discord's roles take.
		{"/case oncall <!subteam^S0123ABC|@support-oncall>", "/case oncall @&S0123ABC"},
		{"ping <!subteam^S0123ABC>", "ping @&S0123ABC"},
		// A link with a label of its own keeps its URL; one Slack made of
		// what the user typed is what they typed.
		{"see <https://example.com/o/1042|order 1042> or <https://example.com>", "see order 1042 (https://example.com/o/1042) or https://example.com"},
		{"typed <http://example.com/o/1042|example.com/o/1042>", "typed example.com/o/1042"},
		{"typed <https://example.com|https://example.com>", "typed https://example.com"},
		// As a key=value value, the URL alone, so the value stays one word.
		{"/case evidence CB-1 kind=tracking ref=<https://t.example/1Z99|tracking>", "/case evidence CB-1 kind=tracking ref=https://t.example/1Z99"},
		{"mail <mailto:kari@example.com|kari@example.com>", "mail kari@example.com"},
		{"&amp;lt; stays literal", "&lt; stays literal"},
	}
	for _, tt := range tests {
		if got := incomingText(tt.in); got != tt.want {
			t.Errorf("incomingText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncateMrkdwn(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 5, "abcd…"},
		{"æøåæøåæøå", 4, "æøå…"},
		{"ab &amp; cd", 6, "ab …"},
		{"ab <@U123> cd", 8, "ab …"},
		{"ab &amp; cd", 10, "ab &amp; …"},
	}
	for _, tt := range tests {
		got := truncateMrkdwn(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("truncateMrkdwn(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.max {
			t.Errorf("truncateMrkdwn(%q, %d) has %d characters", tt.in, tt.max, n)
		}
	}
}

func TestRenderLimits(t *testing.T) {
	t.Run("fields split by ten", func(t *testing.T) {
		var fields []bot.Field
		for i := range 23 {
			fields = append(fields, bot.Field{Label: fmt.Sprint("F", i), Value: "v"})
		}
		msg := renderMessage(bot.Reply{Text: "x", Fields: fields})
		var counts []int
		for _, b := range msg.Blocks {
			if s, ok := b.(*slack.SectionBlock); ok && len(s.Fields) > 0 {
				counts = append(counts, len(s.Fields))
			}
		}
		if fmt.Sprint(counts) != "[10 10 3]" {
			t.Errorf("fields per section = %v, want [10 10 3]", counts)
		}
	})
	t.Run("long section split under 3000 characters", func(t *testing.T) {
		lines := make([]string, 200)
		for i := range lines {
			lines[i] = fmt.Sprintf("line %03d %s", i, strings.Repeat("x", 40))
		}
		lines = append(lines, strings.Repeat("y", 5000))
		msg := renderMessage(bot.Reply{Text: "x", Sections: []bot.Section{{Title: "Timeline", Lines: lines}}})
		var all []string
		for _, b := range msg.Blocks[1:] {
			text := b.(*slack.SectionBlock).Text.Text
			if n := utf8.RuneCountInString(text); n > maxTextObject {
				t.Fatalf("section of %d characters", n)
			}
			all = append(all, text)
		}
		joined := strings.Join(all, "\n")
		if !strings.HasPrefix(joined, "*Timeline*\nline 000") || !strings.Contains(joined, "line 199") || !strings.HasSuffix(joined, "y…") {
			t.Errorf("sections lost lines: %.200s … %.100s", joined, joined[len(joined)-100:])
		}
	})
	t.Run("at most 50 blocks, buttons kept", func(t *testing.T) {
		var sections []bot.Section
		for i := range 80 {
			sections = append(sections, bot.Section{Title: fmt.Sprint("S", i), Lines: []string{"l"}})
		}
		msg := renderMessage(bot.Reply{Text: "x", Sections: sections, Buttons: []bot.Button{{Label: "Go", Command: "/case list"}}})
		if len(msg.Blocks) != maxBlocks {
			t.Fatalf("%d blocks, want %d", len(msg.Blocks), maxBlocks)
		}
		if _, ok := msg.Blocks[maxBlocks-1].(*slack.ActionBlock); !ok {
			t.Errorf("last block is %T, want the actions", msg.Blocks[maxBlocks-1])
		}
		if s := msg.Blocks[maxBlocks-2].(*slack.SectionBlock); !strings.Contains(s.Text.Text, "more not shown") {
			t.Errorf("no truncation note: %q", s.Text.Text)
		}
	})
	t.Run("buttons", func(t *testing.T) {
		var buttons []bot.Button
		for i := range 30 {
			buttons = append(buttons, bot.Button{Label: strings.Repeat("L", 100), Command: fmt.Sprint("/case show CB-", i)})
		}
		buttons = append(buttons, bot.Button{Label: "too long", Command: "/case note CB-1 " + strings.Repeat("z", 2000)})
		msg := renderMessage(bot.Reply{Text: "x", Buttons: buttons})
		ids := map[string]bool{}
		var per []int
		for _, b := range msg.Blocks {
			ab, ok := b.(*slack.ActionBlock)
			if !ok {
				continue
			}
			per = append(per, len(ab.Elements.ElementSet))
			for _, e := range ab.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				if n := utf8.RuneCountInString(btn.Text.Text); n > maxButtonText {
					t.Errorf("button text of %d characters", n)
				}
				if ids[btn.ActionID] {
					t.Errorf("action_id %s twice", btn.ActionID)
				}
				ids[btn.ActionID] = true
			}
		}
		if fmt.Sprint(per) != "[25 5]" {
			t.Errorf("buttons per actions block = %v, want [25 5] (the one too long left out)", per)
		}
	})
	t.Run("a button carries its action id, else its command", func(t *testing.T) {
		msg := renderMessage(bot.Reply{Text: "x", Buttons: []bot.Button{
			{Label: "Close", Command: "/case close CB-1", ID: "v1:c CB-1"},
			{Label: "Open", Command: `/case open return order="` + strings.Repeat("9", 120) + `"`}, // too long for an id
		}})
		var values []string
		for _, e := range msg.Blocks[1].(*slack.ActionBlock).Elements.ElementSet {
			values = append(values, e.(*slack.ButtonBlockElement).Value)
		}
		if len(values) != 2 || values[0] != "v1:c CB-1" || !strings.HasPrefix(values[1], "/case open return") {
			t.Errorf("values = %q", values)
		}
	})
	t.Run("header", func(t *testing.T) {
		msg := renderMessage(bot.Reply{Text: "x", Title: strings.Repeat("T", 200)})
		h := msg.Blocks[0].(*slack.HeaderBlock)
		if n := utf8.RuneCountInString(h.Text.Text); n != maxHeader || h.Text.Type != slack.PlainTextType {
			t.Errorf("header of %d characters, type %s", n, h.Text.Type)
		}
	})
	t.Run("text only has no blocks", func(t *testing.T) {
		msg := renderMessage(bot.Reply{Text: "ok"})
		if msg.Blocks != nil || msg.Text != "ok" || msg.ResponseType != "in_channel" {
			t.Errorf("got %+v", msg)
		}
	})
	t.Run("fallback text from title", func(t *testing.T) {
		if msg := renderMessage(bot.Reply{Title: "CB-1 · Chargeback"}); msg.Text != "CB-1 · Chargeback" {
			t.Errorf("text = %q", msg.Text)
		}
	})
}

func TestFormMeta(t *testing.T) {
	m := formMeta{Command: "/case close CB-1", Channel: "C1", Thread: "1.2"}
	if got := decodeFormMeta(encodeFormMeta(m)); got != m {
		t.Errorf("round trip = %+v", got)
	}
	if got := decodeFormMeta("/case open return"); got.Command != "/case open return" {
		t.Errorf("bare command = %+v", got)
	}
	long := formMeta{Command: strings.Repeat("c", 2980), Channel: "C1", Thread: "1.2"}
	s := encodeFormMeta(long)
	if got := decodeFormMeta(s); len(s) > maxPrivateMetadata || got.Command != long.Command {
		t.Errorf("metadata of %d bytes, command kept %v", len(s), got.Command == long.Command)
	}
}

// TestGroupMentionRendered: a reminder's group mention pings the user group
// in the blocks and in the notification text, and a header in plain_text
// shows no raw token.
func TestGroupMentionRendered(t *testing.T) {
	msg := renderMessage(bot.Reply{Text: "⏰ CB-1: due in 4h " + bot.GroupMention("S0123ABC"), Title: "CB-1 " + bot.GroupMention("S0123ABC")})
	if want := "⏰ CB-1: due in 4h <!subteam^S0123ABC>"; msg.Text != want {
		t.Errorf("fallback text %q, want %q", msg.Text, want)
	}
	b, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	blocks := string(b)
	for _, want := range []string{`due in 4h \u003c!subteam^S0123ABC\u003e`, `"text":"CB-1 @group:S0123ABC"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %s:\n%s", want, blocks)
		}
	}
	if strings.Contains(blocks, "@\u0026") || strings.Contains(blocks, "@&amp;") {
		t.Errorf("blocks leak the core's token:\n%s", blocks)
	}
}
