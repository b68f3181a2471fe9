package slackfake

import (
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The builders below return the payloads Slack sends, as maps of nested
// map[string]any, so a test can adjust any field before sending, e.g.
// p["view"].(map[string]any)["callback_id"] = "open_case". Empty team,
// channel and user IDs take the package defaults (TeamID, ChannelID,
// UserID). The same payload goes to the bot over HTTP (Client) or Socket
// Mode (Server.SendEnvelope).

// SlashOpts are the optional parts of a slash command. Zero values take
// defaults: TeamID, ChannelID, UserID, UserName, a fresh NewTriggerID, and
// no response_url (Server.Client and Server.SendSlashCommand fill in a fresh
// Server.ResponseURL). RetryNum, Unsigned, Forged and Timestamp only apply
// to Client.SlashCommand and mean what they mean in SignOpts.
type SlashOpts struct {
	TeamID, ChannelID, UserID, UserName, TriggerID, ResponseURL string
	ChannelName                                                 string // default derived from ChannelID as conversations.info names it
	RetryNum                                                    int
	Unsigned, Forged                                            bool
	Timestamp                                                   time.Time
}

// SlashPayload returns the fields Slack sends for a slash command: as a form
// over HTTP, as a JSON object of strings in a Socket Mode envelope.
func SlashPayload(cmd, text string, opt SlashOpts) map[string]string {
	teamID, channelID, userID := cmp.Or(opt.TeamID, TeamID), cmp.Or(opt.ChannelID, ChannelID), cmp.Or(opt.UserID, UserID)
	return map[string]string{
		"token":                 VerificationToken,
		"team_id":               teamID,
		"team_domain":           TeamDomain,
		"channel_id":            channelID,
		"channel_name":          cmp.Or(opt.ChannelName, channelName(channelID)),
		"user_id":               userID,
		"user_name":             cmp.Or(opt.UserName, userName(userID)),
		"command":               cmd,
		"text":                  text,
		"api_app_id":            AppID,
		"is_enterprise_install": "false",
		"response_url":          opt.ResponseURL,
		"trigger_id":            cmp.Or(opt.TriggerID, NewTriggerID()),
	}
}

// BlockAction returns a block_actions payload: userID pressed the element
// actionID (block_id "actions") carrying value, on the bot message
// messageTS in channelID (in the thread threadTS, if not empty). An action ID
// containing "select" is sent as a static_select with selected_option.value
// set to value; any other as a button. The payload has a fresh trigger_id.
func BlockAction(teamID, channelID, userID, messageTS, threadTS, actionID, value, responseURL string) map[string]any {
	teamID, channelID, userID = cmp.Or(teamID, TeamID), cmp.Or(channelID, ChannelID), cmp.Or(userID, UserID)
	action := map[string]any{
		"action_id": actionID,
		"block_id":  "actions",
		"action_ts": tsAt(time.Now()),
	}
	if isSelect(actionID) {
		action["type"] = "static_select"
		action["selected_option"] = option(value)
		action["placeholder"] = plainText("Choose")
	} else {
		action["type"] = "button"
		action["text"] = plainText(actionID)
		action["value"] = value
	}
	container := map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channelID, "is_ephemeral": false}
	message := map[string]any{
		"type": "message", "user": BotUserID, "bot_id": BotID, "app_id": AppID, "team": teamID,
		"text": "", "ts": messageTS,
	}
	if threadTS != "" {
		container["thread_ts"] = threadTS
		message["thread_ts"] = threadTS
	}
	return map[string]any{
		"type":                  "block_actions",
		"token":                 VerificationToken,
		"api_app_id":            AppID,
		"trigger_id":            NewTriggerID(),
		"team":                  map[string]any{"id": teamID, "domain": TeamDomain},
		"user":                  user(teamID, userID),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"container":             container,
		"channel":               map[string]any{"id": channelID, "name": channelName(channelID)},
		"message":               message,
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          responseURL,
		"actions":               []any{action},
	}
}

// ViewSubmission returns a view_submission payload: userID submitted a modal
// with privateMetadata whose inputs hold values. A key of values is
// "blockID/actionID", or one ID used as both. Each input becomes
// view.state.values[blockID][actionID] with .value, or, for an action ID
// containing "select", a static_select with .selected_option.value. The
// view's callback_id is empty; set p["view"].(map[string]any)["callback_id"]
// if the bot routes on it.
func ViewSubmission(teamID, userID, privateMetadata string, values map[string]string) map[string]any {
	teamID, userID = cmp.Or(teamID, TeamID), cmp.Or(userID, UserID)
	state := map[string]any{}
	for key, v := range values {
		blockID, actionID, ok := strings.Cut(key, "/")
		if !ok {
			actionID = blockID
		}
		input := map[string]any{"type": "plain_text_input", "value": v}
		if isSelect(actionID) {
			input = map[string]any{"type": "static_select", "selected_option": option(v)}
		}
		block, _ := state[blockID].(map[string]any)
		if block == nil {
			block = map[string]any{}
			state[blockID] = block
		}
		block[actionID] = input
	}
	id := "V" + strings.ToUpper(randomHex(5))
	view := map[string]any{
		"id": id, "team_id": teamID, "type": "modal", "callback_id": "", "external_id": "",
		"private_metadata": privateMetadata, "title": plainText("Modal"), "blocks": []any{},
		"state": map[string]any{"values": state}, "hash": tsAt(time.Now()) + "." + randomHex(4),
		"app_id": AppID, "bot_id": BotID, "root_view_id": id, "previous_view_id": nil,
		"app_installed_team_id": teamID, "clear_on_close": false, "notify_on_close": false,
	}
	return map[string]any{
		"type":                  "view_submission",
		"token":                 VerificationToken,
		"api_app_id":            AppID,
		"trigger_id":            NewTriggerID(),
		"team":                  map[string]any{"id": teamID, "domain": TeamDomain},
		"user":                  user(teamID, userID),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"view":                  view,
		"response_urls":         []any{},
	}
}

