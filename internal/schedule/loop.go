package schedule

import (
	"context"
	"log/slog"
	"time"
)

// loop runs once at once and then every every until ctx is done, and
// returns nil then. A failure is logged when it starts and when it ends,
// not on every pass; after a pass that queued messages it calls wake.
func loop(ctx context.Context, every time.Duration, log *slog.Logger, what string, once func(context.Context) (int, error), wake func()) error {
	if every <= 0 {
		every = time.Minute
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	failing := false
	for {
		n, err := once(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && !failing:
			log.Warn(what+" failed; retrying every interval", "interval", every, "error", err)
			failing = true
		case err == nil && failing:
			log.Info(what + " work again")
			failing = false
		}
		if n > 0 {
			log.Debug(what+" queued", "runs", n)
			if wake != nil {
				wake()
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
