package discord

import (
	"sync"
	"time"
)

// progress shows a slow reply while it is written (a draft from a model)
// by editing the deferred response, at most once per every: Discord rate
// limits edits, and the final reply replaces whatever was shown.
type progress struct {
	every time.Duration
	now   func() time.Time
	edit  func(text string)

	// mu is held during an edit, so that stop waits for one in flight and
	// no edit lands after the final reply.
	mu    sync.Mutex
	shown bool // the deferred response is there to edit
	done  bool
	last  time.Time
}

// deferred records whether the deferred response went out.
func (p *progress) deferred(ok bool) {
	p.mu.Lock()
	p.shown = ok
	p.mu.Unlock()
}

// show edits the response to text, unless it was edited less than every ago.
func (p *progress) show(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if !p.shown || p.done || now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.edit(text)
}

// stop ends the progress before the final reply goes out.
func (p *progress) stop() {
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
}
