package bot

import (
	"strings"
	"unicode/utf8"
)

// PackLines joins lines with newlines into as few parts as it can of at
// most max characters each, breaking only between lines: how an adapter
// fits a long text into its platform's messages or blocks. A line longer
// than max is a part of its own; callers cut or split such lines first.
func PackLines(lines []string, max int) []string {
	var parts []string
	var b strings.Builder
	n := 0 // characters in b
	for _, line := range lines {
		ln := utf8.RuneCountInString(line)
		if b.Len() > 0 && n+1+ln > max {
			parts = append(parts, b.String())
			b.Reset()
			n = 0
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			n++
		}
		b.WriteString(line)
		n += ln
	}
	if b.Len() > 0 {
		parts = append(parts, b.String())
	}
	return parts
}
