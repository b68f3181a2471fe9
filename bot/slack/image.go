package slack

import (
	"bytes"
	"context"

	"github.com/slack-go/slack"

	"github.com/disputedesk/disputedesk/bot"
)

// maxAltText is the most characters Slack takes in a file's alt_txt
// (https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
const maxAltText = 1000

// postImage posts m, whose reply has an image, as one message carrying the
// rendered blocks and the image, through Slack's external upload
// (files.getUploadURLExternal, the upload, files.completeUploadExternal
// with channel_id and thread_ts). A reply without blocks sends its text as
// the initial_comment instead: slack-go sends blocks only when the
// initial_comment is empty, and a share with neither shows the file alone.
//
// Slack answers with the file's id, not the message's ts, so the Posted it
// returns has no MessageID, and its ThreadID is m.Thread (empty for a
// top-level post): a message that must be edited or threaded on later (a
// case's card) cannot carry an image. The file id is logged.
func (a *Adapter) postImage(ctx context.Context, m bot.Message, msg message) (bot.Posted, error) {
	img := m.Reply.Image
	p := slack.UploadFileParameters{
		Reader:          bytes.NewReader(img.PNG),
		FileSize:        len(img.PNG),
		Filename:        img.Name,
		Title:           img.Name,
		AltTxt:          truncate(img.Alt, maxAltText),
		Channel:         m.Channel,
		ThreadTimestamp: m.Thread,
	}
	if len(msg.Blocks) > 0 {
		p.Blocks = slack.Blocks{BlockSet: msg.Blocks}
	} else {
		p.InitialComment = msg.Text
	}
	file, err := a.api.UploadFileContext(ctx, p)
	if err != nil {
		return bot.Posted{}, deliveryError("files.uploadV2", err)
	}
	a.log.DebugContext(ctx, "slack: image posted", "channel", m.Channel, "file_id", file.ID)
	return bot.Posted{ThreadID: m.Thread}, nil
}
