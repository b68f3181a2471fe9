package commands

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

// once runs fn in one transaction recorded under req's id, so that what fn
// changes and the reply it answers commit together. A request already
// recorded (a platform's retry, a second replica) changes nothing again:
// once returns the first reply with replayed true.
func (r *Router) once(ctx context.Context, req *bot.Request, fn func(storage.Tx) (bot.Reply, error)) (reply bot.Reply, replayed bool, err error) {
	resp, replayed, err := r.deps.Store.Update(ctx, storage.RequestKey{Platform: req.Platform, ID: req.ID},
		func(tx storage.Tx) ([]byte, error) {
			var err error
			if reply, err = fn(tx); err != nil {
				return nil, err
			}
			return json.Marshal(reply)
		})
	if err != nil || !replayed {
		return reply, false, err
	}
	reply = bot.Reply{}
	if err := json.Unmarshal(resp, &reply); err != nil {
		return bot.Reply{}, true, fmt.Errorf("replay %s: %w", req.ID, err)
	}
	return reply, true, nil
}
