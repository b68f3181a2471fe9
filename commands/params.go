package commands

import (
	"context"
	"strings"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
)

// Param is one parameter of a command: the neutral description that help
// and adapters read, and, for a parameter whose values depend on storage,
// where a Completer finds them.
type Param struct {
	bot.Param
	// complete offers the values matching what is typed; nil means the
	// static Choices, if any.
	complete completeFunc
}

// completeFunc lists the values of a parameter matching q.Typed, within
// the call's scope (its times in its zones), at most bot.MaxChoices.
type completeFunc func(ctx context.Context, c *call, q bot.Completion) ([]bot.Choice, error)

// maxOptionalFields is how many optional key=value parameters a usage line
// names one by one; more (a playbook's fields) are written "[key=value...]".
const maxOptionalFields = 3

// maxListed is how many choices a usage line lists before "|...".
const maxListed = 5

func param(name string, t bot.ParamType, help string) Param {
	return Param{Param: bot.Param{Name: name, Type: t, Help: help, Required: true}}
}

func textParam(name, help string) Param { return param(name, bot.ParamText, help) }

func choiceParam(name, help string, values ...string) Param {
	p := param(name, bot.ParamChoice, help)
	for _, v := range values {
		p.Choices = append(p.Choices, bot.Choice{Value: v})
	}
	return p
}

// optional, field and rest return a copy of p that may be left out, is
// written name=value, or takes the rest of the line.
func (p Param) optional() Param { p.Required = false; return p }
func (p Param) field() Param    { p.Field = true; return p }
func (p Param) rest() Param     { p.Rest = true; return p }

func (p Param) completedBy(f completeFunc) Param {
	p.complete, p.Complete = f, true
	return p
}

// detailsParam is key=value details checked against a playbook's fields.
func detailsParam() Param {
	p := textParam("details", "Details as key=value, e.g. order=1042")
	p.Rest, p.Fields = true, true
	return p
}

// filtersParam is the key=value filters of /case list and /case find.
func filtersParam() Param {
	p := textParam("filters", "Filters as key=value, e.g. supplier=acme status=closed").optional()
	p.Rest, p.Fields = true, true
	return p
}

func userParam() Param {
	return param("user", bot.ParamUser, "Who takes the case: an @mention, or @me")
}

func draftParam() Param {
	return param("draft", bot.ParamNumber, "The draft's number, as /case draft showed it")
}

func (r *Router) playbookParam() Param {
	p := param("playbook", bot.ParamChoice, "The playbook to open")
	for _, pb := range r.deps.Playbooks.All() {
		p.Choices = append(p.Choices, bot.Choice{Value: pb.Name, Label: pb.Title})
	}
	return p
}

// refParam is a case reference, completed from the cases in status
// (any status when empty).
func (r *Router) refParam(status storage.Status) Param {
	return param("case", bot.ParamCase, "The case, e.g. CB-1042").completedBy(r.completeCases(status))
}

func (r *Router) stepParam() Param {
	return param("step", bot.ParamStep, "The step's id, as /case steps lists it").completedBy(r.fromCase(stepChoices))
}

func (r *Router) outcomeParam() Param {
	return param("outcome", bot.ParamOutcome, "How the case ended").field().completedBy(r.fromCase(outcomeChoices))
}

func (r *Router) evidenceKindParam() Param {
	return param("kind", bot.ParamChoice, "What the evidence is").field().completedBy(r.fromCase(r.evidenceChoices))
}

// fieldParams are a playbook's fields as key=value parameters, typed.
func fieldParams(pb *playbooks.Playbook) []Param {
	ps := make([]Param, 0, len(pb.Fields))
	for _, f := range pb.Fields {
		t := bot.ParamText
		switch f.Type {
		case playbooks.TypeMoney:
			t = bot.ParamMoney
		case playbooks.TypeDate, playbooks.TypeDateTime:
			t = bot.ParamDate
		case playbooks.TypeUser:
			t = bot.ParamUser
		case playbooks.TypeEnum:
			t = bot.ParamChoice
		}
		p := param(f.Name, t, f.LabelOrName()).field()
		p.Required = f.Required
		for _, v := range f.Values {
			p.Choices = append(p.Choices, bot.Choice{Value: v.Value, Label: v.Label})
		}
		ps = append(ps, p)
	}
	return ps
}

// usage writes parameters as a synopsis, e.g. "REF STEP [note]": a case
// is REF, a step STEP, a user @user, a number its name in capitals, a
// choice its values or <name>, key=value parameters name=value; optional
// ones are in brackets.
func usage(ps []Param) string {
	optional := 0
	for _, p := range ps {
		if p.Field && !p.Required {
			optional++
		}
	}
	collapse := optional > maxOptionalFields
	var parts []string
	for _, p := range ps {
		if collapse && p.Field && !p.Required {
			continue
		}
		s := p.synopsis()
		if !p.Required {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	if collapse {
		parts = append(parts, "[key=value...]")
	}
	return strings.Join(parts, " ")
}

func (p Param) synopsis() string {
	switch {
	case p.Fields:
		return "key=value..."
	case p.Field:
		if list := p.listed(); list != "" {
			return p.Name + "=" + list
		}
		if p.Complete {
			return p.Name + "=<" + p.Name + ">"
		}
		return p.Name + "=..."
	}
	switch p.Type {
	case bot.ParamCase:
		return "REF"
	case bot.ParamStep:
		return "STEP"
	case bot.ParamUser:
		return "@" + p.Name
	case bot.ParamNumber:
		return strings.ToUpper(p.Name)
	case bot.ParamChoice:
		if list := p.listed(); list != "" && !p.Required {
			return list
		}
		return "<" + p.Name + ">"
	}
	return p.Name
}

// listed writes the static choices as "a|b|c", or the first few and "...".
func (p Param) listed() string {
	var vs []string
	for _, c := range p.Choices {
		vs = append(vs, c.Value)
	}
	if len(vs) > maxListed {
		vs = append(vs[:maxListed-1], "...")
	}
	return strings.Join(vs, "|")
}
