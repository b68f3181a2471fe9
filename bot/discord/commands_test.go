package discord

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/disputedesk/disputedesk/bot"
)

// testSpecs are commands shaped like the core's.
func testSpecs() []bot.CommandSpec {
	ref := bot.Param{Name: "case", Type: bot.ParamCase, Help: "The case, e.g. CB-1042", Required: true, Complete: true}
	return []bot.CommandSpec{
		{Name: "case open", Summary: "Open a case from a playbook, with its details as key=value.", Params: []bot.Param{
			{Name: "playbook", Type: bot.ParamChoice, Help: "The playbook to open", Required: true, Choices: []bot.Choice{{Value: "chargeback", Label: "Chargeback"}, {Value: "return", Label: "Return"}}},
			{Name: "details", Type: bot.ParamText, Help: "Details as key=value, e.g. order=1042", Rest: true, Fields: true}}},
		{Name: "case done", Summary: "Mark a step done.", Params: []bot.Param{ref,
			{Name: "step", Type: bot.ParamStep, Help: "The step's id", Required: true, Complete: true},
			{Name: "note", Type: bot.ParamText, Help: "A note", Rest: true}}},
		{Name: "case assign", Summary: "Give a case to a teammate.", Params: []bot.Param{ref, {Name: "user", Type: bot.ParamUser, Help: "Who", Required: true}}},
		{Name: "case check", Summary: "Tick a checklist item.", Params: []bot.Param{ref,
			{Name: "step", Type: bot.ParamStep, Required: true, Complete: true}, {Name: "item", Type: bot.ParamNumber, Required: true}}},
		{Name: "case close", Summary: "Close a case.", Params: []bot.Param{ref,
			{Name: "outcome", Type: bot.ParamOutcome, Required: true, Field: true, Complete: true},
			{Name: "amount", Type: bot.ParamMoney, Field: true}, {Name: "note", Type: bot.ParamText, Field: true}}},
		{Name: "dispute chargeback", Summary: "Open a chargeback.", Params: []bot.Param{
			{Name: "amount", Type: bot.ParamMoney, Help: "Amount", Field: true},
			{Name: "customer", Type: bot.ParamText, Help: "Customer", Field: true, Required: true},
			{Name: "reason", Type: bot.ParamChoice, Help: "Reason", Field: true, Choices: []bot.Choice{{Value: "fraudulent", Label: "Fraudulent"}, {Value: "product_not_received"}}}}},
		{Name: "return", Summary: "Open a return.", Params: []bot.Param{{Name: "order", Type: bot.ParamText, Field: true, Required: true}}},
	}
}

func opt(name string, value any) *discordgo.ApplicationCommandInteractionDataOption {
	t := discordgo.ApplicationCommandOptionString
	switch value.(type) {
	case float64:
		t = discordgo.ApplicationCommandOptionInteger
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: t, Value: value}
}

