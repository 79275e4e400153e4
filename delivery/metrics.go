package delivery

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portlight/portlight/store"
)

// Metrics are the dispatcher's Prometheus metrics (queue depth, delivery latency,
// attempts and failures: README.md "Webhooks").
type Metrics struct {
	// Latency is from the notification's commit (its storedOn) to the receiver's 2xx: what a
	// company waits for a webhook, retries included.
	Latency prometheus.Histogram
	// AttemptDuration is how long one HTTP attempt took, whatever its outcome.
	AttemptDuration prometheus.Histogram
	// Attempts counts attempts by outcome: delivered, retry, dead.
	Attempts *prometheus.CounterVec
	// Failures counts failed attempts by reason: http_4xx, http_5xx, http_other, timeout, network,
	// refused_address, token.
	Failures *prometheus.CounterVec
	// InFlight is the number of attempts under way on this node.
	InFlight prometheus.Gauge
	// GivenBack counts deliveries claimed ahead and given back unsent: they waited for a slot
	// until their lease got too short (a receiver slower than its channel's traffic).
	GivenBack prometheus.Counter
}

// NewMetrics registers the dispatcher's metrics on reg, and, when o is not nil, the depth of the
// outbox (read from the store at each scrape, so that every node reports the shared queue).
func NewMetrics(reg prometheus.Registerer, o store.Outbox) *Metrics {
	m := &Metrics{
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portlight_webhook_delivery_latency_seconds", Help: "Time from a notification's commit to its receiver's 2xx answer.",
			Buckets: []float64{.002, .005, .01, .02, .03, .05, .075, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400},
		}),
		AttemptDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portlight_webhook_attempt_duration_seconds", Help: "Duration of one webhook HTTP attempt.",
			Buckets: prometheus.ExponentialBuckets(.001, 2.5, 12),
		}),
		Attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portlight_webhook_attempts_total", Help: "Webhook attempts by outcome (delivered, retry, dead).",
		}, []string{"outcome"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portlight_webhook_failures_total", Help: "Failed webhook attempts by reason.",
		}, []string{"reason"}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portlight_webhook_in_flight", Help: "Webhook attempts under way on this node.",
		}),
		GivenBack: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portlight_webhook_given_back_total",
			Help: "Deliveries claimed ahead and given back unsent, their lease too short by the time a slot was free (a slow receiver).",
		}),
	}
	reg.MustRegister(m.Latency, m.AttemptDuration, m.Attempts, m.Failures, m.InFlight, m.GivenBack)
	if o != nil {
		reg.MustRegister(&depthCollector{outbox: o})
	}
	return m
}

// depthCollector reads the outbox depth from the store when scraped.
type depthCollector struct {
	outbox store.Outbox
}

var (
	descPending = prometheus.NewDesc("portlight_webhook_queue_depth",
		"Webhook deliveries waiting to be delivered (pending, retries included).", nil, nil)
	descUndispatched = prometheus.NewDesc("portlight_webhook_undispatched_notifications",
		"Notifications committed but not yet turned into deliveries.", nil, nil)
	descDead = prometheus.NewDesc("portlight_webhook_dead_letters",
		"Webhook deliveries given up on, waiting for their company to replay them.", nil, nil)
)

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPending
	ch <- descUndispatched
	ch <- descDead
}

func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.outbox.OutboxStats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descPending, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(st.Pending))
	ch <- prometheus.MustNewConstMetric(descUndispatched, prometheus.GaugeValue, float64(st.Undispatched))
	ch <- prometheus.MustNewConstMetric(descDead, prometheus.GaugeValue, float64(st.Dead))
}

// NewMetricsUnregistered returns metrics registered nowhere (tests, tools).
func NewMetricsUnregistered() *Metrics { return NewMetrics(prometheus.NewRegistry(), nil) }
