// Package console runs the bot on standard input and output: the zero-config
// way to use disputedesk, and the harness the end-to-end tests drive. Each
// line is a command typed exactly as in chat.
package console

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/bot"
)

// maxLine bounds one input line, as chat platforms bound a message.
const maxLine = 64 << 10

// Adapter reads commands from In and writes replies to Out.
type Adapter struct {
	In  io.Reader
	Out io.Writer
	// User is who is typing.
	User string
	// Prompt, when set, is written before each line is read: set it when a
	// person types at a terminal, leave it empty for scripts.
	Prompt string
	// Now stamps requests; nil means time.Now.
	Now func() time.Time
}

var _ bot.Adapter = (*Adapter)(nil)

// Run answers each line in order until the input ends (returning nil) or ctx
// is done.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	now := a.Now
	if now == nil {
		now = time.Now
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() { // Reading stdin cannot be interrupted; the goroutine ends with the input.
		sc := bufio.NewScanner(a.In)
		sc.Buffer(make([]byte, 0, 4096), maxLine)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	session := strconv.FormatInt(now().UnixNano(), 36)
	for n := 1; ; n++ {
		if a.Prompt != "" {
			fmt.Fprint(a.Out, a.Prompt)
		}
		var line string
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("console: read input: %w", err)
				}
				return nil
			}
			line = strings.TrimSpace(l)
		}
		if line == "" {
			continue
		}
		if !utf8.ValidString(line) {
			fmt.Fprintln(a.Out, "That line is not valid UTF-8 text; check your terminal's encoding.")
			continue
		}
		req := &bot.Request{
			ID:        session + "-" + strconv.Itoa(n),
			Platform:  bot.PlatformConsole,
			Workspace: bot.PlatformConsole,
			Channel:   bot.PlatformConsole,
			User:      a.User,
			UserName:  a.User,
			Text:      line,
			At:        now(),
		}
		streamed := false
		if a.Prompt != "" { // a person is watching: show a draft as it is written
			req.Progress = func(text string) {
				if !streamed {
					fmt.Fprint(a.Out, "… ")
					streamed = true
				}
				fmt.Fprint(a.Out, text)
			}
		}
		reply, err := h.Handle(ctx, req)
		if err != nil {
			return fmt.Errorf("console: %w", err)
		}
		if streamed {
			fmt.Fprintln(a.Out)
		}
		if _, err := io.WriteString(a.Out, Render(reply)); err != nil {
			return fmt.Errorf("console: write reply: %w", err)
		}
	}
}

// Render writes a reply as plain text: its text, its fields as an aligned
// table and its sections, each under its title, and a line naming its
// image with the image's alt text, with mentions as @name and groups as
// @group:id.
func Render(r bot.Reply) string {
	return bot.RenderMentions(render(r), func(s string) string { return s }, func(user string) string { return "@" + user },
		func(group string) string { return "@group:" + group })
}

func render(r bot.Reply) string {
	var b strings.Builder
	b.WriteString(r.Text)
	b.WriteByte('\n')
	width := 0
	for _, f := range r.Fields {
		width = max(width, utf8.RuneCountInString(f.Label))
	}
	for _, f := range r.Fields {
		pad := width - utf8.RuneCountInString(f.Label)
		fmt.Fprintf(&b, "  %s%s  %s\n", f.Label, strings.Repeat(" ", pad), f.Value)
	}
	for _, s := range r.Sections {
		if s.Title != "" {
			b.WriteString(s.Title + "\n")
		}
		for _, l := range s.Lines {
			b.WriteString("  " + l + "\n")
		}
	}
	if img := r.Image; img != nil {
		// A terminal shows no picture: say that there is one and what it shows.
		fmt.Fprintf(&b, "[image %s: %s]\n", img.Name, cmp.Or(strings.TrimSpace(img.Alt), "no description"))
	}
	return b.String()
}
