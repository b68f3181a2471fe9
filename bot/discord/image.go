package discord

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// maxImageCaption bounds the alt text shown under a reply's image, well
// inside an embed description's 4096 characters.
const maxImageCaption = 300

// withImage adds img to a message's embeds: an embed of its own showing
// the file as "attachment://NAME", captioned with the alt text. discordgo
// v0.29.0 cannot send an attachment's description (Discord's alt text:
// MessageSend has no Attachments, MessageAttachment no Description), so
// the alt text is the embed's description, which screen readers read
// too. With ten embeds already the image goes on the last, uncaptioned;
// a caption that would pass the 6000 characters of all embeds is left out.
func withImage(embeds []*discordgo.MessageEmbed, img *bot.Image) []*discordgo.MessageEmbed {
	media := &discordgo.MessageEmbedImage{URL: "attachment://" + attachmentName(img.Name)}
	if n := len(embeds); n >= maxEmbeds {
		if embeds[n-1].Image == nil {
			embeds[n-1].Image = media
		}
		return embeds
	}
	caption := truncate(strings.TrimSpace(outgoing(img.Alt)), maxImageCaption)
	if embedChars(embeds)+utf8.RuneCountInString(caption) > maxEmbedTotal {
		caption = ""
	}
	return append(embeds, &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Description: caption, Image: media})
}

// embedChars counts what Discord counts against maxEmbedTotal.
func embedChars(embeds []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range embeds {
		n += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		for _, f := range e.Fields {
			n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			n += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			n += utf8.RuneCountInString(e.Author.Name)
		}
	}
	return n
}

// imageFiles is the multipart file of a message's image, read afresh on
// every send (a post into an archived thread is sent twice).
func imageFiles(img *bot.Image) []*discordgo.File {
	if img == nil {
		return nil
	}
	return []*discordgo.File{{Name: attachmentName(img.Name), ContentType: "image/png", Reader: bytes.NewReader(img.PNG)}}
}

// attachmentName is name as an attachment:// URL can name it: Discord
// resolves only ASCII letters, digits, '.', '_' and '-', so anything else
// becomes '_', in the file's name and the embed's URL alike.
func attachmentName(name string) string {
	out := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			out = append(out, byte(r))
		default:
			out = append(out, '_')
		}
	}
	if len(out) == 0 {
		return "image.png"
	}
	return string(out)
}
