// Package console runs the bot on standard input and output: the zero-config
// way to use disputedesk, and the harness the end-to-end tests drive. Each
// line is a command typed exactly as in chat.
package console

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/bot"
)

// maxLine bounds one input line, as chat platforms bound a message.
const maxLine = 64 << 10

// continuePrompt is shown, at a terminal, for the next line of a command
// whose line ended in a backslash.
const continuePrompt = "... "

// LineReader reads one line after showing prompt, returning io.EOF at the
// end of the input. Terminal is one, with line editing and history.
type LineReader interface {
	ReadLine(prompt string) (string, error)
}

// Adapter reads commands from Lines, or from In when Lines is nil, and
// writes replies to Out.
type Adapter struct {
	In    io.Reader
	Lines LineReader
	Out   io.Writer
	// User is who is typing.
	User string
	// Zone is the typist's IANA time zone (TZ), for times that belong to
	// no zone of a case's; empty is UTC.
	Zone string
	// Prompt, when set, is shown before each line is read: set it when a
	// person types at a terminal, leave it empty for scripts.
	Prompt string
	// Now stamps requests; nil means time.Now.
	Now func() time.Time
}

var _ bot.Adapter = (*Adapter)(nil)

// Run answers each command in order until the input ends (returning nil) or
// ctx is done. A line ending in a backslash continues on the next line, so a
// note can have paragraphs: the lines are joined with line breaks.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	now := a.Now
	if now == nil {
		now = time.Now
	}
	read := a.newReader()
	type result struct {
		line string
		err  error
	}
	// Reading stdin cannot be interrupted, so a goroutine reads, one line
	// per ask: the prompt must not show before the previous reply has.
	asks := make(chan string)
	results := make(chan result, 1)
	defer close(asks)
	go func() {
		for prompt := range asks {
			l, err := read(prompt)
			results <- result{l, err}
		}
	}()
	next := func(prompt string) (string, error) {
		select {
		case asks <- prompt:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		select {
		case r := <-results:
			return r.line, r.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	session := strconv.FormatInt(now().UnixNano(), 36)
	for n := 1; ; n++ {
		line, err := a.readCommand(next)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("console: read input: %w", err)
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
			Zone:      a.Zone,
			Text:      line,
			At:        now(),
		}
		var streamed strings.Builder
		if a.Prompt != "" { // a person is watching: show a draft as it is written
			req.Progress = func(text string) {
				if streamed.Len() == 0 {
					fmt.Fprint(a.Out, "… ")
				}
				streamed.WriteString(text)
				fmt.Fprint(a.Out, visible(text))
			}
		}
		reply, err := h.Handle(ctx, req)
		if err != nil {
			return fmt.Errorf("console: %w", err)
		}
		if streamed.Len() > 0 {
			fmt.Fprintln(a.Out)
			reply = withoutShown(reply, streamed.String())
		}
		if _, err := io.WriteString(a.Out, Render(reply)); err != nil {
			return fmt.Errorf("console: write reply: %w", err)
		}
	}
}

// newReader returns Lines' ReadLine, or one that scans In and writes the
// prompt to Out.
func (a *Adapter) newReader() func(prompt string) (string, error) {
	if a.Lines != nil {
		return a.Lines.ReadLine
	}
	sc := bufio.NewScanner(a.In)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	return func(prompt string) (string, error) {
		if prompt != "" {
			fmt.Fprint(a.Out, prompt)
		}
		if sc.Scan() {
			return sc.Text(), nil
		}
		return "", cmp.Or(sc.Err(), io.EOF)
	}
}

// readCommand reads one command: a line, and the lines that follow while
// each ends in a backslash. Input that ends after a backslash ends the
// command there.
func (a *Adapter) readCommand(next func(string) (string, error)) (string, error) {
	var lines []string
	prompt := a.Prompt
	for {
		l, err := next(prompt)
		if errors.Is(err, io.EOF) && len(lines) > 0 {
			break
		}
		if err != nil {
			return "", err
		}
		l = strings.TrimRight(l, " \t\r")
		body, more := strings.CutSuffix(l, `\`)
		lines = append(lines, strings.TrimRight(body, " \t"))
		if !more {
			break
		}
		if a.Prompt != "" {
			prompt = continuePrompt
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n")), nil
}

// withoutShown returns r with the section that holds shown, text already
// streamed to the terminal as it was written, pointing up to it instead of
// repeating it. A draft that replaced what was streamed is shown in full.
func withoutShown(r bot.Reply, shown string) bot.Reply {
	shown = strings.TrimSpace(shown)
	sections := slices.Clone(r.Sections)
	for i, s := range sections {
		if strings.TrimSpace(strings.Join(s.Lines, "\n")) == shown {
			sections[i].Lines = []string{"(shown above)"}
			r.Sections = sections
			return r
		}
	}
	return r
}

// Render writes a reply as plain text: its text, its fields as an aligned
// table and its sections, each under its title, and a line naming its
// image with the image's alt text, with mentions as @name and groups as
// @group:id. Control characters other than line breaks and tabs are shown
// escaped, as \x1b: typed into a note, they would otherwise move the cursor,
// clear the screen or retitle the terminal of whoever reads the case.
func Render(r bot.Reply) string {
	return bot.RenderMentions(render(r), visible, func(user string) string { return "@" + user },
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
			// A note with paragraphs keeps them, indented under its line.
			b.WriteString("  " + indent(l, "    ") + "\n")
		}
	}
	if img := r.Image; img != nil {
		// A terminal shows no picture: say that there is one and what it shows.
		fmt.Fprintf(&b, "[image %s: %s]\n", img.Name, cmp.Or(strings.TrimSpace(img.Alt), "no description"))
	}
	return b.String()
}

// visible escapes the control characters in s other than newline and tab.
func visible(s string) string {
	if !strings.ContainsFunc(s, isHidden) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !isHidden(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // '\x1b', '\a', '\u0085'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func isHidden(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }

// indent puts prefix before each line of s after the first that is not empty.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = prefix + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
