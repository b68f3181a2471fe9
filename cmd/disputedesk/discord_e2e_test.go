package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/discordfake"
	"github.com/disputedesk/disputedesk/internal/slackfake"
)

// discordEnv is the configuration of the binary against d; with gateway
// false it takes interactions only on POST /discord/interactions.
func discordEnv(d *discordfake.Server, dbURL string, gateway bool) []string {
	env := []string{"DATABASE_URL=" + dbURL,
		"DISCORD_API_URL=" + d.APIURL(), "DISCORD_BOT_TOKEN=" + discordfake.BotToken,
		"DISCORD_APP_ID=" + discordfake.AppID, "DISCORD_PUBLIC_KEY=" + d.PublicKey(),
		"DISCORD_GUILD_ID=" + discordfake.GuildID}
	if !gateway {
		env = append(env, "DISCORD_GATEWAY=false")
	}
	return env
}

// chargeback is /dispute chargeback as a Discord user sends it.
func chargeback(opt discordfake.Opts) map[string]any {
	return discordfake.SlashCommand("dispute", opt, discordfake.Sub("chargeback",
		discordfake.Opt("order", "1042"), discordfake.Opt("amount", "49,90"), discordfake.Opt("currency", "EUR")))
}

// cardOf is the first posted message that shows ref's card.
func cardOf(ref string, msgs []discordfake.Message) (discordfake.Message, bool) {
	for _, m := range msgs {
		if m.Op == "create" && m.InteractionID == "" && len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Title, ref) {
			return m, true
		}
	}
	return discordfake.Message{}, false
}

func responseText(rs []discordfake.Response) string {
	var b strings.Builder
	for _, r := range rs {
		b.Write(r.Body)
	}
	return b.String()
}

func TestDiscordHTTP(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			d := discordfake.New(t)
			dbURL := newDB(t)
			srv := serve(t, discordEnv(d, dbURL, false)...)
			client := d.Client(srv.base)

			// Forged, wrong-key and stale interactions are refused and store nothing.
			for what, opt := range map[string]discordfake.SignOpts{
				"unsigned": {Unsigned: true}, "forged": {Forged: true}, "wrong key": {WrongKey: true},
				"stale": {Timestamp: time.Now().Add(-10 * time.Minute)},
			} {
				resp, _, err := client.Send(chargeback(discordfake.Opts{}), opt)
				if err != nil || resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s interaction: %v %v, want 401", what, err, resp)
				}
			}
			if n := caseCount(t, dbURL); n != 0 {
				t.Fatalf("%d cases after refused interactions, want 0", n)
			}

			// A slash command opens a case; the card is posted and a thread started from it.
			open := chargeback(discordfake.Opts{})
			resp, body, err := client.Send(open, discordfake.SignOpts{})
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("slash command: %v %v %s\n%s", err, resp, body, srv.logs.String())
			}
			id := open["id"].(string)
			rs := d.WaitResponses(t, id, 10*time.Second, func(r []discordfake.Response) bool {
				return strings.Contains(responseText(r), "Opened CB-1001")
			})
			_ = rs
			msgs := d.WaitFor(t, 10*time.Second, func(m []discordfake.Message) bool { _, ok := cardOf("CB-1001", m); return ok })
			card, _ := cardOf("CB-1001", msgs)
			threads := d.WaitThreads(t, 10*time.Second, func(ts []discordfake.Thread) bool {
				for _, th := range ts {
					if th.StarterMessageID == card.ID && strings.HasPrefix(th.Name, "CB-1001") {
						return true
					}
				}
				return false
			})
			var thread discordfake.Thread
			for _, th := range threads {
				if th.StarterMessageID == card.ID {
					thread = th
				}
			}

			// Discord delivers the same interaction again: still one case.
			if resp, _, err := client.Send(open, discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("retried interaction: %v %v", err, resp)
			}
			if n := caseCount(t, dbURL); n != 1 {
				t.Errorf("%d cases after a retried interaction, want 1", n)
			}

			// The card's button marks the step done: the thread hears of it, the card is edited.
			customID := buttonID(card, "acknowledge")
			if customID == "" {
				t.Fatalf("the card has no button for acknowledge: %s", card.Body)
			}
			press := discordfake.ButtonClick(customID, discordfake.Opts{MessageID: card.ID, MessageChannelID: card.ChannelID})
			if resp, _, err := client.Send(press, discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("button: %v %v", err, resp)
			}
			d.WaitFor(t, 10*time.Second, func(m []discordfake.Message) bool {
				var posted, edited bool
				for _, x := range m {
					posted = posted || x.Op == "create" && x.ChannelID == thread.ID && strings.Contains(x.Content, "Done on CB-1001")
					edited = edited || x.Op == "edit" && x.ID == card.ID
				}
				return posted && edited
			})
		})
	}
}

