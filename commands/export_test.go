package commands

// ActionLine is actionLine, for the external tests.
func (r *Router) ActionLine(value string) (string, error) { return r.actionLine(value) }
