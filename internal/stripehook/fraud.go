package stripehook

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v85"

	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/storage"
)

// fraudWarning opens the case of an early fraud warning. The warning names
// its charge but not the amount or the order, which a case needs, so it is
// read from the charge: without STRIPE_API_KEY the warning is posted in the
// Stripe channel instead, once, saying what to check; a failed read is
// answered 500, and Stripe retries.
func (h *Handler) fraudWarning(w http.ResponseWriter, r *http.Request, ev stripe.Event, log *slog.Logger) {
	var efw stripe.RadarEarlyFraudWarning
	if ev.Data == nil || json.Unmarshal(ev.Data.Raw, &efw) != nil || efw.ID == "" || efw.Object != "radar.early_fraud_warning" || efw.Charge == nil {
		log.Warn("stripe event unreadable")
		http.Error(w, "not an early fraud warning", http.StatusBadRequest)
		return
	}
	log = log.With("fraud_warning_id", efw.ID)
	fw := commands.FraudWarning{ID: efw.ID, Charge: efw.Charge.ID, FraudType: string(efw.FraudType), Actionable: efw.Actionable}
	if efw.PaymentIntent != nil {
		fw.PaymentIntent = efw.PaymentIntent.ID
	}
	if h.cfg.API != nil {
		ch, err := h.cfg.API.Charge(r.Context(), efw.Charge.ID)
		if err != nil {
			log.Error("stripe event failed", "error", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		code := strings.ToUpper(string(ch.Currency))
		if _, _, err := money.Currency(code); err != nil {
			log.Warn("stripe event unreadable", "error", err)
			http.Error(w, "charge in an unknown currency", http.StatusBadRequest)
			return
		}
		fw.Amount, fw.Order = storage.Money{Minor: ch.Amount, Currency: code}, ch.Metadata[h.cfg.OrderKey]
		if fw.PaymentIntent == "" && ch.PaymentIntent != nil {
			fw.PaymentIntent = ch.PaymentIntent.ID
		}
	}
	if efw.Created > 0 {
		fw.Created = time.Unix(efw.Created, 0).UTC()
	}
	fe := commands.FraudWarningEvent{ID: ev.ID, Warning: fw}
	if ev.Created > 0 {
		fe.At = time.Unix(ev.Created, 0).UTC()
	}
	res, err := h.apply.ApplyFraudWarning(r.Context(), h.cfg.Target, fe)
	if err != nil {
		log.Error("stripe event failed", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	log.Info("stripe event", "case", res.Case, "did", res.Did, "replayed", res.Replayed)
	writeJSON(w, res)
}

// fetchUnknown replaces the dispute in de, an event other than a created of
// a dispute the bot has not seen, with the dispute as Stripe holds it now,
// so that the case opens current rather than as of an event that may be
// days old (Stripe does not promise the order of events). The event keeps
// its own time: the late created is older still, and an event between it
// and the fetch carries no other state than the fetch (each change is an
// event), so no clock but Stripe's is compared. Without a key, or when the
// fetch fails, the event's own dispute, complete in every event, opens the
// case: nothing is lost either way.
func (h *Handler) fetchUnknown(ctx context.Context, de *commands.DisputeEvent, log *slog.Logger) error {
	if h.cfg.API == nil || de.Type == commands.DisputeCreated {
		return nil
	}
	known, err := h.apply.DisputeKnown(ctx, de.Dispute.ID)
	if err != nil || known {
		return err
	}
	d, err := h.cfg.API.Dispute(ctx, de.Dispute.ID)
	if err != nil {
		log.Warn("stripe dispute not fetched; the event's own opens the case", "dispute_id", de.Dispute.ID, "error", err)
		return nil
	}
	fetched, err := h.dispute(*d)
	if err != nil {
		log.Warn("stripe dispute unreadable; the event's own opens the case", "dispute_id", de.Dispute.ID, "error", err)
		return nil
	}
	fetched.Order = cmp.Or(fetched.Order, de.Dispute.Order)
	de.Dispute = fetched
	log.Info("stripe dispute fetched: its created has not arrived", "dispute_id", fetched.ID, "status", fetched.Status)
	return nil
}