// buttonID is the custom_id of the button of m whose label names step.
func buttonID(m discordfake.Message, step string) string {
	var rows []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	var body struct {
		Components json.RawMessage `json:"components"`
	}
	if json.Unmarshal(m.Body, &body) != nil || json.Unmarshal(body.Components, &rows) != nil {
		return ""
	}
	for _, r := range rows {
		for _, c := range r.Components {
			if strings.Contains(c.Label, step) {
				return c.CustomID
			}
		}
	}
	return ""
}

// TestDiscordForumAndAutocomplete: a case opened in a forum channel is a
// forum post tagged with its playbook and status; closing it retags and
// archives the post. Autocomplete offers the guild's open cases, and 429
// then 200 posts the card once.
func TestDiscordForumAndAutocomplete(t *testing.T) {
	d := discordfake.New(t)
	dbURL := t.TempDir() + "/cases.db"
	srv := serve(t, discordEnv(d, dbURL, false)...)
	client := d.Client(srv.base)
	send := func(p map[string]any) string {
		t.Helper()
		if resp, body, err := client.Send(p, discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("interaction: %v %v %s", err, resp, body)
		}
		return p["id"].(string)
	}
	d.FailNext(discordfake.RouteStartThread, discordfake.RateLimit(500*time.Millisecond))
	// A command comes with its channel as Discord describes it: here the forum.
	open := chargeback(discordfake.Opts{ChannelID: discordfake.ForumID})
	open["channel"] = map[string]any{"id": discordfake.ForumID, "type": discordfake.ChannelForum}
	send(open)
	posts := d.WaitThreads(t, 15*time.Second, func(ts []discordfake.Thread) bool {
		for _, th := range ts {
			if th.Forum && strings.HasPrefix(th.Name, "CB-1001") {
				return true
			}
		}
		return false
	})
	var post discordfake.Thread
	for _, th := range posts {
		if th.Forum && strings.HasPrefix(th.Name, "CB-1001") {
			if post.ID != "" {
				t.Fatalf("two forum posts for CB-1001 after a 429: %+v", posts)
			}
			post = th
		}
	}
	tagNames := func(th discordfake.Thread) string {
		byID := map[string]string{}
		for _, tag := range d.Tags(discordfake.ForumID) {
			byID[tag.ID] = tag.Name
		}
		var names []string
		for _, id := range th.AppliedTags {
			names = append(names, byID[id])
		}
		return strings.Join(names, ",")
	}
	if n := d.Calls(discordfake.RouteStartThread); n != 2 {
		t.Errorf("%d forum post calls, want 2: the 429, then the post", n)
	}
	if got := tagNames(post); got != "chargeback,open" {
		t.Errorf("the forum post is tagged %q, want chargeback,open", got)
	}

	id := send(discordfake.Autocomplete("case", discordfake.Opts{}, discordfake.Sub("show", discordfake.Focused("case", "CB"))))
	rs := d.WaitResponses(t, id, 5*time.Second, func(r []discordfake.Response) bool { return len(r) > 0 })
	if len(rs[0].Choices) != 1 || !strings.Contains(rs[0].Choices[0].Name, "CB-1001") {
		t.Errorf("autocomplete offered %+v, want CB-1001", rs[0].Choices)
	}

	send(discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("close", discordfake.Opt("case", "CB-1001"), discordfake.Opt("outcome", "won"), discordfake.Opt("force", "yes"))))
	d.WaitThreads(t, 15*time.Second, func(ts []discordfake.Thread) bool {
		th, ok := d.Thread(post.ID)
		return ok && th.Archived && tagNames(th) == "chargeback,closed"
	})
}

