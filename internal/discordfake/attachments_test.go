package discordfake_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/internal/discordfake"
)

var chartPNG = []byte("\x89PNG\r\n\x1a\n fake chart bytes")

func chartFile() *discordgo.File {
	return &discordgo.File{Name: "chart.png", ContentType: "image/png", Reader: bytes.NewReader(chartPNG)}
}

func TestMessageWithChart(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)
	posted, err := s.ChannelMessageSendComplex(discordfake.ChannelID, &discordgo.MessageSend{
		Content: "Daily summary",
		Embeds:  []*discordgo.MessageEmbed{{Title: "Open cases", Image: &discordgo.MessageEmbedImage{URL: "attachment://chart.png"}}},
		Files:   []*discordgo.File{chartFile()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(posted.Attachments) != 1 || posted.Attachments[0].Filename != "chart.png" || posted.Attachments[0].Size != len(chartPNG) {
		t.Errorf("answered attachments %+v", posted.Attachments)
	}
	m, ok := d.Message(posted.ID)
	if !ok || m.Content != "Daily summary" || len(m.Files) != 1 || !bytes.Equal(m.Files[0].Data, chartPNG) ||
		m.Files[0].Field != "files[0]" || m.Embeds[0].Image == nil || m.Embeds[0].Image.URL != "attachment://chart.png" {
		t.Errorf("message %+v", m)
	}
}

// multipart posts payload (as payload_json) with files, as discordgo would,
// but with a payload of the test's own (discordgo's MessageSend has no
// "attachments").
func multipart(s *discordgo.Session, payload any, files ...*discordgo.File) error {
	ct, body, err := discordgo.MultipartBodyWithJSON(payload, files)
	if err != nil {
		return err
	}
	endpoint := discordgo.EndpointChannelMessages(discordfake.ChannelID)
	_, err = s.RequestRaw("POST", endpoint, ct, body, endpoint, 0)
	return err
}

func TestAttachmentDescription(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	err := multipart(rest(t, d), map[string]any{
		"content":     "Daily summary",
		"attachments": []map[string]any{{"id": 0, "filename": "chart.png", "description": "Open cases per day: 3, 5, 4"}},
		"embeds":      []map[string]any{{"image": map[string]any{"url": "attachment://chart.png"}}},
	}, chartFile())
	if err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages()
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0].Description != "Open cases per day: 3, 5, 4" {
		t.Fatalf("messages %+v, want the chart with its description", msgs)
	}
}

func TestAttachmentChecks(t *testing.T) {
	t.Parallel()
	tooMany := make([]*discordgo.File, 11)
	for i := range tooMany {
		tooMany[i] = &discordgo.File{Name: fmt.Sprintf("f%d.png", i), Reader: bytes.NewReader(chartPNG)}
	}
	tests := []struct {
		name         string
		payload      any
		files        []*discordgo.File
		status, code int
		violation    string // the path of the violation recorded, if any
	}{
		{"embed names a file not sent", map[string]any{"embeds": []map[string]any{{"image": map[string]any{"url": "attachment://chart.png"}}}},
			[]*discordgo.File{{Name: "other.png", Reader: bytes.NewReader(chartPNG)}}, 400, 50035, "embeds.0.image.url"},
		{"embed image without files", map[string]any{"content": "x", "embeds": []map[string]any{{"image": map[string]any{"url": "attachment://chart.png"}}}},
			nil, 400, 50035, "embeds.0.image.url"},
		{"too many files", map[string]any{"content": "x"}, tooMany, 400, 50035, "files"},
		{"description too long", map[string]any{"attachments": []map[string]any{{"id": 0, "description": strings.Repeat("a", 1025)}}},
			[]*discordgo.File{chartFile()}, 400, 50035, "attachments.0.description"},
		{"file too large", map[string]any{"content": "x"},
			[]*discordgo.File{{Name: "big.png", Reader: bytes.NewReader(make([]byte, 10<<20+1))}}, 413, 40005, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := discordfake.New(t)
			s := rest(t, d)
			var err error
			if tt.files == nil {
				endpoint := discordgo.EndpointChannelMessages(discordfake.ChannelID)
				_, err = s.RequestWithBucketID("POST", endpoint, tt.payload, endpoint)
			} else {
				err = multipart(s, tt.payload, tt.files...)
			}
			assertCode(t, err, tt.status, tt.code)
			vs := d.TakeViolations()
			if tt.violation != "" && (len(vs) != 1 || vs[0].Path != tt.violation) {
				t.Errorf("violations %v, want one at %s", vs, tt.violation)
			}
			if n := len(d.Messages()); n != 0 {
				t.Errorf("%d messages recorded from a refused post", n)
			}
		})
	}
}

func TestPayloadJSONMustParse(t *testing.T) {
	t.Parallel()
	d := discordfake.New(t)
	s := rest(t, d)
	endpoint := discordgo.EndpointChannelMessages(discordfake.ChannelID)
	ct, body, err := discordgo.MultipartBodyWithJSON(map[string]any{"content": "x"}, []*discordgo.File{chartFile()})
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte(`{"content":"x"}`), []byte(`{"content":`), 1)
	_, err = s.RequestRaw("POST", endpoint, ct, body, endpoint, 0)
	assertCode(t, err, 400, 50109)
}
