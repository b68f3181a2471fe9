// Package stripehook serves POST /webhooks/stripe: it checks an event's
// signature with stripe-go's webhook package before reading anything in it,
// turns a dispute event into the bot's neutral commands.DisputeEvent and
// hands it to the commands, which process each event id once. It is the
// only package that imports stripe-go.
package stripehook

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/dispatch"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/storage"
)

// MaxBody bounds an event's body: Stripe's events are under 512 KB.
const MaxBody = 512 << 10

// DefaultOrderKey is the metadata key that holds the shop's order number.
const DefaultOrderKey = "order_id"

// Applier changes cases from dispute events (commands.Router).
type Applier interface {
	ApplyDispute(ctx context.Context, to commands.DisputeTarget, ev commands.DisputeEvent) (commands.DisputeResult, error)
	ApplyFraudWarning(ctx context.Context, to commands.DisputeTarget, ev commands.FraudWarningEvent) (commands.DisputeResult, error)
	DisputeKnown(ctx context.Context, id string) (bool, error)
}

// API is what the webhook reads from Stripe's API (Client), when an event
// alone does not say enough.
type API interface {
	Dispute(ctx context.Context, id string) (*stripe.Dispute, error)
	Charge(ctx context.Context, id string) (*stripe.Charge, error)
}

// Config configures the webhook.
type Config struct {
	// Secrets are the endpoint's signing secrets (whsec_...): more than
	// one while a secret is rolled, as Stripe signs with each for a while.
	Secrets []string
	// Target is where new cases go (DISPUTEDESK_STRIPE_CHANNEL).
	Target commands.DisputeTarget
	// OrderKey is the metadata key of the order number; empty: order_id.
	OrderKey string
	// API is Stripe's API (STRIPE_API_KEY); nil without a key. With it, an
	// event of a dispute not seen yet opens the case from the dispute as
	// Stripe holds it now, and an early fraud warning reads its charge.
	API    API
	Logger *slog.Logger
}

// Handler is the webhook endpoint.
type Handler struct {
	cfg   Config
	apply Applier
}

// New returns the endpoint; it fails without a secret, as an unsigned
// endpoint would let anyone open cases.
func New(cfg Config, apply Applier) (*Handler, error) {
	if len(cfg.Secrets) == 0 {
		return nil, errors.New("stripe webhook: STRIPE_WEBHOOK_SECRET is required")
	}
	cfg.OrderKey = cmp.Or(cfg.OrderKey, DefaultOrderKey)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg, apply: apply}, nil
}

// Route registers the endpoint on mux.
func (h *Handler) Route(mux *http.ServeMux) { mux.Handle("POST /webhooks/stripe", h) }

