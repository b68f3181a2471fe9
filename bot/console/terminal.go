package console

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/peterh/liner"
)

// Terminal is a LineReader for a person at a terminal: line editing (arrow
// keys, Ctrl-A/E, Ctrl-W), history with the up arrow and Ctrl-R, kept in a
// file between sessions. It uses github.com/peterh/liner, pure Go and small,
// which keeps the terminal in raw mode only while a line is read, so replies
// print normally. Only for a terminal: scripts and pipes read In.
type Terminal struct {
	state   *liner.State
	history string
}

var _ LineReader = (*Terminal)(nil)

// OpenTerminal takes over standard input, loading history from
// historyFile when it exists; "" keeps no history. Close gives the terminal back.
func OpenTerminal(historyFile string) *Terminal {
	t := &Terminal{state: liner.NewLiner(), history: historyFile}
	t.state.SetCtrlCAborts(true)
	if historyFile != "" {
		if f, err := os.Open(historyFile); err == nil {
			t.state.ReadHistory(f)
			f.Close()
		}
	}
	return t
}

// ReadLine reads a line after showing prompt. Ctrl-C drops the line being
// typed, as in a shell, and Ctrl-D on an empty line returns io.EOF.
func (t *Terminal) ReadLine(prompt string) (string, error) {
	l, err := t.state.Prompt(prompt)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", nil
	}
	if err == nil && strings.TrimSpace(l) != "" {
		t.state.AppendHistory(l)
	}
	return l, err
}

// Close saves the history, readable only by its owner as notes may name
// customers, and gives the terminal back.
func (t *Terminal) Close() error {
	var saveErr error
	if t.history != "" {
		saveErr = t.saveHistory()
	}
	return errors.Join(saveErr, t.state.Close())
}

func (t *Terminal) saveHistory() error {
	f, err := os.OpenFile(t.history, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("console history: %w", err)
	}
	if _, err := t.state.WriteHistory(f); err != nil {
		f.Close()
		return fmt.Errorf("console history: %w", err)
	}
	return f.Close()
}
