package bot

// CommandSpec describes one command as data, for an adapter that registers
// native commands (Discord's application commands): its name, what it
// does, and its typed parameters in the order they are written.
type CommandSpec struct {
	// Name is the root word and the subcommand, e.g. "case open", or one
	// word for a command that takes its arguments directly ("return").
	Name    string
	Summary string
	Params  []Param
	// More marks a command a team needs now and then (a correction, a
	// resend): where native commands have few slots (Discord's 25
	// subcommands), it goes into a "more" group before everyday ones do.
	More bool
}
