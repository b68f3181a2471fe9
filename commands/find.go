package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// findLimit bounds /case find: a search is narrowed, not paged.
const findLimit = 20

// fixedFilters are the filters of /case find and /case list besides the
// playbooks' own fields.
var fixedFilters = []string{"status", "playbook", "assignee", "since", "order", "customer"}

func (r *Router) findCommand() *Command {
	return &Command{Name: "case find", Params: []Param{textParam("text", "Words to find: an order, a name, a tracking number, note text").optional().rest()},
		run:     r.caseFind,
		Summary: "Find cases by order, name, dispute id, tracking number, supplier, product or note words.",
		Examples: []string{
			"/case find soren hansen",
			"/case find 1Z999AA10123456784",
			"/case find wrong colour playbook=return status=open since=2026-11-01",
		}}
}

// filterNames are the filters a find or list takes: the fixed ones and
// every loaded playbook's field names.
func (r *Router) filterNames() []string {
	names := slices.Clone(fixedFilters)
	for _, pb := range r.deps.Playbooks.All() {
		for _, f := range pb.Fields {
			if !slices.Contains(names, f.Name) {
				names = append(names, f.Name)
			}
		}
	}
	return names
}

// caseQuery reads the key=value filters of c into q. status= defaults
// to status (open for a list, any for a find).
func (r *Router) caseQuery(c *call, status storage.Status) (storage.CaseQuery, error) {
	q := storage.CaseQuery{Scope: c.scope, Status: status}
	names := r.filterNames()
	for _, k := range slices.Sorted(maps.Keys(c.in.Fields)) {
		v := strings.TrimSpace(c.in.Fields[k])
		switch {
		case !slices.Contains(names, k):
			return q, c.usageErrorf("there is no filter %s=.%s The filters are %s.", k, suggest.DidYouMean(k, names, ""), listOf(names))
		case k == "status":
			switch strings.ToLower(v) {
			case "open":
				q.Status = storage.StatusOpen
			case "closed":
				q.Status = storage.StatusClosed
			case "all", "any":
				q.Status = ""
			default:
				return q, c.usageErrorf("status=%s: choose status=open, closed or all", v)
			}
		case k == "playbook":
			pb, ok := r.deps.Playbooks.Get(strings.ToLower(v))
			if !ok {
				return q, c.usageErrorf("there is no playbook %q.%s The playbooks are %s.", v, suggest.DidYouMean(v, r.deps.Playbooks.Names(), "playbook="), listOf(r.deps.Playbooks.Names()))
			}
			q.Playbook = pb.Name
		case k == "assignee":
			who := strings.TrimPrefix(v, "@")
			if who == "me" {
				who = c.req.User
			}
			if who == "" {
				return q, c.usageErrorf("assignee= takes an @mention, or @me")
			}
			q.Assignee = who
		case k == "since":
			d, err := time.Parse(playbooks.DateLayout, v)
			if err != nil {
				return q, c.usageErrorf("since=%s is not a date: write it as YYYY-MM-DD, e.g. since=2026-11-01", v)
			}
			q.Since = d
		default:
			if q.Fields == nil {
				q.Fields = map[string]string{}
			}
			q.Fields[k] = v
		}
	}
	return q, nil
}

func (r *Router) caseFind(ctx context.Context, c *call) (bot.Reply, error) {
	q, err := r.caseQuery(c, "")
	if err != nil {
		return bot.Reply{}, err
	}
	q.Text = strings.Join(c.in.Args, " ")
	if strings.TrimSpace(q.Text) == "" && len(c.in.Fields) == 0 {
		return bot.Reply{}, c.usageErrorf("say what to find: an order number, a name, a tracking number, or filters such as supplier=acme")
	}
	q.Limit = findLimit
	cases, total, err := r.deps.Store.FindCases(ctx, q)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("find cases: %w", err)
	}
	if len(cases) == 0 {
		return bot.Reply{Text: "No case matches. Try fewer words, or /case find with status=all.", Visibility: bot.Ephemeral}, nil
	}
	return r.caseRows(ctx, c, fmt.Sprintf("%s matching:", plural(total, "case")), cases, total)
}

