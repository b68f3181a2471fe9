package playbooks

import (
	"regexp"
	"strings"
)

// orderNumber finds "order 1042", "order #1042" or "ordre 1042" in a message.
var orderNumber = regexp.MustCompile(`(?i)\b(?:order|ordre|bestilling|bestellung)\s*(?:no\.?|nr\.?|number)?\s*#?\s*([A-Z0-9][A-Z0-9-]{2,})`)

// Suggest picks the playbook whose keywords a message mentions most, for a
// message such as "customer says the parcel never arrived, order 1042". It
// also returns the fields it could read from the message (the order number).
// ok is false when no keyword matches.
func (c *Catalog) Suggest(message string) (pb *Playbook, fields map[string]string, ok bool) {
	text := strings.ToLower(message)
	best := 0
	for _, p := range c.All() {
		score := 0
		for _, k := range p.Keywords {
			if strings.Contains(text, k) {
				score += len(strings.Fields(k)) // a phrase says more than a word
			}
		}
		if score > best {
			pb, best = p, score
		}
	}
	if pb == nil {
		return nil, nil, false
	}
	fields = map[string]string{}
	if m := orderNumber.FindStringSubmatch(message); m != nil {
		if _, has := pb.Field("order"); has {
			fields["order"] = m[1]
		}
	}
	return pb, fields, true
}
