package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// fixFlag, after a case's reference, makes /case note correct a note.
const fixFlag = "--fix"

// fixNote corrects note n of a case (as /case show numbers them) with a
// new event: the note's first text and every correction stay on the
// timeline, and /case show lists the latest text.
func (r *Router) fixNote(ctx context.Context, c *call, cs storage.Case) (bot.Reply, error) {
	n, err := strconv.Atoi(c.in.Arg(2))
	if err != nil || n < 1 {
		return bot.Reply{}, c.usageErrorf("give the number of the note to correct, as /case show %s lists them: /case note %s --fix 2 new text", cs.Ref, cs.Ref)
	}
	text := c.in.Rest(2)
	if text == "" {
		return bot.Reply{}, c.usageErrorf("the corrected note is empty: write it after the note's number")
	}
	events, err := r.deps.Store.Timeline(ctx, cs.ID) // the case is locked: no note comes in between
	if err != nil {
		return bot.Reply{}, fmt.Errorf("notes of %s: %w", cs.Ref, err)
	}
	ns := notes(events)
	if n > len(ns) {
		return bot.Reply{}, userErrorf("%s has %d note(s): there is no note %d. /case show %s lists them.", cs.Ref, len(ns), n, cs.Ref)
	}
	was := ns[n-1].Text
	if was == text {
		return bot.Reply{}, userErrorf("note %d of %s says that already: nothing changed.", n, cs.Ref)
	}
	ev := storage.Event{CaseID: cs.ID, At: c.now, Actor: c.req.User, Kind: storage.EventNoteFixed, Body: text,
		Data: map[string]string{"note": strconv.Itoa(n), "was": was}}
	if err := c.tx.AppendEvent(ctx, &ev); err != nil {
		return bot.Reply{}, fmt.Errorf("correct note %d of %s: %w", n, cs.Ref, err)
	}
	c.changed(cs, nil)
	return bot.Reply{Text: fmt.Sprintf("Corrected note %d on %s: %s", n, cs.Ref, text)}, nil
}

// note is a note as it reads now: its latest text, who wrote it first and
// when, and whether it was corrected.
type note struct {
	Text      string
	By        string
	At        time.Time
	Corrected bool
}

// notes are a case's notes in timeline order, numbered from 1 by their
// place, each with its corrections applied.
func notes(events []storage.Event) []note {
	var ns []note
	for _, ev := range events {
		switch ev.Kind {
		case storage.EventNote:
			ns = append(ns, note{Text: ev.Body, By: ev.Actor, At: ev.At})
		case storage.EventNoteFixed:
			if n, err := strconv.Atoi(ev.Data["note"]); err == nil && n >= 1 && n <= len(ns) {
				ns[n-1].Text, ns[n-1].Corrected = ev.Body, true
			}
		}
	}
	return ns
}

// notesSection lists a case's notes by number, as /case note --fix takes
// them; ok is false when it has none.
func notesSection(events []storage.Event, loc *time.Location) (bot.Section, bool) {
	ns := notes(events)
	sec := bot.Section{Title: "Notes"}
	for i, n := range ns {
		line := fmt.Sprintf("%d. %s (%s, %s)", i+1, n.Text, actor(n.By), deadline.When(n.At, loc))
		if n.Corrected {
			line += " · corrected"
		}
		sec.Lines = append(sec.Lines, line)
	}
	return sec, len(ns) > 0
}
