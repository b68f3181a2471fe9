package discord

import (
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Permissions are what the bot needs in a server, and nothing more: see
// channels and their history, post and embed cards, start threads from
// them and post in them, and archive, unarchive and tag its threads and
// forum posts (Manage Threads).
const Permissions int64 = discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks |
	discordgo.PermissionCreatePublicThreads | discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionManageThreads

// TagPermissions adds Manage Channels to Permissions, so that the bot
// creates the forum tags a case needs (its playbook, its status) when a
// forum lacks them; without it, posts are tagged with the tags that exist.
const TagPermissions = Permissions | discordgo.PermissionManageChannels

// Intents are the gateway intents the bot identifies with: guilds (threads
// and channels), guild messages (a case's thread) and message content, a
// privileged intent to turn on in the Developer Portal.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentMessageContent

// InviteURL is the link that adds the application to a server with its
// commands and exactly perms.
func InviteURL(appID string, perms int64) string {
	q := url.Values{"client_id": {appID}, "scope": {"bot applications.commands"}, "permissions": {strconv.FormatInt(perms, 10)}}
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}
