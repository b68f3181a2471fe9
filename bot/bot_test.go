package bot_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/golden"

	"github.com/disputedesk/disputedesk/bot"
)

// fullReply sets every field a stored reply can hold.
var fullReply = bot.Reply{
	Text:       "<@U1> opened CB-1001: chargeback for Kari Nordmann.",
	Title:      "CB-1001 · Chargeback",
	Fields:     []bot.Field{{Label: "Status", Value: "open"}},
	Sections:   []bot.Section{{Title: "Next step", Lines: []string{"acknowledge  Acknowledge the dispute"}}},
	Buttons:    []bot.Button{{Label: "Close", Command: "/case close CB-1001", ID: "v1:c CB-1001", Style: "danger"}},
	Visibility: bot.Ephemeral,
	Form: &bot.Form{Title: "Close CB-1001", Submit: "Close case", Command: "/case close CB-1001", ID: "v1:c CB-1001", Fields: []bot.FormField{
		{Name: "outcome", Label: "Outcome", Hint: "how it ended", Required: true, Options: []bot.Option{{Value: "won", Label: "Won"}}, Value: "won"},
	}},
	Failed: true,
	Image:  &bot.Image{Name: "chart.png", Alt: "Open cases per day: 3, 5, 4", PNG: []byte("\x89PNG\r\n\x1a\n")},
}

// TestStoredReplyForm pins the JSON of a stored reply (a retried request's
// first answer, an outbox message): changing it strands what is stored.
func TestStoredReplyForm(t *testing.T) {
	got, err := json.MarshalIndent(fullReply, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/reply.json", append(got, '\n'))
	want, err := os.ReadFile("testdata/reply.json")
	if err != nil {
		t.Fatal(err)
	}
	var back bot.Reply
	if err := json.Unmarshal(want, &back); err != nil || !reflect.DeepEqual(back, fullReply) {
		t.Errorf("testdata/reply.json reads back as %+v, %v", back, err)
	}
}

// TestStoredReplyBeforeTags: replies stored before the JSON tags (Go's
// field names as keys) still read back whole.
func TestStoredReplyBeforeTags(t *testing.T) {
	type untagged struct { // bot.Reply as it was stored, without tags
		Text, Title string
		Fields      []struct{ Label, Value string }
		Sections    []struct {
			Title string
			Lines []string
		}
		Buttons    []struct{ Label, Command, ID, Style string }
		Visibility int
		Form       *struct {
			Title, Submit, Command, ID string
			Fields                     []struct {
				Name, Label, Hint string
				Required          bool
				Options           []struct{ Value, Label string }
				Value             string
			}
		}
		Failed bool
	}
	tagged, _ := json.Marshal(fullReply)
	var old untagged
	if err := json.Unmarshal(tagged, &old); err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(old)
	if !strings.Contains(string(stored), `"Text":`) {
		t.Fatalf("the untagged form should use Go's names: %s", stored)
	}
	// Images came after the tags: an untagged reply has none.
	want := fullReply
	want.Image = nil
	var back bot.Reply
	if err := json.Unmarshal(stored, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Errorf("an untagged stored reply reads back as\n%+v, %v\nwant\n%+v", back, err, want)
	}
}

func TestMentions(t *testing.T) {
	plain := func(s string) string { return s }
	at := func(user string) string { return "@" + user }
	for _, tc := range []struct{ in, want string }{
		{bot.Mention("U1") + " opened CB-1", "@U1 opened CB-1"},
		{"by " + bot.Mention("kari") + ", " + bot.Mention("ola.n") + ".", "by @kari, @ola.n."},
		{"mail kari@example.com, <b>", "mail kari@example.com, <b>"},
		{"<@U1|kari> is Slack's markup, not the token", "<@U1|kari> is Slack's markup, not the token"},
		{"", ""},
	} {
		if got := bot.Mentions(tc.in, plain, at); got != tc.want {
			t.Errorf("Mentions(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := bot.Mentions("a<b "+bot.Mention("U1")+" c>d", strings.ToUpper, at); got != "A<B @U1 C>D" {
		t.Errorf("text runs are not rendered by text: %q", got)
	}
}

func TestCheckImage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		img       *bot.Image
		permanent bool
	}{
		{"no image", nil, false},
		{"a chart", &bot.Image{Name: "chart.png", PNG: make([]byte, bot.MaxImageBytes)}, false},
		{"too large", &bot.Image{Name: "chart.png", PNG: make([]byte, bot.MaxImageBytes+1)}, true},
		{"no bytes", &bot.Image{Name: "chart.png"}, true},
		{"no name", &bot.Image{PNG: []byte("x")}, true},
	} {
		err := bot.CheckImage(tc.img)
		de, ok := errors.AsType[*bot.DeliveryError](err)
		if tc.permanent != (ok && de.Permanent) || (!tc.permanent && err != nil) {
			t.Errorf("%s: CheckImage = %v, want permanent %v", tc.name, err, tc.permanent)
		}
	}
}

// TestGroupMentions: group tokens are told apart from user tokens, and
// Mentions, which knows only users, writes a group as text.
func TestGroupMentions(t *testing.T) {
	plain := func(s string) string { return s }
	user := func(id string) string { return "U(" + id + ")" }
	group := func(id string) string { return "G(" + id + ")" }
	in := "due " + bot.GroupMention("S0123ABC") + " " + bot.Mention("U1") + " " + bot.GroupMention("123456")
	if got, want := bot.RenderMentions(in, plain, user, group), "due G(S0123ABC) U(U1) G(123456)"; got != want {
		t.Errorf("RenderMentions = %q, want %q", got, want)
	}
	if got, want := bot.Mentions(in, strings.ToUpper, user), "DUE @GROUP:S0123ABC U(U1) @GROUP:123456"; got != want {
		t.Errorf("Mentions = %q, want %q", got, want)
	}
	if got, want := bot.MentionedGroups(in+" "+bot.GroupMention("S0123ABC")), []string{"S0123ABC", "123456"}; !slices.Equal(got, want) {
		t.Errorf("MentionedGroups = %q, want %q", got, want)
	}
	if got := bot.MentionedGroups(bot.Mention("U1") + " <@&> <@&a b>"); len(got) != 0 {
		t.Errorf("MentionedGroups of no group token = %q", got)
	}
}