func sub(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandInteractionDataOption {
	return []*discordgo.ApplicationCommandInteractionDataOption{{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}
}

// The command line the core receives is the one a Slack user would type.
func TestCommandLine(t *testing.T) {
	user := opt("user", "123456")
	user.Type = discordgo.ApplicationCommandOptionUser
	tests := []struct {
		name string
		data discordgo.ApplicationCommandInteractionData
		want string
	}{
		{"subcommand with details", discordgo.ApplicationCommandInteractionData{Name: "case", Options: sub("open", opt("playbook", "chargeback"), opt("details", `order=1042 customer="Kari Nordmann"`))},
			`/case open chargeback order=1042 customer="Kari Nordmann"`},
		{"positional and rest, in the params' order", discordgo.ApplicationCommandInteractionData{Name: "case", Options: sub("done", opt("note", "Logged, see <@777>"), opt("step", "acknowledge"), opt("case", "CB-1042"))},
			"/case done CB-1042 acknowledge Logged, see @777"},
		{"user option", discordgo.ApplicationCommandInteractionData{Name: "case", Options: sub("assign", opt("case", "CB-1042"), user)},
			"/case assign CB-1042 @123456"},
		{"integer option", discordgo.ApplicationCommandInteractionData{Name: "case", Options: sub("check", opt("case", "CB-1"), opt("step", "gather"), opt("item", float64(2)))},
			"/case check CB-1 gather 2"},
		{"fields quoted", discordgo.ApplicationCommandInteractionData{Name: "case", Options: sub("close", opt("case", "RMA-7"), opt("outcome", "refunded"), opt("note", "Parcel back, refunded"))},
			`/case close RMA-7 outcome=refunded note="Parcel back, refunded"`},
		{"shorthand with details", discordgo.ApplicationCommandInteractionData{Name: "dispute", Options: sub("chargeback", opt("customer", "Kari"), opt("details", "dispute_id=dp_1 processor=stripe"))},
			"/dispute chargeback customer=Kari dispute_id=dp_1 processor=stripe"},
		{"a command of its own", discordgo.ApplicationCommandInteractionData{Name: "return", Options: []*discordgo.ApplicationCommandInteractionDataOption{opt("order", "2231")}},
			"/return order=2231"},
		{"a subcommand in the overflow group", discordgo.ApplicationCommandInteractionData{Name: "case", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: overflowGroup, Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: sub("assign", opt("case", "CB-1042"), user)}}},
			"/case assign CB-1042 @123456"},
	}
	specs := testSpecs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := readInvocation(tt.data)
			var ps []bot.Param
			for _, s := range specs {
				if s.Name == inv.name {
					ps = s.Params
				}
			}
			if got := commandLine(inv, ps); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestAppCommandsShape(t *testing.T) {
	cmds := appCommands(testSpecs())
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	if len(cmds) != 3 || names[0] != "case" || names[1] != "dispute" || names[2] != "return" {
		t.Fatalf("commands %v", names)
	}
	closeOpts := cmds[0].Options[4].Options
	if closeOpts[0].Name != "case" || !closeOpts[0].Autocomplete || closeOpts[1].Name != "outcome" || !closeOpts[1].Required || closeOpts[2].Required {
		t.Errorf("close options out of order: %+v", closeOpts)
	}
	dispute := cmds[1].Options[0].Options
	if dispute[0].Name != "customer" || dispute[len(dispute)-1].Name != detailsOption {
		t.Errorf("required first and details last: %v", dispute)
	}
}

// A root with more than 24 subcommands keeps 24 at the top and the rest in
// the overflow group, none dropped; past that group's 25 they are.
func TestAppCommandsOverflow(t *testing.T) {
	specs := []bot.CommandSpec{{Name: "case rare", Summary: "Now and then.", More: true}}
	for i := range 60 {
		specs = append(specs, bot.CommandSpec{Name: fmt.Sprintf("case c%02d", i), Summary: "A command."})
	}
	opts := appCommands(specs)[0].Options
	if len(opts) != maxCommandOptions {
		t.Fatalf("%d options at the top, want %d", len(opts), maxCommandOptions)
	}
	group := opts[maxCommandOptions-1]
	if group.Type != discordgo.ApplicationCommandOptionSubCommandGroup || group.Name != overflowGroup ||
		len(group.Options) != maxCommandOptions || group.Options[0].Name != "c24" || opts[23].Name != "c23" {
		t.Fatalf("overflow group %q of type %v with %d subcommands starting %q", group.Name, group.Type, len(group.Options), group.Options[0].Name)
	}
	if !strings.HasPrefix(group.Description, "More /case: c24, c25") || len(group.Description) > 100 {
		t.Errorf("group description %q", group.Description)
	}
	// The command marked More, registered first, went after every everyday one: out, past the group's 25.
	for _, o := range append(opts, group.Options...) {
		if o.Name == "rare" {
			t.Errorf("the More command took an everyday command's place")
		}
	}
}

// Commands are registered by one bulk overwrite, in the guild when one is
// configured, else globally; a server error is tried again, a refused
// token says which setting to check.
func TestRegister(t *testing.T) {
	tests := []struct {
		name    string
		guild   string
		answers []int
		want    string // the path of the call
		wantErr string
	}{
		{"guild", "G1", []int{200}, "PUT /applications/APP/guilds/G1/commands", ""},
		{"global", "", []int{200}, "PUT /applications/APP/commands", ""},
		{"server error, then done", "G1", []int{502, 200}, "PUT /applications/APP/guilds/G1/commands", ""},
		{"refused token", "G1", []int{401}, "PUT /applications/APP/guilds/G1/commands", "DISCORD_BOT_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeREST(t)
			n := 0
			route := strings.TrimPrefix(tt.want, "PUT ")
			f.routes["PUT "+route] = func(w http.ResponseWriter, _ string) {
				w.WriteHeader(tt.answers[min(n, len(tt.answers)-1)])
				n++
				fmt.Fprint(w, `[]`)
			}
			a := testAdapter(t, f, func(c *Config) { c.GuildID, c.Specs = tt.guild, testSpecs() })
			err := a.Register(t.Context())
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Register = %v, want %q", err, tt.wantErr)
			}
			calls := f.got()
			if len(calls) != len(tt.answers) || !strings.HasPrefix(calls[0], tt.want+` [{"type":1,"name":"case"`) {
				t.Errorf("calls %.200v", calls)
			}
		})
	}
}
