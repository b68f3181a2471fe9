package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/discordfake"
	"github.com/disputedesk/disputedesk/internal/golden"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// summaryDay is the day the summary tests live on: a Tuesday in November,
// Oslo on CET (+01:00), no Norwegian holiday near it, so that deadlines
// counted in business days and the summary's days are the same every run.
const summaryDay = "2026-11-10"

// clockEnv starts the process clock at the Oslo time hhmmss on summaryDay
// and makes the scheduler look every second.
func clockEnv(hhmmss string) []string {
	return []string{"DISPUTEDESK_CLOCK_START=" + summaryDay + "T" + hhmmss + "+01:00", "DISPUTEDESK_SCHEDULE_EVERY=1s"}
}

// slackSummaries are the messages that shared a file in channel: the
// daily summaries (a card or a note never carries a file).
func slackSummaries(channel string, msgs []slackfake.Message) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range msgs {
		if m.Method == "files.completeUploadExternal" && m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// slash runs a signed slash command and fails t unless the answer has want.
func slash(t *testing.T, c *slackfake.Client, cmd, text, want string) string {
	t.Helper()
	resp, body, err := c.SlashCommand(cmd, text, slackfake.SlashOpts{})
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		t.Fatalf("%s %s: %v %v %s, want %q", cmd, text, err, resp, body, want)
	}
	return string(body)
}

// blockTexts is every "text" string of Slack blocks, depth first, one a
// line: what the message shows, without the JSON around it.
func blockTexts(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "bad blocks: " + err.Error()
	}
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s + "\n")
			}
			for _, k := range []string{"text", "title", "elements", "fields", "accessory"} {
				if e, ok := x[k]; ok {
					if _, isString := e.(string); !isString {
						walk(e)
					}
				}
			}
		}
	}
	walk(v)
	return b.String()
}

// checkPNG fails t unless data is a PNG image of a real chart's size.
func checkPNG(t *testing.T, what string, data []byte) {
	t.Helper()
	if ct := http.DetectContentType(data); ct != "image/png" {
		t.Errorf("%s is %s, want image/png", what, ct)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s does not decode: %v", what, err)
	}
	if b := img.Bounds(); len(data) < 2000 || b.Dx() < 200 || b.Dy() < 100 {
		t.Errorf("%s is %d bytes, %dx%d: too small for a 14-day chart", what, len(data), b.Dx(), b.Dy())
	}
}

// openAndSubscribe opens two cases, closes one with its money, and
// subscribes the channel to the weekday summary at 09:00 Oslo time.
func openAndSubscribe(t *testing.T, c *slackfake.Client) {
	t.Helper()
	slash(t, c, "/dispute", "chargeback order=1042 amount=49,90 currency=EUR", "Opened CB-1001")
	slash(t, c, "/return", "reason=damaged order=2231", "Opened RMA-1001")
	slash(t, c, "/case", "close CB-1001 outcome=won amount=49,90 force=yes", "Closed CB-1001")
	// Before 09:00 by the process clock, the next summary is today's; a
	// machine too slow for the clock's head start fails here, not later.
	slash(t, c, "/case", "summary subscribe 09:00 Europe/Oslo weekdays", "next Tue 10 Nov 09:00 CET")
}

// waitOneSlackSummary waits up to timeout for channel's summary, then
// watches for quiet more seconds that no second one comes, and returns it.
func waitOneSlackSummary(t *testing.T, fake *slackfake.Server, timeout, quiet time.Duration) slackfake.Message {
	t.Helper()
	msgs := fake.WaitFor(t, timeout, func(m []slackfake.Message) bool { return len(slackSummaries(slackfake.ChannelID, m)) > 0 })
	first := slackSummaries(slackfake.ChannelID, msgs)[0]
	time.Sleep(quiet)
	if got := slackSummaries(slackfake.ChannelID, fake.Messages()); len(got) != 1 {
		t.Errorf("%d summaries in the channel, want 1\n%s", len(got), fake.Dump())
	}
	return first
}

