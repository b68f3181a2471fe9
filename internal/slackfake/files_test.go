package slackfake_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/internal/slackfake"
)

var chartPNG = []byte("\x89PNG\r\n\x1a\n fake chart bytes")

func chartUpload(channel, thread string) slack.UploadFileParameters {
	return slack.UploadFileParameters{
		Reader: bytes.NewReader(chartPNG), FileSize: len(chartPNG), Filename: "chart.png",
		Channel: channel, ThreadTimestamp: thread, Title: "Open cases", AltTxt: "Open cases per day: 3, 5, 4",
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(mrkdwn("*Daily summary*: 4 open"), nil, nil)}},
	}
}

func TestUploadFileIsOneMessage(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	sum, err := api.UploadFileContext(context.Background(), chartUpload("C1", "1700000000.000100"))
	if err != nil {
		t.Fatalf("UploadFileContext: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one carrying blocks and file:\n%s", len(msgs), s.Dump())
	}
	m := msgs[0]
	if m.Method != "files.completeUploadExternal" || m.Channel != "C1" || m.ThreadTS != "1700000000.000100" ||
		!strings.Contains(string(m.Blocks), "Daily summary") {
		t.Errorf("message %+v", m)
	}
	if len(m.Files) != 1 {
		t.Fatalf("message carries %d files, want 1", len(m.Files))
	}
	f := m.Files[0]
	if f.ID != sum.ID || f.Name != "chart.png" || f.Title != "Open cases" || f.Alt != "Open cases per day: 3, 5, 4" ||
		!bytes.Equal(f.Data, chartPNG) || f.Private {
		t.Errorf("file %+v, want the chart as sent", f)
	}
	if c := s.NextCall(t, "upload_url", time.Second); c.Params["file_id"] != sum.ID {
		t.Errorf("upload to %v, want file %s", c.Params, sum.ID)
	}
	if files := s.Files(); len(files) != 1 || files[0].Channel != "C1" {
		t.Errorf("Files() = %+v", files)
	}
}

func TestUploadFileWithoutChannelIsPrivate(t *testing.T) {
	s := slackfake.New(t)
	p := chartUpload("", "")
	p.Blocks = slack.Blocks{}
	if _, err := newAPI(s).UploadFileContext(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if msgs := s.Messages(); len(msgs) != 0 {
		t.Errorf("a private file shows as a message: %+v", msgs)
	}
	if files := s.Files(); len(files) != 1 || !files[0].Private {
		t.Errorf("Files() = %+v, want one private file", files)
	}
}

func TestUploadFileInitialComment(t *testing.T) {
	s := slackfake.New(t)
	p := chartUpload("C1", "")
	p.InitialComment = "Daily summary" // slack-go then leaves the blocks out
	if _, err := newAPI(s).UploadFileContext(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if m := s.Messages(); len(m) != 1 || m[0].Text != "Daily summary" || m[0].Blocks != nil {
		t.Errorf("messages %+v", m)
	}
}

func TestUploadFileFaults(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *slackfake.Server)
		check func(error) bool
	}{
		{"upload URL rate limited", func(s *slackfake.Server) { s.FailNext("files.getUploadURLExternal", http.StatusTooManyRequests) },
			func(err error) bool { _, ok := errors.AsType[*slack.RateLimitedError](err); return ok }},
		{"upload fails", func(s *slackfake.Server) { s.FailNext("upload_url", http.StatusInternalServerError) },
			func(err error) bool { sc, ok := errors.AsType[slack.StatusCodeError](err); return ok && sc.Code == 500 }},
		{"complete refused", func(s *slackfake.Server) { s.FailNextWith("files.completeUploadExternal", "not_in_channel") },
			func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "not_in_channel"
			}},
		{"complete down", func(s *slackfake.Server) { s.FailNext("files.completeUploadExternal", http.StatusBadGateway) },
			func(err error) bool { sc, ok := errors.AsType[slack.StatusCodeError](err); return ok && sc.Code == 502 }},
		{"archived channel", func(s *slackfake.Server) { s.AddChannel(slackfake.Channel{ID: "C1", IsArchived: true}) },
			func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "is_archived"
			}},
		{"bad token", func(s *slackfake.Server) { s.RefuseToken(slackfake.BotToken) },
			func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "invalid_auth"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := slackfake.New(t)
			tt.setup(s)
			_, err := newAPI(s).UploadFileContext(context.Background(), chartUpload("C1", ""))
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if m := s.Messages(); len(m) != 0 {
				t.Errorf("a failed upload shows as a message: %+v", m)
			}
		})
	}
}

func TestUploadLengthMustMatch(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	ctx := context.Background()
	u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "chart.png", FileSize: len(chartPNG) + 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.UploadURL, s.URL()+"/") {
		t.Errorf("upload URL %s is not on the fake's host, so slack-go would not send it the token", u.UploadURL)
	}
	err = api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(chartPNG), Filename: "chart.png"})
	if sc, ok := errors.AsType[slack.StatusCodeError](err); !ok || sc.Code != http.StatusBadRequest {
		t.Fatalf("upload of a wrong length: %v, want 400", err)
	}
	_, err = api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}, Channel: "C1"})
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "file_not_found" {
		t.Errorf("completing a file never uploaded: %v, want file_not_found", err)
	}
}

func TestCompleteUploadTwice(t *testing.T) {
	s := slackfake.New(t)
	api := newAPI(s)
	sum, err := api.UploadFileContext(context.Background(), chartUpload("C1", ""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.CompleteUploadExternalContext(context.Background(), slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{*sum}, Channel: "C2"})
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "file_not_found" {
		t.Errorf("second completion: %v, want file_not_found", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}
