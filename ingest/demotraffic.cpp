#include "demotraffic.h"

#include "otlpclient.h"
#include <otlp/otlpconvert.h>

#include <opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>
#include <telemetry.h>

#include <chrono>
#include <map>
#include <random>

namespace spanscope::ingest {

namespace {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_logs = opentelemetry::proto::logs::v1;
namespace pb_collector_trace = opentelemetry::proto::collector::trace::v1;
namespace pb_collector_logs = opentelemetry::proto::collector::logs::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;
namespace pb_collector_metrics = opentelemetry::proto::collector::metrics::v1;

constexpr std::int64_t Ms = 1'000'000;

void attr(google::protobuf::RepeatedPtrField<pb_common::KeyValue> &out, const std::string &key,
          const std::string &value)
{
    auto *kv = out.Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

void attr(google::protobuf::RepeatedPtrField<pb_common::KeyValue> &out, const std::string &key,
          std::int64_t value)
{
    auto *kv = out.Add();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

void attr(google::protobuf::RepeatedPtrField<pb_common::KeyValue> &out, const std::string &key,
          double value)
{
    auto *kv = out.Add();
    kv->set_key(key);
    kv->mutable_value()->set_double_value(value);
}

// Builds spans and log records per service, then sends them grouped as SDKs would.
class DemoBuilder
{
public:
    explicit DemoBuilder(std::uint64_t seed)
        : m_rng(seed)
        , m_now(std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count())
    {}

    std::string newTrace()
    {
        m_traceId = randomBytes(16);
        ++m_summary.traces;
        return storage::hexEncode(m_traceId);
    }

    // A span of `service`, starting `offsetMs` after `base` and lasting `durationMs`.
    pb_trace::Span &span(const std::string &service, const std::string &name,
                         pb_trace::Span::SpanKind kind, const pb_trace::Span *parent,
                         std::int64_t base, double offsetMs, double durationMs)
    {
        pb_trace::Span &span = *scopeSpans(service).add_spans();
        span.set_trace_id(m_traceId);
        span.set_span_id(randomBytes(8));
        if (parent)
            span.set_parent_span_id(parent->span_id());
        span.set_name(name);
        span.set_kind(kind);
        span.set_flags(0x301); // sampled; the parent's remoteness is known
        span.set_start_time_unix_nano(
            static_cast<std::uint64_t>(base + static_cast<std::int64_t>(offsetMs * Ms)));
        span.set_end_time_unix_nano(span.start_time_unix_nano()
                                    + static_cast<std::uint64_t>(durationMs * Ms));
        ++m_summary.spans;
        return span;
    }

    // `function` is where the line was logged, as the logging bridges record it.
    void log(const std::string &service, const pb_trace::Span &span, double offsetMs, int severity,
             const std::string &severityText, const std::string &function, const std::string &body)
    {
        pb_logs::LogRecord &record = *scopeLogs(service).add_log_records();
        attr(*record.mutable_attributes(), "code.function.name", function);
        record.set_time_unix_nano(span.start_time_unix_nano()
                                  + static_cast<std::uint64_t>(offsetMs * Ms));
        record.set_observed_time_unix_nano(record.time_unix_nano());
        record.set_severity_number(static_cast<pb_logs::SeverityNumber>(severity));
        record.set_severity_text(severityText);
        record.mutable_body()->set_string_value(body);
        record.set_trace_id(span.trace_id());
        record.set_span_id(span.span_id());
        record.set_flags(1);
        ++m_summary.logRecords;
    }

    std::int64_t now() const { return m_now; }
    std::mt19937_64 &rng() { return m_rng; }
    DemoSummary &summary() { return m_summary; }

    // Hands everything built so far on as export requests, as an SDK batches it: at most
    // MaxSpansPerRequest spans per request and service, then each service's logs. Stops at the
    // first error.
    template<typename OnTraces, typename OnLogs, typename OnMetrics>
    storage::Result<bool> forEachRequest(OnTraces onTraces, OnLogs onLogs,
                                         OnMetrics onMetrics) const
    {
        for (const auto &[service, resourceSpans] : m_spans) {
            const pb_trace::ScopeSpans &all = resourceSpans.scope_spans(0);
            for (int first = 0; first < all.spans_size(); first += MaxSpansPerRequest) {
                pb_collector_trace::ExportTraceServiceRequest request;
                pb_trace::ResourceSpans *rs = request.add_resource_spans();
                *rs->mutable_resource() = resourceSpans.resource();
                pb_trace::ScopeSpans *ss = rs->add_scope_spans();
                *ss->mutable_scope() = all.scope();
                for (int i = first; i < std::min(all.spans_size(), first + MaxSpansPerRequest); ++i)
                    *ss->add_spans() = all.spans(i);
                if (auto done = onTraces(request); !done)
                    return storage::Error{done.error()};
            }
        }
        for (const auto &[service, resourceLogs] : m_logs) {
            pb_collector_logs::ExportLogsServiceRequest request;
            *request.add_resource_logs() = resourceLogs;
            if (auto done = onLogs(request); !done)
                return storage::Error{done.error()};
        }
        // One export per reading, as a periodic reader sends them.
        for (const pb_collector_metrics::ExportMetricsServiceRequest &request : m_metricExports) {
            if (auto done = onMetrics(request); !done)
                return storage::Error{done.error()};
        }
        return true;
    }

    // Each service's metrics over the minute the demo covers, read every 5 s: the duration
    // histogram of its server spans per route (cumulative, the semantic conventions' buckets)
    // with the slowest span of each reading as its exemplar, a request counter, and a gauge.
    void buildMetrics()
    {
        struct Request
        {
            std::uint64_t end;
            double seconds;
            std::string traceId, spanId;
            bool failed;
        };
        std::map<std::pair<std::string, std::string>, std::vector<Request>> byRoute;
        for (const auto &[service, resourceSpans] : m_spans) {
            for (const pb_trace::Span &span : resourceSpans.scope_spans(0).spans()) {
                if (span.kind() != pb_trace::Span::SPAN_KIND_SERVER)
                    continue;
                std::string route = span.name();
                for (const auto &kv : span.attributes()) {
                    if (kv.key() == "http.route")
                        route = kv.value().string_value();
                }
                byRoute[{service, route}].push_back(
                    {span.end_time_unix_nano(),
                     static_cast<double>(span.end_time_unix_nano() - span.start_time_unix_nano())
                         / 1e9,
                     span.trace_id(), span.span_id(), span.status().code() == 2});
            }
        }
        static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                0.5,   0.75, 1,     2.5,  5,     7.5, 10};
        const auto start = static_cast<std::uint64_t>(m_now - 65'000 * Ms);
        for (int reading = 1; reading <= 13; ++reading) {
            const std::uint64_t at = start + static_cast<std::uint64_t>(reading) * 5'000 * Ms;
            pb_collector_metrics::ExportMetricsServiceRequest request;
            for (const auto &[service, resourceSpans] : m_spans) {
                pb_metrics::ResourceMetrics &rm = *request.add_resource_metrics();
                *rm.mutable_resource() = resourceSpans.resource();
                pb_metrics::ScopeMetrics &sm = *rm.add_scope_metrics();
                sm.mutable_scope()->set_name(service + ".metrics");
                pb_metrics::Metric &duration = *sm.add_metrics();
                duration.set_name("http.server.request.duration");
                duration.set_unit("s");
                duration.set_description("Duration of HTTP server requests.");
                duration.mutable_histogram()->set_aggregation_temporality(
                    pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
                pb_metrics::Metric &count = *sm.add_metrics();
                count.set_name("http.server.requests");
                count.set_unit("{request}");
                count.mutable_sum()->set_is_monotonic(true);
                count.mutable_sum()->set_aggregation_temporality(
                    pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
                for (const auto &[key, requests] : byRoute) {
                    if (key.first != service)
                        continue;
                    pb_metrics::HistogramDataPoint &point
                        = *duration.mutable_histogram()->add_data_points();
                    point.set_start_time_unix_nano(start);
                    point.set_time_unix_nano(at);
                    attr(*point.mutable_attributes(), "http.route", key.second);
                    std::vector<std::uint64_t> buckets(bounds.size() + 1, 0);
                    const Request *slowest = nullptr;
                    std::uint64_t n = 0;
                    double sum = 0, least = 0, most = 0;
                    for (const Request &r : requests) {
                        if (r.end > at)
                            continue;
                        least = n == 0 ? r.seconds : std::min(least, r.seconds);
                        most = std::max(most, r.seconds);
                        ++n;
                        sum += r.seconds;
                        buckets[std::lower_bound(bounds.begin(), bounds.end(), r.seconds)
                                - bounds.begin()]++;
                        if (r.end > at - 5'000 * Ms && (!slowest || r.seconds > slowest->seconds))
                            slowest = &r;
                    }
                    point.set_count(n);
                    point.set_sum(sum);
                    if (n > 0) {
                        point.set_min(least);
                        point.set_max(most);
                    }
                    for (const double b : bounds)
                        point.add_explicit_bounds(b);
                    for (const std::uint64_t c : buckets)
                        point.add_bucket_counts(c);
                    if (slowest) {
                        pb_metrics::Exemplar &e = *point.add_exemplars();
                        e.set_time_unix_nano(slowest->end);
                        e.set_as_double(slowest->seconds);
                        e.set_trace_id(slowest->traceId);
                        e.set_span_id(slowest->spanId);
                    }
                    pb_metrics::NumberDataPoint &c = *count.mutable_sum()->add_data_points();
                    c.set_start_time_unix_nano(start);
                    c.set_time_unix_nano(at);
                    attr(*c.mutable_attributes(), "http.route", key.second);
                    c.set_as_int(static_cast<std::int64_t>(n));
                    m_summary.metricPoints += 2;
                }
                pb_metrics::Metric &memory = *sm.add_metrics();
                memory.set_name("process.memory.usage");
                memory.set_unit("By");
                pb_metrics::NumberDataPoint &used = *memory.mutable_gauge()->add_data_points();
                used.set_time_unix_nano(at);
                used.set_as_int(static_cast<std::int64_t>((60 + reading * 3 + m_rng() % 8) << 20));
                ++m_summary.metricPoints;
            }
            m_metricExports.push_back(std::move(request));
        }
    }

private:
    static constexpr int MaxSpansPerRequest = 512;

    std::string randomBytes(int n)
    {
        std::string out(static_cast<std::size_t>(n), '\0');
        for (char &c : out)
            c = static_cast<char>(m_rng() | 1);
        return out;
    }

    static void describe(opentelemetry::proto::resource::v1::Resource &resource,
                         const std::string &service)
    {
        static const std::map<std::string, std::pair<std::string, std::string>> languages
            = {{"web-frontend", {"nodejs", "3.8.0"}},
               {"checkout", {"python", "1.4.2"}},
               {"inventory", {"go", "0.9.7"}},
               {"payments", {"java", "5.1.0"}},
               {"notifications", {"python", "0.3.1"}}};
        const auto &[language, version] = languages.count(service)
            ? languages.at(service)
            : std::pair<std::string, std::string>{"cpp", "1.0.0"};
        attr(*resource.mutable_attributes(), "service.name", service);
        attr(*resource.mutable_attributes(), "service.version", version);
        attr(*resource.mutable_attributes(), "deployment.environment.name", "demo");
        attr(*resource.mutable_attributes(), "telemetry.sdk.language", language);
    }

    pb_trace::ScopeSpans &scopeSpans(const std::string &service)
    {
        pb_trace::ResourceSpans &rs = m_spans[service];
        if (rs.scope_spans_size() == 0) {
            describe(*rs.mutable_resource(), service);
            rs.add_scope_spans()->mutable_scope()->set_name(service + ".demo");
        }
        return *rs.mutable_scope_spans(0);
    }

    pb_logs::ScopeLogs &scopeLogs(const std::string &service)
    {
        pb_logs::ResourceLogs &rl = m_logs[service];
        if (rl.scope_logs_size() == 0) {
            describe(*rl.mutable_resource(), service);
            rl.add_scope_logs()->mutable_scope()->set_name(service + ".log");
        }
        return *rl.mutable_scope_logs(0);
    }

    std::mt19937_64 m_rng;
    std::int64_t m_now;
    std::string m_traceId;
    std::map<std::string, pb_trace::ResourceSpans> m_spans;
    std::map<std::string, pb_logs::ResourceLogs> m_logs;
    std::vector<pb_collector_metrics::ExportMetricsServiceRequest> m_metricExports;
    DemoSummary m_summary;
};

// One order through frontend -> checkout -> inventory/payments, optionally failing at payment.
// Returns the (trace id, span id) of the confirmation message a successful order sends.
std::pair<std::string, std::string> orderFlow(DemoBuilder &demo, std::int64_t base, int orderId,
                                              bool paymentFails)
{
    const std::string traceId = demo.newTrace();
    const double total = 20.0 + static_cast<double>(demo.rng()() % 20000) / 100.0;
    auto &root = demo.span("web-frontend", "POST /checkout", pb_trace::Span::SPAN_KIND_SERVER,
                           nullptr, base, 0, 180);
    attr(*root.mutable_attributes(), "http.request.method", "POST");
    attr(*root.mutable_attributes(), "http.route", "/checkout");
    attr(*root.mutable_attributes(), "http.response.status_code",
         std::int64_t(paymentFails ? 502 : 200));
    attr(*root.mutable_attributes(), "user_agent.original",
         "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
    auto &call
        = demo.span("web-frontend", "POST", pb_trace::Span::SPAN_KIND_CLIENT, &root, base, 4, 170);
    // What instrumentations record as they find it: a session in the URL, which an export for a
    // bug report must not carry.
    attr(*call.mutable_attributes(), "url.full",
         "http://checkout:8000/api/orders?session=" + std::to_string(7'341'905 + orderId * 13));
    attr(*call.mutable_attributes(), "server.address", "checkout");
    attr(*call.mutable_attributes(), "http.response.status_code",
         std::int64_t(paymentFails ? 502 : 201));
    auto &server = demo.span("checkout", "POST /api/orders", pb_trace::Span::SPAN_KIND_SERVER,
                             &call, base, 6, 165);
    attr(*server.mutable_attributes(), "http.route", "/api/orders");
    attr(*server.mutable_attributes(), "http.response.status_code",
         std::int64_t(paymentFails ? 502 : 201));
    auto &process = demo.span("checkout", "process_order", pb_trace::Span::SPAN_KIND_INTERNAL,
                              &server, base, 7, 160);
    attr(*process.mutable_attributes(), "order.id", std::int64_t(orderId));
    attr(*process.mutable_attributes(), "order.type", "standard");
    auto *started = process.add_events();
    started->set_time_unix_nano(process.start_time_unix_nano() + Ms / 2);
    started->set_name("processing_started");
    attr(*started->mutable_attributes(), "items", std::int64_t(3));
    demo.log("checkout", process, 0.6, 9, "INFO", "process_order",
             "processing order " + std::to_string(orderId));

    auto &validate = demo.span("checkout", "validate_order", pb_trace::Span::SPAN_KIND_INTERNAL,
                               &process, base, 8, 6);
    demo.log("checkout", validate, 5, 9, "INFO", "validate_order", "order validated");
    // The customer is loaded from Redis while the stock check runs: off the critical path.
    auto &customer = demo.span("checkout", "HGETALL", pb_trace::Span::SPAN_KIND_CLIENT, &process,
                               base, 15.5, 3);
    attr(*customer.mutable_attributes(), "db.system.name", "redis");
    attr(*customer.mutable_attributes(), "db.query.text",
         "HGETALL customer:" + std::to_string(orderId % 7));
    auto &stock
        = demo.span("checkout", "GET", pb_trace::Span::SPAN_KIND_CLIENT, &process, base, 15, 40);
    attr(*stock.mutable_attributes(), "url.full",
         "http://inventory:9000/stock?order=" + std::to_string(orderId));
    auto &stockServer = demo.span("inventory", "GET /stock", pb_trace::Span::SPAN_KIND_SERVER,
                                  &stock, base, 17, 36);
    attr(*stockServer.mutable_attributes(), "http.route", "/stock");
    auto &query = demo.span("inventory", "SELECT stock", pb_trace::Span::SPAN_KIND_CLIENT,
                            &stockServer, base, 19, 28);
    attr(*query.mutable_attributes(), "db.system.name", "postgresql");
    attr(*query.mutable_attributes(), "db.namespace", "shop");
    attr(*query.mutable_attributes(), "db.query.text",
         "SELECT sku, qty FROM stock WHERE sku = ANY($1) FOR UPDATE");

    auto &payment = demo.span("checkout", "process_payment", pb_trace::Span::SPAN_KIND_INTERNAL,
                              &process, base, 58, 100);
    attr(*payment.mutable_attributes(), "payment.amount", total);
    auto &charge = demo.span("payments", "PaymentService/Charge", pb_trace::Span::SPAN_KIND_SERVER,
                             &payment, base, 60, 90);
    attr(*charge.mutable_attributes(), "rpc.system.name", "grpc");
    attr(*charge.mutable_attributes(), "rpc.method", "shop.PaymentService/Charge");
    if (paymentFails) {
        for (pb_trace::Span *failed : {&charge, &payment, &process}) {
            failed->mutable_status()->set_code(pb_trace::Status::STATUS_CODE_ERROR);
            failed->mutable_status()->set_message("card declined");
        }
        // HTTP spans follow the conventions: a 5xx answer is an error for server and client.
        for (pb_trace::Span *failed : {&server, &call, &root}) {
            failed->mutable_status()->set_code(pb_trace::Status::STATUS_CODE_ERROR);
            failed->mutable_status()->set_message("502 Bad Gateway");
        }
        auto *exception = charge.add_events();
        exception->set_time_unix_nano(charge.end_time_unix_nano() - Ms);
        exception->set_name("exception");
        attr(*exception->mutable_attributes(), "exception.type",
             "shop.payments.CardDeclinedException");
        attr(*exception->mutable_attributes(), "exception.message",
             "card declined: insufficient funds");
        attr(*exception->mutable_attributes(), "exception.stacktrace",
             "shop.payments.CardDeclinedException: card declined: insufficient funds\n"
             "\tat shop.payments.Gateway.charge(Gateway.java:118)\n"
             "\tat shop.payments.PaymentService.charge(PaymentService.java:57)\n"
             "\tat shop.payments.PaymentGrpc$Handler.invoke(PaymentGrpc.java:203)");
        demo.log("payments", charge, 88, 17, "ERROR", "PaymentService.charge",
                 "charge failed for order " + std::to_string(orderId) + ": card declined");
        // The Python caller records what it saw, as span.record_exception does.
        auto *raised = payment.add_events();
        raised->set_time_unix_nano(payment.end_time_unix_nano() - Ms / 2);
        raised->set_name("exception");
        attr(*raised->mutable_attributes(), "exception.type", "checkout.payments.PaymentDeclined");
        attr(*raised->mutable_attributes(), "exception.message",
             "payment for order " + std::to_string(orderId) + " declined: card declined");
        attr(*raised->mutable_attributes(), "exception.stacktrace",
             "Traceback (most recent call last):\n"
             "  File \"/srv/checkout/app/orders.py\", line 88, in process_order\n"
             "    receipt = await payments.charge(order)\n"
             "  File \"/srv/checkout/app/payments.py\", line 41, in charge\n"
             "    raise PaymentDeclined(order.id, reply.reason)\n"
             "checkout.payments.PaymentDeclined: payment for order "
                 + std::to_string(orderId) + " declined: card declined\n");
        attr(*raised->mutable_attributes(), "exception.escaped", "True");
        demo.summary().failedTraceId = traceId;
        return {};
    } else {
        auto &confirm = demo.span("checkout", "send_confirmation",
                                  pb_trace::Span::SPAN_KIND_PRODUCER, &process, base, 160, 6);
        attr(*confirm.mutable_attributes(), "messaging.system", "rabbitmq");
        attr(*confirm.mutable_attributes(), "messaging.destination.name", "order-emails");
        demo.log("checkout", confirm, 5, 9, "INFO", "send_confirmation", "confirmation queued");
        return {confirm.trace_id(), confirm.span_id()};
    }
}

// A page of past orders as an ORM writes it: one query for the orders, then one lazy load of
// the lines per order (an N+1), then three calls to other services one after another that
// could run side by side. What the insights must find in the demo.
void orderHistory(DemoBuilder &demo, std::int64_t base)
{
    demo.summary().historyTraceId = demo.newTrace();
    auto &root = demo.span("checkout", "GET /orders/history", pb_trace::Span::SPAN_KIND_SERVER,
                           nullptr, base, 0, 260);
    attr(*root.mutable_attributes(), "http.request.method", "GET");
    attr(*root.mutable_attributes(), "http.route", "/orders/history");
    attr(*root.mutable_attributes(), "http.response.status_code", std::int64_t(200));
    const auto query = [&](double at, double ms, const std::string &statement) {
        auto &span = demo.span("checkout", "SELECT shop", pb_trace::Span::SPAN_KIND_CLIENT, &root,
                               base, at, ms);
        attr(*span.mutable_attributes(), "db.system.name", "postgresql");
        attr(*span.mutable_attributes(), "db.namespace", "shop");
        attr(*span.mutable_attributes(), "db.query.text", statement);
    };
    query(2, 6,
          "SELECT orders.id, orders.total FROM orders WHERE orders.customer_id = 7 "
          "ORDER BY orders.created DESC LIMIT 12");
    for (int i = 0; i < 12; ++i)
        query(9 + i * 3.5, 3,
              "SELECT order_lines.sku, order_lines.qty FROM order_lines WHERE "
              "order_lines.order_id = "
                  + std::to_string(1028 - i));
    const std::pair<const char *, const char *> calls[]
        = {{"loyalty", "http://loyalty:8080/points/7"},
           {"recommendations", "http://recommendations:8080/for/7"},
           {"shipping", "http://shipping:8080/open-parcels?customer=7"}};
    double at = 52;
    for (const auto &[target, url] : calls) {
        auto &call
            = demo.span("checkout", "GET", pb_trace::Span::SPAN_KIND_CLIENT, &root, base, at, 65);
        attr(*call.mutable_attributes(), "http.request.method", "GET");
        attr(*call.mutable_attributes(), "url.full", url);
        attr(*call.mutable_attributes(), "server.address", target);
        attr(*call.mutable_attributes(), "http.response.status_code", std::int64_t(200));
        at += 67;
    }
}

// The same seed every time: the same ids and timings on every run, so screenshots and
// tests can rely on them.
constexpr std::uint64_t DemoSeed = 20261124;

void buildDemo(DemoBuilder &demo, int largeTraceSpans)
{
    const std::int64_t now = demo.now();
    // Orders over the last minute, one of them failing at payment.
    std::pair<std::string, std::string> confirmation;
    for (int i = 0; i < 8; ++i) {
        auto sent = orderFlow(demo, now - (60 - i * 7) * 1000 * Ms, 1040 + i, i == 5);
        if (confirmation.first.empty())
            confirmation = sent;
    }

    // The e-mail worker handles the first confirmation in a trace of its own, linked to the
    // message it consumed, as messaging instrumentations do.
    demo.newTrace();
    auto &consume
        = demo.span("notifications", "order-emails process", pb_trace::Span::SPAN_KIND_CONSUMER,
                    nullptr, now - 50'000 * Ms, 0, 35);
    attr(*consume.mutable_attributes(), "messaging.system", "rabbitmq");
    attr(*consume.mutable_attributes(), "messaging.operation.type", "process");
    auto *link = consume.add_links();
    link->set_trace_id(confirmation.first);
    link->set_span_id(confirmation.second);
    auto &send = demo.span("notifications", "send email", pb_trace::Span::SPAN_KIND_CLIENT,
                           &consume, now - 50'000 * Ms, 4, 28);
    attr(*send.mutable_attributes(), "server.address", "smtp.example.com");
    attr(*send.mutable_attributes(), "email.to", "ann.smith@example.com");

    orderHistory(demo, now - 20'000 * Ms);

    demo.newTrace();
    auto &health = demo.span("web-frontend", "GET /healthz", pb_trace::Span::SPAN_KIND_SERVER,
                             nullptr, now - 2000 * Ms, 0, 0.4);
    attr(*health.mutable_attributes(), "http.route", "/healthz");

    // A nightly job with a large fan-out: batches of documents, each with a few steps.
    demo.summary().largeTraceId = demo.newTrace();
    const std::int64_t jobStart = now - 30'000 * Ms;
    auto &job = demo.span("inventory", "reindex catalog", pb_trace::Span::SPAN_KIND_INTERNAL,
                          nullptr, jobStart, 0, 25'000);
    int made = 1;
    for (int batch = 0; made < largeTraceSpans; ++batch) {
        const double batchStart = 10.0 + batch * 24.0;
        auto &batchSpan
            = demo.span("inventory", "index batch " + std::to_string(batch),
                        pb_trace::Span::SPAN_KIND_INTERNAL, &job, jobStart, batchStart, 23);
        ++made;
        for (int doc = 0; doc < 19 && made < largeTraceSpans; ++doc, ++made) {
            auto &step
                = demo.span("inventory", "index document", pb_trace::Span::SPAN_KIND_INTERNAL,
                            &batchSpan, jobStart, batchStart + doc * 1.2, 1.0);
            attr(*step.mutable_attributes(), "document.id", std::int64_t(batch * 19 + doc));
        }
    }
    demo.buildMetrics();
}

// What a sink's answer means for the demo: stored, or why not.
storage::Result<bool> stored(const storage::WriteOutcome &outcome)
{
    if (outcome.committed())
        return true;
    return storage::Error{outcome.error};
}

} // namespace

storage::Result<DemoSummary> sendDemoTraffic(const std::string &grpcAddress,
                                             const std::string &bearerToken, int largeTraceSpans)
{
    DemoBuilder demo(DemoSeed);
    buildDemo(demo, largeTraceSpans);
    OtlpGrpcClient client(grpcAddress, bearerToken);
    const auto sent = demo.forEachRequest(
        [&client](const auto &request) -> storage::Result<bool> {
            if (auto done = client.exportTraces(request); !done)
                return storage::Error{done.error()};
            return true;
        },
        [&client](const auto &request) -> storage::Result<bool> {
            if (auto done = client.exportLogs(request); !done)
                return storage::Error{done.error()};
            return true;
        },
        [&client](const auto &request) -> storage::Result<bool> {
            if (auto done = client.exportMetrics(request); !done)
                return storage::Error{done.error()};
            return true;
        });
    if (!sent)
        return storage::Error{sent.error()};
    return demo.summary();
}

storage::Result<DemoSummary> writeDemoTraffic(storage::BatchSink &sink, int largeTraceSpans)
{
    DemoBuilder demo(DemoSeed);
    buildDemo(demo, largeTraceSpans);
    const IngestLimits limits;
    const auto written = demo.forEachRequest(
        [&](const auto &request) {
            return stored(sink.writeTraces(decodeTraces(request, limits).batch));
        },
        [&](const auto &request) {
            return stored(sink.writeLogs(decodeLogs(request, limits).batch));
        },
        [&](const auto &request) {
            return stored(sink.writeMetrics(decodeMetrics(request, limits).batch));
        });
    if (!written)
        return storage::Error{written.error()};
    return demo.summary();
}

} // namespace spanscope::ingest