// ServeHTTP answers 413 for a body over MaxBody, 401 for a missing, wrong
// or stale signature and 400 for a signed body that is not an event,
// storing nothing; 500 when the change failed, so that Stripe retries;
// 200 otherwise, also for an event type the bot does not follow.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := dispatch.ReadBody(w, r, MaxBody)
	if !ok {
		return
	}
	ev, status, err := h.verify(body, r.Header.Get("Stripe-Signature"))
	if err != nil {
		h.cfg.Logger.Warn("stripe webhook refused", "status", status, "error", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	log := h.cfg.Logger.With("event_id", ev.ID, "event_type", string(ev.Type))
	if string(ev.Type) == commands.FraudWarningCreated {
		h.fraudWarning(w, r, ev, log)
		return
	}
	if !slices.Contains(commands.DisputeEvents, string(ev.Type)) {
		log.Debug("stripe event ignored")
		writeJSON(w, commands.DisputeResult{Did: "ignored"})
		return
	}
	de, err := h.disputeEvent(ev)
	if err != nil {
		log.Warn("stripe event unreadable", "error", err)
		http.Error(w, "not a dispute event", http.StatusBadRequest)
		return
	}
	if err := h.fetchUnknown(r.Context(), &de, log); err != nil {
		log.Error("stripe event failed", "dispute_id", de.Dispute.ID, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	res, err := h.apply.ApplyDispute(r.Context(), h.cfg.Target, de)
	if err != nil {
		log.Error("stripe event failed", "dispute_id", de.Dispute.ID, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	log.Info("stripe event", "dispute_id", de.Dispute.ID, "case", res.Case, "did", res.Did, "replayed", res.Replayed)
	writeJSON(w, res)
}

// verify checks the signature against each secret, with Stripe's 300 s
// tolerance, before the body is parsed. An account's API version other
// than the SDK's is accepted: the fields read here are the same in all.
func (h *Handler) verify(body []byte, header string) (stripe.Event, int, error) {
	err := webhook.ErrNoValidSignature
	for _, secret := range h.cfg.Secrets {
		var ev stripe.Event
		ev, err = webhook.ConstructEventWithOptions(body, header, secret, webhook.ConstructEventOptions{
			Tolerance: webhook.DefaultTolerance, IgnoreAPIVersionMismatch: true})
		switch {
		case err == nil:
			return ev, http.StatusOK, nil
		case errors.Is(err, webhook.ErrNoValidSignature):
			continue // perhaps the next secret's
		case errors.Is(err, webhook.ErrTooOld), errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader):
			return ev, http.StatusUnauthorized, err
		default: // signed, but not an event
			return ev, http.StatusBadRequest, err
		}
	}
	return stripe.Event{}, http.StatusUnauthorized, err
}

// disputeEvent reads the dispute in ev.
func (h *Handler) disputeEvent(ev stripe.Event) (commands.DisputeEvent, error) {
	if ev.Data == nil {
		return commands.DisputeEvent{}, errors.New("no data")
	}
	var d stripe.Dispute
	if err := json.Unmarshal(ev.Data.Raw, &d); err != nil {
		return commands.DisputeEvent{}, fmt.Errorf("dispute: %w", err)
	}
	out, err := h.dispute(d)
	if err != nil {
		return commands.DisputeEvent{}, err
	}
	de := commands.DisputeEvent{ID: ev.ID, Type: string(ev.Type), Dispute: out, Changed: changed(ev.Data.PreviousAttributes)}
	if ev.Created > 0 {
		de.At = time.Unix(ev.Created, 0).UTC()
	}
	if de.Type == commands.DisputeFundsWithdrawn || de.Type == commands.DisputeFundsReinstated {
		de.Funds, de.Fee = funds(d, de.Type == commands.DisputeFundsReinstated)
	}
	return de, nil
}

// dispute is d in the bot's terms.
func (h *Handler) dispute(d stripe.Dispute) (commands.Dispute, error) {
	if d.ID == "" || d.Object != "dispute" {
		return commands.Dispute{}, errors.New("the event's object is not a dispute")
	}
	code := strings.ToUpper(string(d.Currency))
	if _, _, err := money.Currency(code); err != nil {
		return commands.Dispute{}, fmt.Errorf("dispute %s: %w", d.ID, err)
	}
	out := commands.Dispute{
		ID: d.ID, Amount: storage.Money{Minor: d.Amount, Currency: code},
		Reason: string(d.Reason), NetworkReasonCode: d.NetworkReasonCode, Status: string(d.Status),
		Refundable: d.IsChargeRefundable, Order: h.order(d),
	}
	if d.Charge != nil {
		out.Charge = d.Charge.ID
	}
	if d.PaymentIntent != nil {
		out.PaymentIntent = d.PaymentIntent.ID
	}
	if pm := d.PaymentMethodDetails; pm != nil && pm.Card != nil {
		out.CardBrand = pm.Card.Brand
		out.NetworkReasonCode = cmp.Or(pm.Card.NetworkReasonCode, out.NetworkReasonCode)
	}
	if d.EvidenceDetails != nil && d.EvidenceDetails.DueBy > 0 {
		out.DueBy = time.Unix(d.EvidenceDetails.DueBy, 0).UTC()
	}
	if d.Created > 0 {
		out.Created = time.Unix(d.Created, 0).UTC()
	}
	return out, nil
}

// order finds the order number in the dispute's metadata, or in its
// charge's or payment intent's when Stripe expanded them.
func (h *Handler) order(d stripe.Dispute) string {
	if v := d.Metadata[h.cfg.OrderKey]; v != "" {
		return v
	}
	if d.PaymentIntent != nil && d.PaymentIntent.Metadata[h.cfg.OrderKey] != "" {
		return d.PaymentIntent.Metadata[h.cfg.OrderKey]
	}
	if d.Charge != nil {
		return d.Charge.Metadata[h.cfg.OrderKey]
	}
	return ""
}

// funds is the last balance movement of the dispute in the event's
// direction (a withdrawal is negative), with its fee.
func funds(d stripe.Dispute, reinstated bool) (amount, fee *storage.Money) {
	for _, bt := range slices.Backward(d.BalanceTransactions) {
		if bt == nil || (bt.Amount > 0) != reinstated {
			continue
		}
		code := strings.ToUpper(string(bt.Currency))
		a := storage.Money{Minor: abs(bt.Amount), Currency: code}
		f := storage.Money{Minor: bt.Fee, Currency: code}
		return &a, &f
	}
	return nil, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// changed names the attributes in previous_attributes, nested ones with
// their parent (evidence_details.due_by), sorted.
func changed(prev map[string]any) []string {
	var names []string
	for k, v := range prev {
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			for sub := range m {
				names = append(names, k+"."+sub)
			}
			continue
		}
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
