package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/disputedesk/disputedesk/bot"
)

// Gateway reconnection backoff.
const (
	firstRedial = time.Second
	maxRedial   = time.Minute
	// stableFor is how long a connection must have lasted for the next
	// redial to start from firstRedial again.
	stableFor = time.Minute
)

// fatalCloseCodes are the gateway's close codes after which connecting
// again cannot help (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes).
var fatalCloseCodes = map[int]string{
	4004: "Discord refused the bot token (close code 4004): check DISCORD_BOT_TOKEN",
	4010: "Discord refused the shard (close code 4010)",
	4011: "the bot is in too many servers for one connection and needs sharding (close code 4011)",
	4012: "Discord refused the gateway version (close code 4012)",
	4013: "Discord refused the intents as invalid (close code 4013)",
	4014: "Discord refused a privileged intent (close code 4014): turn on Message Content Intent on the Developer Portal's Bot page",
}

// gateway is the part of discordgo's session that connects to the gateway.
type gateway interface {
	Open() error
	Close() error
	AddHandler(handler any) func()
}

// runGateway receives interactions and messages over the gateway until ctx
// is done. A dropped connection is opened again (discordgo then resumes
// the session), with a backoff while it fails; a refused token or intents
// end Run with an error that says which, rather than retrying forever.
func (a *Adapter) runGateway(ctx context.Context, h bot.Handler) error {
	return a.serveGateway(ctx, a.session, h)
}

func (a *Adapter) serveGateway(ctx context.Context, gw gateway, h bot.Handler) error {
	dropped := make(chan struct{}, 1)
	defer gw.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		if r.User != nil {
			a.setSelf(r.User.ID)
		}
		a.log.Info("discord: gateway ready", "session_id", r.SessionID, "guilds", len(r.Guilds))
	})()
	defer gw.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		a.interaction(h, ic.Interaction, func(resp *discordgo.InteractionResponse) error {
			return a.rest.InteractionRespond(ic.Interaction, resp)
		})
	})()
	defer gw.AddHandler(func(_ *discordgo.Session, mc *discordgo.MessageCreate) { a.message(h, mc.Message) })()
	defer gw.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		select {
		case dropped <- struct{}{}:
		default:
		}
	})()
	wait := firstRedial
	for {
		opened := time.Now()
		err := gw.Open()
		if err == nil {
			a.log.Info("discord: gateway connected")
			select {
			case <-ctx.Done():
				_ = gw.Close()
				return nil
			case <-dropped:
			}
			if time.Since(opened) > stableFor {
				wait = firstRedial
			}
			a.log.Warn("discord: gateway connection dropped; resuming", "in", wait)
		} else {
			if fatal := fatalClose(err); fatal != nil {
				return fatal
			}
			a.log.Warn("discord: gateway connection failed; retrying", "in", wait, "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, maxRedial)
		select { // a Disconnect from the failed attempt is not a new drop
		case <-dropped:
		default:
		}
	}
}

// fatalClose returns the error Run ends with when err is a close code
// after which connecting again cannot help, else nil.
func fatalClose(err error) error {
	ce, ok := errors.AsType[*websocket.CloseError](err)
	if !ok {
		return nil
	}
	if why, fatal := fatalCloseCodes[ce.Code]; fatal {
		return fmt.Errorf("discord gateway: %s", why)
	}
	return nil
}