// TestSummarySlack: a channel subscribed a few seconds before 09:00 Oslo
// gets its summary at 09:00, once: one message with the blocks and the
// chart, and nothing more.
func TestSummarySlack(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	srv := serve(t, append(slackEnv(fake, filepath.Join(t.TempDir(), "cases.db")), clockEnv("08:59:50")...)...)
	openAndSubscribe(t, fake.Client(srv.base, slackfake.SigningSecret))
	if n := len(slackSummaries(slackfake.ChannelID, fake.Messages())); n != 0 {
		t.Fatalf("%d summaries before 09:00", n)
	}

	sum := waitOneSlackSummary(t, fake, 25*time.Second, 2*time.Second)
	if len(sum.Blocks) == 0 || len(sum.Files) != 1 {
		t.Fatalf("the summary has %d bytes of blocks and %d files, want blocks and one file\n%s", len(sum.Blocks), len(sum.Files), fake.Dump())
	}
	f := sum.Files[0]
	if f.Name != "chart.png" || f.Channel != slackfake.ChannelID || f.ThreadTS != "" {
		t.Errorf("the chart is %q in %q thread %q, want chart.png in the channel", f.Name, f.Channel, f.ThreadTS)
	}
	checkPNG(t, "the chart", f.Data)
	if n := fake.Calls("files.completeUploadExternal"); n != 1 {
		t.Errorf("files.completeUploadExternal called %d times, want 1", n)
	}
	golden.Check(t, "testdata/summary_slack.txt", []byte(blockTexts(sum.Blocks)+"chart alt text: "+f.Alt+"\n"))
}

// discordSummaries are the messages posted with files in channel: the
// daily summaries.
func discordSummaries(channel string, msgs []discordfake.Message) []discordfake.Message {
	var out []discordfake.Message
	for _, m := range msgs {
		if m.Op == "create" && m.ChannelID == channel && len(m.Files) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// embedTexts is what the embeds show, one part a line.
func embedTexts(es []discordfake.Embed) string {
	var b strings.Builder
	for _, e := range es {
		for _, s := range []string{e.Title, e.Description} {
			if s != "" {
				b.WriteString(s + "\n")
			}
		}
		for _, f := range e.Fields {
			b.WriteString(f.Name + "\n" + f.Value + "\n")
		}
		if e.Footer != nil {
			b.WriteString(e.Footer.Text + "\n")
		}
		if e.Image != nil {
			b.WriteString("image: " + e.Image.URL + "\n")
		}
	}
	return b.String()
}

// TestSummaryDiscord: the same through Discord: one message at 09:00 with
// the chart as attachment chart.png, shown as its embed's image.
func TestSummaryDiscord(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	srv := serve(t, append(discordEnv(d, filepath.Join(t.TempDir(), "cases.db"), false), clockEnv("08:59:50")...)...)
	client := d.Client(srv.base)
	send := func(p map[string]any, want string) {
		t.Helper()
		if resp, body, err := client.Send(p, discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("interaction: %v %v %s", err, resp, body)
		}
		d.WaitResponses(t, p["id"].(string), 10*time.Second, func(r []discordfake.Response) bool {
			return strings.Contains(responseText(r), want)
		})
	}
	send(chargeback(discordfake.Opts{}), "Opened CB-1001")
	send(discordfake.SlashCommand("return", discordfake.Opts{}, discordfake.Opt("order", "2231"), discordfake.Opt("reason", "damaged")), "Opened RMA-1001")
	send(discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("close", discordfake.Opt("case", "CB-1001"),
		discordfake.Opt("outcome", "won"), discordfake.Opt("amount", "49,90"), discordfake.Opt("force", "yes"))), "Closed CB-1001")
	send(discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("summary", discordfake.Opt("action", "subscribe"),
		discordfake.Opt("time", "09:00"), discordfake.Opt("zone", "Europe/Oslo"), discordfake.Opt("days", "weekdays"))), "next Tue 10 Nov 09:00 CET")
	if n := len(discordSummaries(discordfake.ChannelID, d.Messages())); n != 0 {
		t.Fatalf("%d summaries before 09:00", n)
	}

	msgs := d.WaitFor(t, 25*time.Second, func(m []discordfake.Message) bool { return len(discordSummaries(discordfake.ChannelID, m)) > 0 })
	sum := discordSummaries(discordfake.ChannelID, msgs)[0]
	time.Sleep(2 * time.Second)
	if got := discordSummaries(discordfake.ChannelID, d.Messages()); len(got) != 1 {
		t.Errorf("%d summaries in the channel, want 1\n%s", len(got), d.Dump())
	}
	if len(sum.Files) != 1 || sum.Files[0].Name != "chart.png" {
		t.Fatalf("the summary carries files %+v, want chart.png", sum.Files)
	}
	checkPNG(t, "the chart", sum.Files[0].Data)
	var shown bool
	for _, e := range sum.Embeds {
		shown = shown || e.Image != nil && e.Image.URL == "attachment://chart.png"
	}
	if !shown {
		t.Errorf("no embed shows attachment://chart.png: %s", sum.Body)
	}
	// discordgo cannot send an attachment's description (bot/discord/image.go):
	// the alt text is the image embed's description, in the golden file.
	golden.Check(t, "testdata/summary_discord.txt", []byte(sum.Content+"\n"+embedTexts(sum.Embeds)))
}

