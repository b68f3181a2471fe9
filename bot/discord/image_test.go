package discord

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/discordfake"
)

// fakeAdapter is an adapter whose REST calls go to d.
func fakeAdapter(t *testing.T, d *discordfake.Server) *Adapter {
	t.Helper()
	a, err := New(Config{BotToken: discordfake.BotToken, AppID: discordfake.AppID, APIURL: d.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.kit.Close(context.Background()) })
	return a
}

func chart() *bot.Image {
	return &bot.Image{Name: "chart.png", Alt: "Open cases per day: 3, 5, 4", PNG: []byte("\x89PNG\r\n\x1a\n summary chart")}
}

func summaryReply() bot.Reply {
	return bot.Reply{Text: "Daily summary: 4 open", Title: "Daily summary", Fields: []bot.Field{{Label: "Open", Value: "4"}}, Image: chart()}
}

// checkChart fails t unless m carries img as its one file, shown by an
// embed that names it, captioned with its alt text.
func checkChart(t *testing.T, m discordfake.Message, img *bot.Image) {
	t.Helper()
	if len(m.Files) != 1 || m.Files[0].Name != attachmentName(img.Name) || !bytes.Equal(m.Files[0].Data, img.PNG) ||
		m.Files[0].ContentType != "image/png" {
		t.Fatalf("files %+v, want the chart as given", m.Files)
	}
	for _, e := range m.Embeds {
		if e.Image != nil && e.Image.URL == "attachment://"+m.Files[0].Name {
			if e.Description != img.Alt {
				t.Errorf("image caption %q, want the alt text", e.Description)
			}
			return
		}
	}
	t.Errorf("no embed shows the chart: %+v", m.Embeds)
}

func TestPostImageInChannel(t *testing.T) {
	d := discordfake.New(t)
	a := fakeAdapter(t, d)
	r := summaryReply()
	posted, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, Reply: r})
	if err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages()
	if len(msgs) != 1 || msgs[0].ID != posted.MessageID {
		t.Fatalf("messages %+v, want one, the one posted (%+v)", msgs, posted)
	}
	if m := msgs[0]; m.Content != "Daily summary: 4 open" || len(m.Embeds) != 2 || m.Embeds[0].Title != "Daily summary" {
		t.Errorf("message %+v, want the text and the summary's embed", m)
	}
	checkChart(t, msgs[0], r.Image)
}

func TestPostImageInThreadAndForum(t *testing.T) {
	d := discordfake.New(t)
	a := fakeAdapter(t, d)
	card, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, ThreadName: "CB-1042", Reply: bot.Reply{Text: "card"}})
	if err != nil || card.ThreadID == "" {
		t.Fatalf("card %+v, %v", card, err)
	}
	r := summaryReply()
	r.Image.Name = "søknad chart.png" // not a name attachment:// resolves
	posted, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, Thread: card.ThreadID, Reply: r})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.Message(posted.MessageID)
	if !ok || m.ThreadID != card.ThreadID {
		t.Fatalf("thread post %+v, want it in the card's thread", m)
	}
	checkChart(t, m, r.Image)
	if m.Files[0].Name != "s_knad_chart.png" {
		t.Errorf("file name %q", m.Files[0].Name)
	}

	post, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ForumID, ThreadName: "Daily summary", Reply: summaryReply()})
	if err != nil {
		t.Fatal(err)
	}
	starter, ok := d.Message(post.MessageID)
	if !ok || starter.ThreadID != post.ThreadID {
		t.Fatalf("forum post %+v", starter)
	}
	checkChart(t, starter, chart())
}

func TestPostImageWithLongText(t *testing.T) {
	d := discordfake.New(t)
	a := fakeAdapter(t, d)
	r := summaryReply()
	r.Text = strings.Repeat("line of the summary\n", 150) // 3000 characters: two messages
	if _, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, Reply: r}); err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages()
	if len(msgs) != 2 || len(msgs[0].Files) != 0 {
		t.Fatalf("%d messages, first with %d files; want two, the chart on the last", len(msgs), len(msgs[0].Files))
	}
	checkChart(t, msgs[1], r.Image)
}

func TestPostImageRefused(t *testing.T) {
	d := discordfake.New(t)
	a := fakeAdapter(t, d)
	r := summaryReply()
	r.Image.PNG = make([]byte, bot.MaxImageBytes+1)
	_, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, Reply: r})
	if de, ok := errors.AsType[*bot.DeliveryError](err); !ok || !de.Permanent {
		t.Fatalf("err = %v, want a permanent *bot.DeliveryError", err)
	}
	if n := len(d.Messages()); n != 0 {
		t.Errorf("%d messages posted", n)
	}
}

func TestUpdateWithImageEditsEmbedsOnly(t *testing.T) {
	d := discordfake.New(t)
	a := fakeAdapter(t, d)
	posted, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, Reply: bot.Reply{Text: "card", Title: "CB-1042"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Post(t.Context(), bot.Message{Channel: discordfake.ChannelID, UpdateID: posted.MessageID, Reply: summaryReply()}); err != nil {
		t.Fatal(err)
	}
	m, _ := d.Message(posted.MessageID)
	if m.Op != "edit" || len(m.Files) != 0 || len(m.Embeds) != 1 || m.Embeds[0].Image != nil {
		t.Errorf("edited %+v, want text and embeds only", m)
	}
}

func TestWithImageAtEmbedLimits(t *testing.T) {
	full := renderEmbeds(bot.Reply{Title: "t", Fields: []bot.Field{{Label: "a", Value: "b"}}})
	for len(full) < maxEmbeds {
		full = append(full, &discordgo.MessageEmbed{Title: "x"})
	}
	got := withImage(full, chart())
	if len(got) != maxEmbeds || got[maxEmbeds-1].Image == nil || got[maxEmbeds-1].Image.URL != "attachment://chart.png" {
		t.Errorf("with ten embeds, the image should go on the last: %d embeds", len(got))
	}
	long := []*discordgo.MessageEmbed{{Description: strings.Repeat("x", maxEmbedTotal-10)}}
	got = withImage(long, chart())
	if len(got) != 2 || got[1].Description != "" || got[1].Image == nil {
		t.Errorf("a caption past the embeds' total should be left out: %+v", got[1])
	}
}
