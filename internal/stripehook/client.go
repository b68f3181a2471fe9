package stripehook

import (
	"context"
	"fmt"

	stripe "github.com/stripe/stripe-go/v85"
)

// Client is Stripe's API with a restricted key (STRIPE_API_KEY): it stages
// a dispute's evidence, and reads the dispute or charge an event names
// when the event alone does not say enough.
type Client struct {
	sc *stripe.Client
}

// NewClient returns a client for key; apiURL, when set, replaces
// https://api.stripe.com (STRIPE_API_BASE: a proxy, or a local fake in
// tests), and then requests are not retried, so a test sees each call once.
// stripe-go's own logger is silenced: its errors are returned and logged
// once by the caller.
func NewClient(key, apiURL string) *Client {
	cfg := &stripe.BackendConfig{LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}}
	if apiURL != "" {
		retries := int64(0)
		cfg.URL, cfg.MaxNetworkRetries = stripe.String(apiURL), &retries
	}
	return &Client{sc: stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}
}

// Dispute retrieves dispute id as Stripe holds it now.
func (c *Client) Dispute(ctx context.Context, id string) (*stripe.Dispute, error) {
	d, err := c.sc.V1Disputes.Retrieve(ctx, id, nil)
	if err != nil {
		return nil, fmt.Errorf("stripe: retrieve dispute %s: %w", id, err)
	}
	return d, nil
}

// Charge retrieves charge id, for the amount and order an early fraud
// warning does not carry.
func (c *Client) Charge(ctx context.Context, id string) (*stripe.Charge, error) {
	ch, err := c.sc.V1Charges.Retrieve(ctx, id, nil)
	if err != nil {
		return nil, fmt.Errorf("stripe: retrieve charge %s: %w", id, err)
	}
	return ch, nil
}
