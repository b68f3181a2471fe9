package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

func printHelp(w io.Writer) {
	fmt.Fprint(w, `disputedesk: disputes, returns and recalls, worked as playbooks in chat.

Usage:
  disputedesk console [--user NAME]   the bot on stdin/stdout, one chat command per line
  disputedesk serve                   the HTTP server and chat platform adapters
  disputedesk migrate                 apply database migrations and print the version
  disputedesk playbooks list          the playbooks a team can open
  disputedesk playbooks show NAME     a playbook's fields, steps, deadlines and outcomes
  disputedesk playbooks lint DIR      check a directory of playbook files
  disputedesk summary [--channel platform:workspace/channel] [--date YYYY-MM-DD] [--post]
                                      print a channel's daily summary, or queue it as the day's
  disputedesk version                 print the version
  disputedesk help                    this text

Configuration (environment; settings marked * also read NAME_FILE):
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range settings {
		name := s.name
		if s.secret {
			name += "*"
		}
		fmt.Fprintf(tw, "  %s\t%s (default: %s)\n", name, s.doc, s.def)
	}
	tw.Flush()
	fmt.Fprint(w, "\nIn chat, /case help lists the commands.\n")
}
