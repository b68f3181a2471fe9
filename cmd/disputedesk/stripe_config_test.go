package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/commands"
)

func TestLoadStripeConfig(t *testing.T) {
	base := map[string]string{"DISPUTEDESK_DATA": "/srv/dd"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	console := commands.DisputeTarget{Platform: "console", Workspace: "console", Channel: "console"}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		secrets []string
		target  commands.DisputeTarget
		err     string
	}{
		{"off", with(), nil, console, ""},
		{"secrets rolled, console", with("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old"), []string{"whsec_new", "whsec_old"}, console, ""},
		{"slack channel", with("STRIPE_WEBHOOK_SECRET", "whsec_1", "DISPUTEDESK_STRIPE_CHANNEL", "slack:T01/C02", "SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"),
			[]string{"whsec_1"}, commands.DisputeTarget{Platform: "slack", Workspace: "T01", Channel: "C02"}, ""},
		{"slack off", with("STRIPE_WEBHOOK_SECRET", "whsec_1", "DISPUTEDESK_STRIPE_CHANNEL", "slack:T01/C02"), nil, console, "slack is not configured"},
		{"not a channel", with("DISPUTEDESK_STRIPE_CHANNEL", "C02"), nil, console, "is not a channel"},
	} {
		c, err := LoadConfig(env(tc.env))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v; want one saying %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(c.Stripe.Secrets, tc.secrets) || c.Stripe.Target != tc.target {
			t.Errorf("%s: secrets %q, target %+v; want %q, %+v", tc.name, c.Stripe.Secrets, c.Stripe.Target, tc.secrets, tc.target)
		}
	}
	c, err := LoadConfig(env(with("STRIPE_API_KEY", "rk_test_1", "STRIPE_API_BASE", " http://127.0.0.1:12111 ")))
	if err != nil || c.Stripe.APIKey != "rk_test_1" || c.Stripe.APIBase != "http://127.0.0.1:12111" {
		t.Errorf("API key %q, base %q, %v; want both read", c.Stripe.APIKey, c.Stripe.APIBase, err)
	}
}
