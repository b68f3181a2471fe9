package slack

import (
	"regexp"
	"strings"
)

// slackMarkup matches Slack's markup in incoming text: <@U123|name>,
// <#C123|name>, <!here>, <https://...|label>.
var slackMarkup = regexp.MustCompile(`<([^<>]*)>`)

// incomingText turns the text of a Slack message or slash command into what
// the user typed: mentions as "@U123", a user group as "@&S123" (the form
// Discord's roles take, so commands read one), channels as "#name", links as
// linkText writes them, and &amp; &lt; &gt; unescaped.
func incomingText(s string) string {
	if strings.IndexByte(s, '<') >= 0 {
		var b strings.Builder
		last := 0
		for _, m := range slackMarkup.FindAllStringSubmatchIndex(s, -1) {
			b.WriteString(s[last:m[0]])
			inValue := m[0] > 0 && s[m[0]-1] == '='
			b.WriteString(markupText(s[m[2]:m[3]], inValue))
			last = m[1]
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return mrkdwnUnescaper.Replace(s)
}

// mrkdwnUnescaper undoes Slack's escaping of incoming text. It is built
// once: a strings.Replacer costs a dozen allocations to build, and every
// request reads its text through it (issue 15).
var mrkdwnUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// markupText is what one piece of Slack markup (without its <>) stands for;
// inValue says it is the value of a key=value field.
func markupText(inner string, inValue bool) string {
	target, label, _ := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		return target
	case strings.HasPrefix(target, "#"):
		if label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!subteam^"):
		return "@&" + strings.TrimPrefix(target, "!subteam^")
	case strings.HasPrefix(target, "!"):
		if label != "" {
			return label
		}
		return "@" + strings.TrimPrefix(target, "!")
	}
	return linkText(target, label, inValue)
}

// linkText writes a link: what the user typed when Slack made the link of it
// (the label is the URL, with or without its scheme), else the label with
// the URL after it, "order 1042 (https://...)", so that the URL is not lost.
// As a key=value value (ref=<url|label>) it is the URL alone, which keeps
// the value one word and is what a reference to evidence needs.
func linkText(target, label string, inValue bool) string {
	switch {
	case label == "" || inValue:
		return strings.TrimPrefix(target, "mailto:")
	case label == target, strings.TrimPrefix(target, "mailto:") == label,
		strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://") == label:
		return label
	}
	return label + " (" + target + ")"
}
