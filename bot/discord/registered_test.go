package discord

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/prompts"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

// realSpecs are the commands the bot registers, from the router itself.
func realSpecs(t *testing.T) ([]bot.CommandSpec, *commands.Router) {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "d.db"), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	catalog, err := playbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	offline, err := prompts.NewOffline()
	if err != nil {
		t.Fatal(err)
	}
	r, err := commands.NewRouter(commands.Deps{Store: st, Playbooks: catalog, Drafter: offline})
	if err != nil {
		t.Fatal(err)
	}
	return r.Specs(), r
}

// The application commands registered on start, as Discord receives them:
// /case with its subcommands, /dispute supplier|chargeback|marketplace,
// /return and /recall. The limits test reads this golden file too.
func TestRegisteredCommandsGolden(t *testing.T) {
	specs, _ := realSpecs(t)
	cmds := appCommands(specs)
	checkGolden(t, "registered_commands.json", cmds)
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		checkCommand(t, c.Name, c.Description, c.Options)
	}
	if fmt.Sprint(names) != "[case dispute recall return]" {
		t.Errorf("commands %v", names)
	}
	var disputes []string
	for _, o := range cmds[1].Options {
		disputes = append(disputes, o.Name)
	}
	slices.Sort(disputes)
	if fmt.Sprint(disputes) != "[chargeback marketplace supplier]" {
		t.Errorf("/dispute takes %v", disputes)
	}
	// Every core command is there: none was dropped for Discord's limits.
	n := 0
	for _, c := range cmds {
		if len(c.Options) > 0 && c.Options[0].Type == discordgo.ApplicationCommandOptionSubCommand {
			for _, o := range c.Options {
				if o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
					n += len(o.Options)
				} else {
					n++
				}
			}
		} else {
			n++
		}
	}
	if n != len(specs) {
		t.Errorf("%d of %d commands registered", n, len(specs))
	}
}

// checkCommand checks what Discord checks of a command: names, 1 to 100
// characters of description, at most 25 options and choices, required
// options before the others.
func checkCommand(t *testing.T, path, desc string, opts []*discordgo.ApplicationCommandOption) {
	t.Helper()
	if desc == "" || len([]rune(desc)) > maxCommandDesc {
		t.Errorf("%s: description %q", path, desc)
	}
	if len(opts) > maxCommandOptions {
		t.Errorf("%s: %d options", path, len(opts))
	}
	optional := false
	for _, o := range opts {
		if !optionName.MatchString(o.Name) {
			t.Errorf("%s: option name %q", path, o.Name)
		}
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			checkCommand(t, path+" "+o.Name, o.Description, o.Options)
			continue
		}
		if o.Required && optional {
			t.Errorf("%s: required %s after an optional option", path, o.Name)
		}
		optional = optional || !o.Required
		if len(o.Choices) > maxChoices || len(o.Choices) > 0 && o.Autocomplete {
			t.Errorf("%s %s: %d choices, autocomplete %v", path, o.Name, len(o.Choices), o.Autocomplete)
		}
		if o.Description == "" || len([]rune(o.Description)) > maxCommandDesc {
			t.Errorf("%s %s: description %q", path, o.Name, o.Description)
		}
	}
}
