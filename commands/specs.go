package commands

import "github.com/disputedesk/disputedesk/bot"

// Specs describes the registered commands as data, in registration order,
// for an adapter that registers native commands (Discord's application
// commands) and completes their parameters through Complete.
func (r *Router) Specs() []bot.CommandSpec {
	cmds := r.Commands()
	specs := make([]bot.CommandSpec, 0, len(cmds))
	for _, c := range cmds {
		ps := make([]bot.Param, len(c.Params))
		for i, p := range c.Params {
			ps[i] = p.Param
		}
		specs = append(specs, bot.CommandSpec{Name: c.Name, Summary: c.Summary, Params: ps, More: c.More})
	}
	return specs
}
