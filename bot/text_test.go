package bot_test

import (
	"slices"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

func TestPackLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		max   int
		want  []string
	}{
		{"fits whole", []string{"ab", "cd"}, 5, []string{"ab\ncd"}},
		{"breaks between lines", []string{"ab", "cd", "ef"}, 5, []string{"ab\ncd", "ef"}},
		{"exactly max", []string{"abcde", "f"}, 5, []string{"abcde", "f"}},
		{"counts characters, not bytes", []string{"æø", "å"}, 4, []string{"æø\nå"}},
		{"a long line alone", []string{"a", "abcdefg", "b"}, 5, []string{"a", "abcdefg", "b"}},
		{"nothing", nil, 5, nil},
	} {
		if got := bot.PackLines(tc.lines, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("%s: PackLines = %q, want %q", tc.name, got, tc.want)
		}
	}
}