// TestSummaryCommand: disputedesk summary prints a channel's summary of a
// day; --post queues it once, a second --post of the day is refused, and
// the running serve delivers the queued one once, its scheduler skipping
// the day when its clock crosses 09:00. The shell's clock is a few seconds
// past 09:00 (the outbox row is due from then), serve's 10 s before it:
// the day is posted from the shell before serve's scheduler gets to it.
func TestSummaryCommand(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	dbURL := filepath.Join(t.TempDir(), "cases.db")
	srv := serve(t, append(slackEnv(fake, dbURL), clockEnv("08:59:50")...)...)
	openAndSubscribe(t, fake.Client(srv.base, slackfake.SigningSecret))
	shell := append([]string{"DATABASE_URL=" + dbURL}, clockEnv("09:00:01")...)
	channel := "slack:" + slackfake.TeamID + "/" + slackfake.ChannelID

	out, stderr, code := cli(t, shell, "", "summary", "--channel", channel, "--date", summaryDay)
	if code != 0 || !strings.Contains(out, "Since Mon 9 Nov 09:00") || !strings.Contains(out, "Opened 2: chargeback 1, return 1") {
		t.Errorf("summary printed, exit %d:\n%s%s", code, out, stderr)
	}
	if n := len(slackSummaries(slackfake.ChannelID, fake.Messages())); n != 0 {
		t.Errorf("printing a summary posted %d", n)
	}
	out, stderr, code = cli(t, shell, "", "summary", "--channel", channel, "--date", summaryDay, "--post")
	if code != 0 || !strings.Contains(out, "Queued the summary of "+summaryDay+" in "+slackfake.ChannelID) {
		t.Fatalf("summary --post, exit %d:\n%s%s", code, out, stderr)
	}
	out, stderr, code = cli(t, shell, "", "summary", "--channel", channel, "--date", summaryDay, "--post")
	if code == 0 || !strings.Contains(stderr, "posted already") {
		t.Errorf("a second summary --post of the day, exit %d, want non-zero and \"posted already\":\n%s%s", code, out, stderr)
	}

	// Delivered once serve's clock passes 09:00:01, after its 09:00 pass.
	sum := waitOneSlackSummary(t, fake, 30*time.Second, 2*time.Second)
	if text := blockTexts(sum.Blocks); !strings.Contains(text, "Daily summary · Tue 10 Nov") || !strings.Contains(text, "Opened 2: chargeback 1, return 1") {
		t.Errorf("the posted summary:\n%s", text)
	}
	srv.stop()
}
