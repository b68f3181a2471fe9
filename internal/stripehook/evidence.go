package stripehook

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	stripe "github.com/stripe/stripe-go/v85"
)

// fileFields are the evidence fields that take the id of a file uploaded
// to Stripe (Stripe API reference, "dispute evidence"): the SDK declares
// them as strings like the text fields.
var fileFields = []string{"cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation",
	"receipt", "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file"}

// EvidenceFields lists the text fields of Stripe's dispute evidence, by
// their API names, as the SDK declares them.
func EvidenceFields() []string {
	var names []string
	t := reflect.TypeFor[stripe.DisputeUpdateEvidenceParams]()
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && f.Type == reflect.TypeFor[*string]() && !slices.Contains(fileFields, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Fields is EvidenceFields, for commands.EvidenceStager.
func (c *Client) Fields() []string { return EvidenceFields() }

// FileFields lists the evidence fields that take a Stripe file id.
func (c *Client) FileFields() []string { return slices.Clone(fileFields) }

// StageEvidence sets the evidence fields of dispute id (names as in
// EvidenceFields and FileFields), submitting it when submit is set, and
// returns the fields Stripe now holds, a file by its id.
func (c *Client) StageEvidence(ctx context.Context, id string, evidence map[string]string, submit bool) (map[string]string, error) {
	params := &stripe.DisputeUpdateEvidenceParams{}
	v := reflect.ValueOf(params).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("form"), ",")
		if text, ok := evidence[name]; ok && v.Field(i).Type() == reflect.TypeFor[*string]() {
			v.Field(i).Set(reflect.ValueOf(stripe.String(text)))
		}
	}
	d, err := c.sc.V1Disputes.Update(ctx, id, &stripe.DisputeUpdateParams{Evidence: params, Submit: stripe.Bool(submit)})
	if err != nil {
		return nil, fmt.Errorf("stripe: update dispute %s: %w", id, err)
	}
	held := map[string]string{}
	if d.Evidence != nil {
		b, err := json.Marshal(d.Evidence)
		if err != nil {
			return nil, err
		}
		var all map[string]any
		if err := json.Unmarshal(b, &all); err != nil {
			return nil, err
		}
		for k, v := range all {
			switch v := v.(type) {
			case string:
				if v != "" {
					held[k] = v
				}
			case map[string]any: // a file field: the file, by its id
				if id, ok := v["id"].(string); ok && id != "" {
					held[k] = id
				}
			}
		}
	}
	return held, nil
}
