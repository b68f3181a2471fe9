package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/internal/discordfake"
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
	send(chargeback(discordfake.Opts{ChannelID: discordfake.ForumID}))
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

	send(discordfake.SlashCommand("case", discordfake.Opts{}, discordfake.Sub("close", discordfake.Opt("case", "CB-1001"), discordfake.Opt("outcome", "won"))))
	d.WaitThreads(t, 15*time.Second, func(ts []discordfake.Thread) bool {
		th, ok := d.Thread(post.ID)
		return ok && th.Archived && tagNames(th) == "chargeback,closed"
	})
}
