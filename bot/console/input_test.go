package console

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// echo answers each request with its text, as a note's timeline line would.
var echo = bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
	return bot.Reply{Text: req.Text}, nil
})

func TestRunJoinsContinuationLines(t *testing.T) {
	var got []string
	h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		got = append(got, req.Text)
		return bot.Reply{Text: "ok"}, nil
	})
	in := "/case note CB-1 First paragraph.\\\n\\\nSecond paragraph.\n/case list\n/case note CB-1 unfinished \\"
	a := &Adapter{In: strings.NewReader(in), Out: io.Discard}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	want := []string{"/case note CB-1 First paragraph.\n\nSecond paragraph.", "/case list", "/case note CB-1 unfinished"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("requests %q, want %q", got, want)
	}
}

func TestRenderEscapesControlCharacters(t *testing.T) {
	got := Render(bot.Reply{Text: "note: \x1b[2Jgone\rover\x07 tab\there\u0085", Sections: []bot.Section{{Lines: []string{"a\x00b"}}}})
	want := "note: \\x1b[2Jgone\\rover\\a tab\there\\u0085\n  a\\x00b\n"
	if got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}

// fakeLines is a LineReader that records the prompts it was given.
type fakeLines struct {
	lines   []string
	prompts []string
}

func (f *fakeLines) ReadLine(prompt string) (string, error) {
	f.prompts = append(f.prompts, prompt)
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	l := f.lines[0]
	f.lines = f.lines[1:]
	return l, nil
}

func TestRunReadsFromLineReader(t *testing.T) {
	lines := &fakeLines{lines: []string{"/case note CB-1 a\\", "b", "/case list"}}
	var out strings.Builder
	a := &Adapter{Lines: lines, Out: &out, Prompt: "> "}
	if err := a.Run(context.Background(), echo); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "/case note CB-1 a\nb\n/case list\n"; got != want {
		t.Errorf("output %q, want %q: the line reader shows the prompt", got, want)
	}
	if got, want := strings.Join(lines.prompts, "|"), "> |"+continuePrompt+"|> |> "; got != want {
		t.Errorf("prompts %q, want %q", got, want)
	}
}

func TestRunDoesNotRepeatAStreamedDraft(t *testing.T) {
	body := "Hei Kari,\nbeklager!"
	h := bot.HandlerFunc(func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		req.Progress(body) // the offline drafter streams its whole body at once
		return bot.Reply{Text: "Draft 1 for RMA-1", Sections: []bot.Section{{Title: "Draft 1", Lines: strings.Split(body, "\n")}}}, nil
	})
	var out strings.Builder
	a := &Adapter{In: strings.NewReader("/case draft RMA-1\n"), Out: &out, Prompt: "> "}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "beklager!"); n != 1 {
		t.Errorf("the draft is shown %d times, want once:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "Draft 1\n  (shown above)\n") {
		t.Errorf("the draft's section does not point to the streamed text:\n%s", out.String())
	}
}

func TestRenderIndentsAParagraphBreak(t *testing.T) {
	got := Render(bot.Reply{Text: "CB-1", Sections: []bot.Section{{Title: "Timeline", Lines: []string{"@kari  note: Called.\n\nShe sends photos."}}}})
	if want := "CB-1\nTimeline\n  @kari  note: Called.\n\n    She sends photos.\n"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}