// MessageEvent returns an event_callback wrapping a message that userID
// posted in channelID at ts (in the thread threadTS, if not empty). An empty
// eventID or ts gets a fresh one.
func MessageEvent(teamID, eventID, channelID, userID, text, ts, threadTS string) map[string]any {
	teamID, channelID, userID = cmp.Or(teamID, TeamID), cmp.Or(channelID, ChannelID), cmp.Or(userID, UserID)
	ts = cmp.Or(ts, tsAt(time.Now()))
	ev := map[string]any{
		"type": "message", "channel": channelID, "user": userID, "text": text, "ts": ts, "event_ts": ts,
		"channel_type": channelType(channelID), "team": teamID, "client_msg_id": newUUID(),
	}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return eventCallback(teamID, eventID, ts, ev)
}

// AppMention returns an event_callback wrapping an app_mention: userID wrote
// text mentioning botUserID (default BotUserID) in channelID at ts. Slack
// puts the mention in the text, so "<@botUserID> " is prefixed unless text
// already contains it. An empty eventID or ts gets a fresh one.
func AppMention(teamID, eventID, channelID, userID, botUserID, text, ts string) map[string]any {
	teamID, channelID, userID = cmp.Or(teamID, TeamID), cmp.Or(channelID, ChannelID), cmp.Or(userID, UserID)
	mention := "<@" + cmp.Or(botUserID, BotUserID) + ">"
	if !strings.Contains(text, mention) {
		text = mention + " " + text
	}
	ts = cmp.Or(ts, tsAt(time.Now()))
	ev := map[string]any{
		"type": "app_mention", "channel": channelID, "user": userID, "text": text, "ts": ts, "event_ts": ts,
		"team": teamID, "client_msg_id": newUUID(),
	}
	return eventCallback(teamID, eventID, ts, ev)
}

// URLVerification returns the url_verification request Slack sends when the
// events URL is configured; the bot must answer with the challenge.
func URLVerification(challenge string) map[string]any {
	return map[string]any{"token": VerificationToken, "challenge": challenge, "type": "url_verification"}
}

func eventCallback(teamID, eventID, ts string, ev map[string]any) map[string]any {
	eventTime := time.Now().Unix()
	if sec, _, _ := strings.Cut(ts, "."); sec != "" {
		if n, err := strconv.ParseInt(sec, 10, 64); err == nil {
			eventTime = n
		}
	}
	return map[string]any{
		"token":      VerificationToken,
		"team_id":    teamID,
		"api_app_id": AppID,
		"event":      ev,
		"type":       "event_callback",
		"event_id":   cmp.Or(eventID, "Ev"+strings.ToUpper(randomHex(5))),
		"event_time": eventTime,
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": teamID, "user_id": BotUserID, "is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + randomHex(12),
	}
}

// NewTriggerID returns a fresh trigger_id shaped like Slack's
// ("1700000000123.4242.9f8e..."). Its first part is the issue time in Unix
// milliseconds, from which views.open enforces TriggerTTL. Trigger IDs of
// any other shape never expire in the fake.
func NewTriggerID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%d.%d.%s", time.Now().UnixMilli(), binary.BigEndian.Uint32(b[:]), randomHex(16))
}

// triggerIssued returns when a NewTriggerID trigger was issued.
func triggerIssued(id string) (time.Time, bool) {
	first, _, ok := strings.Cut(id, ".")
	ms, err := strconv.ParseInt(first, 10, 64)
	// Real trigger ids start with a smaller number; only ours is a plausible
	// millisecond clock.
	if !ok || err != nil || ms < 1_500_000_000_000 || ms > time.Now().Add(24*time.Hour).UnixMilli() {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

func isSelect(actionID string) bool { return strings.Contains(strings.ToLower(actionID), "select") }

func plainText(s string) map[string]any {
	return map[string]any{"type": "plain_text", "text": s, "emoji": true}
}

func option(value string) map[string]any {
	return map[string]any{"text": plainText(value), "value": value}
}

func user(teamID, id string) map[string]any {
	return map[string]any{"id": id, "username": userName(id), "name": userName(id), "team_id": teamID}
}

// userName is the default handle of a user, as users.info reports it.
func userName(id string) string {
	if id == UserID {
		return UserName
	}
	return "user-" + strings.ToLower(id)
}

// channelName is the default name of a channel, as conversations.info and
// slash commands report it.
func channelName(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	}
	return "channel-" + strings.ToLower(id)
}

func channelType(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "im"
	case strings.HasPrefix(id, "G"):
		return "group"
	}
	return "channel"
}

// tsAt formats t as a Slack timestamp.
func tsAt(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the shape of Slack's envelope
// and client message IDs.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
