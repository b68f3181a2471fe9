package gendata

import "time"

// playbook is what the generator knows of a built-in playbook
// (playbooks/builtin/*.yaml): its reference prefix, how often a team meets
// it, the values of its reason field (supplier disputes call it issue),
// its outcomes, and its main deadline with the time it allows.
type playbook struct {
	name, prefix string
	weight       int
	reasonField  string
	reasons      []string
	outcomes     []outcome
	deadline     string
	allows       time.Duration
	// money: whether its cases carry an amount (a recall has none).
	money bool
}

// outcome is a close and the share of the amount it gives back: 1 for a
// won chargeback, 0 for a lost one.
type outcome struct {
	id     string
	weight int
	back   float64
}

var playbooks = []playbook{
	{name: "chargeback", prefix: "CB", weight: 40, reasonField: "reason",
		reasons: []string{"product_not_received", "product_not_received", "fraudulent", "fraudulent", "fraudulent",
			"product_unacceptable", "credit_not_processed", "unrecognized", "duplicate", "subscription_canceled", "general"},
		outcomes: []outcome{{"won", 40, 1}, {"lost", 30, 0}, {"accepted", 10, 0}, {"refunded", 15, 0}, {"withdrawn", 5, 1}},
		deadline: "evidence_due", allows: 7 * 24 * time.Hour, money: true},
	{name: "return", prefix: "RMA", weight: 30, reasonField: "reason",
		reasons:  []string{"damaged", "wrong_item", "late", "defect", "quality", "quality", "lost", "return_cost", "no_communication"},
		outcomes: []outcome{{"refunded", 55, 0}, {"replaced", 15, 0}, {"repaired", 5, 0}, {"credited", 15, 0}, {"rejected", 7, 1}, {"withdrawn", 3, 1}},
		deadline: "refund_due", allows: 14 * 24 * time.Hour, money: true},
	{name: "marketplace-claim", prefix: "MC", weight: 15, reasonField: "reason",
		reasons:  []string{"not_received", "not_received", "not_as_described", "damaged", "refund_not_issued", "other"},
		outcomes: []outcome{{"won", 45, 1}, {"lost", 25, 0}, {"refunded", 25, 0}, {"withdrawn", 5, 1}},
		deadline: "respond", allows: 48 * time.Hour, money: true},
	{name: "supplier-dispute", prefix: "SUP", weight: 10, reasonField: "issue",
		reasons:  []string{"defect", "shipping_delay", "wrong_item", "short_shipment", "billing_error", "miscommunication"},
		outcomes: []outcome{{"refunded", 30, 1}, {"replaced", 20, 1}, {"credited", 25, 1}, {"renegotiated", 10, 0.5}, {"withdrawn", 5, 0}, {"lost", 10, 0}},
		deadline: "supplier_response", allows: 10 * 24 * time.Hour, money: true},
	{name: "recall", prefix: "RCL", weight: 5, reasonField: "severity",
		reasons:  []string{"serious_risk", "risk", "risk", "quality_only"},
		outcomes: []outcome{{"completed", 60, 0}, {"stopped_before_sale", 30, 0}, {"withdrawn", 10, 0}},
		deadline: "cpsc_report", allows: 24 * time.Hour},
}

// currencies and their weights: a Nordic shop selling across Europe and
// to the US.
var currencies = []currency{{"EUR", 40}, {"NOK", 25}, {"SEK", 20}, {"USD", 15}}

type currency struct {
	code   string
	weight int
}

var suppliers = []string{"Nordic Textiles AS", "Shenzhen Brightway Ltd", "Baltic Wood Works", "Lindqvist Packaging AB",
	"Atlas Electronics GmbH", "Fjord Outdoor Supply", "Porto Ceramics Lda", "Hanoi Garment Co", "Vistula Logistics",
	"Oresund Components"}

var processors = []string{"stripe", "stripe", "stripe", "paypal", "klarna", "vipps_mobilepay", "adyen"}

var marketplaces = []string{"amazon", "amazon", "ebay", "etsy"}

var firstNames = []string{"Kari", "Ola", "Ingrid", "Lars", "Sofia", "Erik", "Anna", "Mikael", "Emma", "Jonas",
	"Maja", "Aleksander", "Freja", "Mads", "Elin", "Noah", "Léa", "Lukas", "Zofia", "Mateo"}

var lastNames = []string{"Nordmann", "Hansen", "Johansson", "Andersen", "Nielsen", "Berg", "Lindström", "Dahl",
	"Müller", "Kowalski", "Virtanen", "Olsen", "Larsen", "Pedersen", "García", "Haugen"}

var products = []string{"Wool blanket", "Camping stove", "Kids' rain jacket", "Ceramic mug set", "Bluetooth speaker",
	"Hiking boots", "Baby monitor", "Oak side table", "Phone charger", "Down jacket"}