// TestDiscordGateway: over the gateway, a slash command opens a case with
// its thread; a message in the thread goes on the timeline once, however
// often Discord delivers it; the connection dropped mid-run resumes and
// nothing is lost.
func TestDiscordGateway(t *testing.T) {
	d := discordfake.New(t)
	dbURL := t.TempDir() + "/cases.db"
	srv := serve(t, discordEnv(d, dbURL, true)...)
	d.WaitConnected(t, 10*time.Second)

	id := d.DispatchInteraction(chargeback(discordfake.Opts{}))
	d.WaitResponses(t, id, 10*time.Second, func(r []discordfake.Response) bool {
		return strings.Contains(responseText(r), "Opened CB-1001")
	})
	var thread discordfake.Thread
	d.WaitThreads(t, 10*time.Second, func(ts []discordfake.Thread) bool {
		for _, th := range ts {
			if strings.HasPrefix(th.Name, "CB-1001") {
				thread = th
				return true
			}
		}
		return false
	})

	// The fake answers the thread's start a moment before the bot has
	// stored it; a note's post in the thread can only follow once it has.
	d.DispatchInteraction(discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("note",
		discordfake.Opt("case", "CB-1001"), discordfake.Opt("text", "Asked the carrier"))))
	d.WaitFor(t, 10*time.Second, func(m []discordfake.Message) bool {
		for _, x := range m {
			if x.ChannelID == thread.ID && strings.Contains(x.Content, "noted: Asked the carrier") {
				return true
			}
		}
		return false
	})

	msg := discordfake.UserMessage("Carrier says it is in Trondheim, æøå", discordfake.Opts{ChannelID: thread.ID, MessageID: discordfake.NewID()})
	d.Dispatch("MESSAGE_CREATE", msg)
	d.Dispatch("MESSAGE_CREATE", msg) // delivered again

	// The gateway drops; what happens while the bot is away is replayed on resume.
	d.DropConnection()
	later := discordfake.UserMessage("Parcel found", discordfake.Opts{ChannelID: thread.ID, MessageID: discordfake.NewID()})
	d.Dispatch("MESSAGE_CREATE", later)
	d.Until(t, 15*time.Second, "a resume", func() bool { return d.Gateway().Resumes > 0 })

	deadline := time.Now().Add(15 * time.Second)
	for {
		out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case show CB-1001\n", "console")
		once := strings.Count(out, "Carrier says it is in Trondheim, æøå") == 1
		if once && strings.Contains(out, "Parcel found") {
			break
		}
		if strings.Count(out, "Carrier says") > 1 || time.Now().After(deadline) {
			t.Fatalf("the timeline after two deliveries and a resume:\n%s\n%s", out, srv.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(d.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1: a dropped connection resumes", n)
	}
}

// TestSlackAndDiscordOnOneServe: one serve, one database, both platforms.
// Each platform's cases live in their own workspace and neither sees the
// other's; the console, the operator's shell, sees both.
func TestSlackAndDiscordOnOneServe(t *testing.T) {
	for name, newDB := range databases(t) {
		t.Run(name, func(t *testing.T) {
			sf, d := slackfake.New(t), discordfake.New(t)
			dbURL := newDB(t)
			srv := serve(t, append(slackEnv(sf, dbURL), discordEnv(d, dbURL, false)[1:]...)...)
			slackClient, discordClient := sf.Client(srv.base, slackfake.SigningSecret), d.Client(srv.base)

			if _, body, err := slackClient.SlashCommand("/dispute", "chargeback order=1042 amount=49,90 currency=EUR", slackfake.SlashOpts{}); err != nil || !strings.Contains(string(body), "Opened CB-1001") {
				t.Fatalf("Slack open: %v %s", err, body)
			}
			open := discordfake.SlashCommand("return", discordfake.Opts{}, discordfake.Opt("order", "2231"), discordfake.Opt("reason", "damaged"))
			if resp, _, err := discordClient.Send(open, discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("Discord open: %v %v", err, resp)
			}
			d.WaitResponses(t, open["id"].(string), 10*time.Second, func(r []discordfake.Response) bool {
				return strings.Contains(responseText(r), "Opened RMA-1001")
			})

			// Discord asks for Slack's case, Slack for Discord's: neither exists for them.
			show := discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("show", discordfake.Opt("case", "CB-1001")))
			if _, _, err := discordClient.Send(show, discordfake.SignOpts{}); err != nil {
				t.Fatal(err)
			}
			d.WaitResponses(t, show["id"].(string), 10*time.Second, func(r []discordfake.Response) bool {
				return strings.Contains(responseText(r), "there is no case CB-1001")
			})
			if _, body, _ := slackClient.SlashCommand("/case", "show RMA-1001", slackfake.SlashOpts{}); !strings.Contains(string(body), "there is no case RMA-1001") {
				t.Errorf("Slack sees Discord's case: %s", body)
			}

			out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case list all\n", "console")
			for _, want := range []string{"CB-1001", "slack " + slackfake.TeamID, "RMA-1001", "discord " + discordfake.GuildID} {
				if !strings.Contains(out, want) {
					t.Errorf("the console's /case list all lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestDiscordMissingAccess: a channel the bot cannot see fails the card for
// good (403 50001), and /case show says so.
func TestDiscordMissingAccess(t *testing.T) {
	d := discordfake.New(t)
	hidden := discordfake.NewID()
	d.AddChannel(discordfake.Channel{ID: hidden, Name: "hidden", Hidden: true})
	dbURL := t.TempDir() + "/cases.db"
	srv := serve(t, discordEnv(d, dbURL, false)...)
	client := d.Client(srv.base)
	if resp, _, err := client.Send(chargeback(discordfake.Opts{ChannelID: hidden}), discordfake.SignOpts{}); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("open: %v %v", err, resp)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, _, _ := cli(t, []string{"DATABASE_URL=" + dbURL}, "/case show CB-1001\n", "console")
		if strings.Contains(out, "Messages the bot could not post") && strings.Contains(out, "Missing Access") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/case show does not show the refused card:\n%s\n%s", out, srv.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The adapter looks at the channel first (text or forum): that is the
	// call refused, once, and nothing is tried again.
	if n := d.Calls(discordfake.RouteGetChannel) + d.Calls(discordfake.RouteCreateMessage); n != 1 {
		t.Errorf("%d calls for the card, want 1: Missing Access is for good", n)
	}
}