// caseRows lists cases a row each, with "N more" when total is beyond them.
func (r *Router) caseRows(ctx context.Context, c *call, title string, cases []storage.Case, total int) (bot.Reply, error) {
	lines := make([]string, 0, len(cases)+1)
	for _, cs := range cases {
		line, err := r.rowLine(ctx, c, cs)
		if err != nil {
			return bot.Reply{}, err
		}
		if c.scope.All && chatPlatform(cs.Platform) {
			line += " · " + workspaceLabel(cs)
		}
		lines = append(lines, line)
	}
	if more := total - len(cases); more > 0 {
		n := strconv.Itoa(more)
		if total >= storage.MaxFindCount {
			n = "many"
		}
		lines = append(lines, fmt.Sprintf("… %s more, narrow it down (more words, or filters such as status=, playbook=, since=).", n))
	}
	if note := c.zones.note(); note != "" {
		lines = append(lines, note)
	}
	return bot.Reply{Text: title, Sections: []bot.Section{{Lines: lines}}, Visibility: bot.Ephemeral}, nil
}

// plural counts n cases, or says "more than" at the count's cap.
func plural(n int, what string) string {
	switch {
	case n >= storage.MaxFindCount:
		return fmt.Sprintf("More than %d %ss", storage.MaxFindCount, what)
	case n == 1:
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// rowLine is a case as one row of /case list and /case find: what tells
// cases apart (order, customer, supplier or product, assignee) and, for
// an open case, its next deadline, when it is (as on the card) and the
// time left.
func (r *Router) rowLine(ctx context.Context, c *call, cs storage.Case) (string, error) {
	parts := []string{cs.Ref.String(), cs.Playbook, string(cs.Status)}
	if cs.Status == storage.StatusClosed && cs.Outcome != "" {
		parts[2] += " (" + cs.Outcome + ")"
	}
	for _, k := range []string{"customer", "order"} {
		if v := cs.Fields[k]; v != "" {
			parts = append(parts, v)
		}
	}
	if v := firstOf(cs.Fields["supplier"], cs.Fields["product"], cs.Fields["sku"]); v != "" {
		parts = append(parts, v)
	}
	if cs.Assignee != "" {
		parts = append(parts, bot.Mention(cs.Assignee))
	}
	if cs.Status == storage.StatusOpen {
		st, err := r.deps.Store.State(ctx, cs.ID)
		if err != nil {
			return "", fmt.Errorf("deadlines of %s: %w", cs.Ref, err)
		}
		pb := r.playbook(cs)
		for _, d := range st.Deadlines { // by due time
			if d.MetAt == nil && !pb.IsInfo(d.ID) {
				parts = append(parts, fmt.Sprintf("%s %s (%s)", d.Title, deadline.When(d.Due, c.zones.ofCase(cs)), deadline.Left(d.Due, c.now)))
				break
			}
		}
	}
	return strings.Join(parts, " · "), nil
}

// firstOf is the first non-empty of vs.
func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// showByOrder answers /case show with an order number rather than a
// reference: the case whose order it is, or the candidates to choose from.
func (r *Router) showByOrder(ctx context.Context, c *call, order string) (storage.Ref, *bot.Reply, error) {
	cases, total, err := r.deps.Store.FindCases(ctx, storage.CaseQuery{Scope: c.scope, Fields: map[string]string{"order": order}, Limit: findLimit})
	if err != nil {
		return storage.Ref{}, nil, fmt.Errorf("find order %s: %w", order, err)
	}
	want := strings.Join(storage.FoldWords(order), " ")
	var exact []storage.Case
	for _, cs := range cases {
		if strings.Join(storage.FoldWords(cs.Fields["order"]), " ") == want {
			exact = append(exact, cs)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0].Ref, nil, nil
	case len(cases) == 1:
		return cases[0].Ref, nil, nil
	case len(cases) == 0:
		return storage.Ref{}, nil, userErrorf("%q is not a case reference (like CB-1042), and no case has order %s. /case find %s searches everything.", order, order, order)
	}
	reply, err := r.caseRows(ctx, c, fmt.Sprintf("%s have order %s; show one with /case show REF:", plural(total, "case"), order), cases, total)
	return storage.Ref{}, &reply, err
}
