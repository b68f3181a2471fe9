package console

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/internal/golden"

	"github.com/disputedesk/disputedesk/bot"
)

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(got))
}

func TestRender(t *testing.T) {
	reply := bot.Reply{
		Text:  "CB-1001 · Chargeback · closed",
		Title: "CB-1001 · Chargeback",
		Fields: []bot.Field{
			{Label: "Status", Value: "closed"},
			{Label: "Kunde", Value: "Kari Nordmann, Trondheim, æøå"},
			{Label: "Amount", Value: "EUR 49.90"},
		},
		Sections: []bot.Section{
			{Title: "Timeline", Lines: []string{"2026-11-22 09:30 UTC  @kari  opened", "2026-11-22 11:30 UTC  @ola  closed: won"}},
			{Lines: []string{"untitled section line"}},
		},
	}
	checkGolden(t, "card.txt", Render(reply))
}

// TestRenderMentions: users as @id, groups as @group:id, no raw token.
func TestRenderMentions(t *testing.T) {
	got := Render(bot.Reply{Text: "due " + bot.Mention("kari") + " " + bot.GroupMention("oncall")})
	if want := "due @kari @group:oncall\n"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}

func TestRunAnswersEachLineInOrder(t *testing.T) {
	var seen []*bot.Request
	h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		seen = append(seen, req)
		return bot.Reply{Text: "got " + req.Text}, nil
	})
	var out strings.Builder
	a := &Adapter{In: strings.NewReader("/case list\n\n   \n/case show CB-1001\n/case note CB-1001 æøå"), Out: &out, User: "kari"}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := "got /case list\ngot /case show CB-1001\ngot /case note CB-1001 æøå\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(seen) != 3 {
		t.Fatalf("%d requests, want 3 (blank lines skipped)", len(seen))
	}
	ids := map[string]bool{}
	for _, r := range seen {
		if r.User != "kari" || r.Platform != bot.PlatformConsole || r.At.IsZero() {
			t.Errorf("request %+v lacks user, platform or time", r)
		}
		if ids[r.ID] {
			t.Errorf("request id %q used twice: a retry would be mistaken for it", r.ID)
		}
		ids[r.ID] = true
	}
}

func TestRunPromptsWhenInteractive(t *testing.T) {
	var out strings.Builder
	a := &Adapter{In: strings.NewReader("/case list\n"), Out: &out, User: "kari", Prompt: "> "}
	h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{Text: "ok"}, nil })
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "> ok\n> "; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestRunRejectsInvalidUTF8(t *testing.T) {
	var out strings.Builder
	called := false
	h := bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { called = true; return bot.Reply{}, nil })
	a := &Adapter{In: strings.NewReader("/case note CB-1 \xff\xfe\n"), Out: &out}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if called || !strings.Contains(out.String(), "not valid UTF-8") {
		t.Errorf("handler called %v, output %q", called, out.String())
	}
}

func TestRunStopsWithContext(t *testing.T) {
	r, w, err := os.Pipe() // input that never ends
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := &Adapter{In: r, Out: &strings.Builder{}}
	if err := a.Run(ctx, bot.HandlerFunc(func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, nil })); err != context.Canceled {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

func TestRunShowsProgressWhenInteractive(t *testing.T) {
	h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		if req.Progress == nil {
			return bot.Reply{Text: "no progress"}, nil
		}
		req.Progress("Hei Kari, ")
		req.Progress("beklager!")
		return bot.Reply{Text: "Draft 1"}, nil
	})
	var out strings.Builder
	a := &Adapter{In: strings.NewReader("/case draft RMA-1\n"), Out: &out, Prompt: "> "}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "> … Hei Kari, beklager!\nDraft 1\n> "; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	// A script gets only the replies.
	out.Reset()
	a = &Adapter{In: strings.NewReader("/case draft RMA-1\n"), Out: &out}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "no progress\n" {
		t.Errorf("scripted output %q", got)
	}
}

func TestRenderImage(t *testing.T) {
	reply := bot.Reply{Text: "Daily summary: 4 open", Image: &bot.Image{Name: "chart.png", Alt: "Open cases per day: 3, 5, 4", PNG: []byte("\x89PNG")}}
	want := "Daily summary: 4 open\n[image chart.png: Open cases per day: 3, 5, 4]\n"
	if got := Render(reply); got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	reply.Image.Alt = ""
	if got := Render(reply); !strings.Contains(got, "[image chart.png: no description]") {
		t.Errorf("Render without alt text = %q", got)
	}
}
