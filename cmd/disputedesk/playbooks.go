package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/disputedesk/disputedesk/playbooks"
)

const playbooksUsage = "disputedesk playbooks list | show NAME | lint FILE|DIR"

// PlaybooksCmd lists, shows and checks playbooks.
func (m *Main) PlaybooksCmd(args []string) error {
	if len(args) == 0 {
		return &usageError{errors.New("usage: " + playbooksUsage)}
	}
	switch verb, rest := args[0], args[1:]; verb {
	case "lint":
		if len(rest) != 1 {
			return &usageError{errors.New("usage: disputedesk playbooks lint FILE|DIR")}
		}
		return m.lintPlaybooks(rest[0])
	case "list", "show":
		cfg, err := LoadConfig(m.Getenv)
		if err != nil {
			return fmt.Errorf("configuration:\n%w", err)
		}
		catalog, err := playbooks.Load(cfg.PlaybooksDir)
		if err != nil {
			return err
		}
		if verb == "list" {
			listPlaybooks(m.Stdout, catalog)
			return nil
		}
		if len(rest) != 1 {
			return &usageError{errors.New("usage: disputedesk playbooks show NAME")}
		}
		pb, ok := catalog.Get(rest[0])
		if !ok {
			return fmt.Errorf("there is no playbook %q: the playbooks are %s", rest[0], strings.Join(catalog.Names(), ", "))
		}
		showPlaybook(m.Stdout, pb)
		return nil
	default:
		return &usageError{fmt.Errorf("unknown playbooks command %q; usage: %s", verb, playbooksUsage)}
	}
}

// lintPlaybooks checks one playbook file, or every playbook in a
// directory, and prints one line per problem.
func (m *Main) lintPlaybooks(path string) error {
	pbs, err := loadForLint(path)
	var problems playbooks.Problems
	if errors.As(err, &problems) {
		fmt.Fprintln(m.Stdout, problems.Error())
		return fmt.Errorf("%d problem(s) in %s", len(problems), path)
	}
	if err != nil {
		return err
	}
	if _, err := playbooks.NewCatalog(pbs...); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %d playbook(s), no problems.\n", path, len(pbs))
	return nil
}

// loadForLint reads path as a directory of playbooks or as one file, so a
// file can be checked while it is written, before it joins the others.
func loadForLint(path string) ([]*playbooks.Playbook, error) {
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		pb, err := playbooks.LoadFile(path)
		if err != nil {
			return nil, err
		}
		return []*playbooks.Playbook{pb}, nil
	}
	return playbooks.LoadDir(path)
}

func listPlaybooks(w io.Writer, c *playbooks.Catalog) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPREFIX\tCOMMAND\tSTEPS\tDESCRIPTION")
	for _, pb := range c.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", pb.Name, pb.Prefix, cmp.Or(pb.Shorthand, "/case open "+pb.Name), len(pb.Steps), pb.Description)
	}
	tw.Flush()
}

func showPlaybook(w io.Writer, pb *playbooks.Playbook) {
	fmt.Fprintf(w, "%s (%s, cases %s-…): %s\n", pb.Title, pb.Name, pb.Prefix, pb.Description)
	if pb.Shorthand != "" {
		fmt.Fprintf(w, "Open with %s or /case open %s\n", pb.Shorthand, pb.Name)
	}
	fmt.Fprintln(w, "\nFields:")
	for _, f := range pb.Fields {
		req := ""
		if f.Required {
			req = ", required"
		}
		fmt.Fprintf(w, "  %s (%s%s): %s\n", f.Name, f.Type, req, f.HelpOrLabel())
		for _, v := range f.Values {
			fmt.Fprintf(w, "      %s  %s\n", v.Value, v.Label)
		}
	}
	fmt.Fprintln(w, "\nSteps:")
	for i, s := range pb.Steps {
		fmt.Fprintf(w, "  %d. %s  %s", i+1, s.ID, s.Title)
		if s.Owner != "" {
			fmt.Fprintf(w, " [%s]", s.Owner)
		}
		if s.Due != "" {
			fmt.Fprintf(w, " due %s", s.Due)
		}
		if s.When != "" {
			fmt.Fprintf(w, " (when %s)", s.When)
		}
		fmt.Fprintln(w)
		for _, item := range s.Checklist {
			fmt.Fprintf(w, "       [ ] %s\n", item)
		}
	}
	if len(pb.Deadlines) > 0 {
		fmt.Fprintln(w, "\nDeadlines:")
		for _, d := range pb.Deadlines {
			fmt.Fprintf(w, "  %s: %s\n      source: %s\n", d.Title, d.Rule, d.Source)
			if d.When != "" {
				fmt.Fprintf(w, "      when %s\n", d.When)
			}
			if d.Country != "" {
				fmt.Fprintf(w, "      under the law of %s, whose public holidays it skips\n", d.Country)
			}
			switch {
			case d.Kind == playbooks.KindInfo:
				fmt.Fprintln(w, "      for information: someone else's deadline, never met by a step")
			case d.MetBy != "":
				fmt.Fprintf(w, "      met by step %s\n", d.MetBy)
			}
		}
	}
	fmt.Fprintf(w, "\nOutcomes: %s\n", strings.Join(pb.OutcomeIDs(), ", "))
}
