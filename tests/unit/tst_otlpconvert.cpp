// Decoding OTLP messages into storage types: ids validated per item, limits applied and
// counted, out-of-range enums repaired, and the reverse encoding used for --json output.

#include <otlp/otlpconvert.h>

#include <QTest>

using namespace spanscope;
namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_logs = opentelemetry::proto::logs::v1;

namespace {

pb_trace::Span *addSpan(ingest::otlp_trace::ExportTraceServiceRequest &request, char id)
{
    if (request.resource_spans_size() == 0)
        request.add_resource_spans()->add_scope_spans();
    pb_trace::Span *span = request.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
    span->set_trace_id(std::string(16, '\x11'));
    span->set_span_id(std::string(8, id));
    span->set_name("span");
    return span;
}

} // namespace

class TestOtlpConvert : public QObject
{
    Q_OBJECT
private slots:
    void invalidIdsRejectOnlyTheirItem_data()
    {
        QTest::addColumn<QByteArray>("traceId");
        QTest::addColumn<QByteArray>("spanId");
        QTest::addColumn<QByteArray>("parentId");
        QTest::addColumn<bool>("kept");
        const QByteArray good16(16, '\x01'), good8(8, '\x02');
        QTest::newRow("valid root") << good16 << good8 << QByteArray() << true;
        QTest::newRow("valid child") << good16 << good8 << QByteArray(8, '\x03') << true;
        QTest::newRow("empty trace id") << QByteArray() << good8 << QByteArray() << false;
        QTest::newRow("short trace id") << QByteArray(15, '\x01') << good8 << QByteArray() << false;
        QTest::newRow("all-zero trace id")
            << QByteArray(16, '\0') << good8 << QByteArray() << false;
        QTest::newRow("empty span id") << good16 << QByteArray() << QByteArray() << false;
        QTest::newRow("all-zero span id") << good16 << QByteArray(8, '\0') << QByteArray() << false;
        QTest::newRow("long span id") << good16 << QByteArray(9, '\x02') << QByteArray() << false;
        QTest::newRow("short parent id") << good16 << good8 << QByteArray(4, '\x03') << false;
    }

    void invalidIdsRejectOnlyTheirItem()
    {
        QFETCH(QByteArray, traceId);
        QFETCH(QByteArray, spanId);
        QFETCH(QByteArray, parentId);
        QFETCH(bool, kept);
        ingest::otlp_trace::ExportTraceServiceRequest request;
        addSpan(request, '\x05'); // a good neighbour in the same request
        pb_trace::Span *span = addSpan(request, '\x06');
        span->set_trace_id(traceId.toStdString());
        span->set_span_id(spanId.toStdString());
        span->set_parent_span_id(parentId.toStdString());
        const auto decoded = ingest::decodeTraces(request, {});
        QCOMPARE(decoded.batch.spanCount(), kept ? size_t(2) : size_t(1));
        QCOMPARE(decoded.rejected, kept ? 0u : 1u);
        QCOMPARE(decoded.rejectReason.empty(), kept);
    }

    void limitsTruncateAndCount()
    {
        ingest::IngestLimits limits;
        limits.maxAttributeCount = 3;
        limits.maxValueBytes = 10;
        limits.maxValueDepth = 2;
        ingest::otlp_trace::ExportTraceServiceRequest request;
        pb_trace::Span *span = addSpan(request, '\x07');
        span->set_dropped_attributes_count(5);
        for (int i = 0; i < 5; ++i) {
            auto *kv = span->add_attributes();
            kv->set_key("k" + std::to_string(i));
            kv->mutable_value()->set_string_value(std::string(i == 0 ? 50 : 3, 'x'));
        }
        // Nested three deep: the innermost level is beyond the depth limit.
        auto *deep = span->mutable_attributes(1)
                         ->mutable_value()
                         ->mutable_array_value()
                         ->add_values()
                         ->mutable_array_value()
                         ->add_values()
                         ->mutable_array_value();
        deep->add_values()->set_int_value(1);
        const auto decoded = ingest::decodeTraces(request, limits);
        const storage::Span &out = decoded.batch.groups[0].spans[0];
        QCOMPARE(out.attributes.size(), size_t(3));
        QCOMPARE(out.droppedAttributesCount, 5u + 2u); // the sender's count plus ours
        QCOMPARE(std::get<std::string>(out.attributes[0].value.value), std::string(10, 'x'));
        const auto &outer = std::get<storage::AnyValue::Array>(out.attributes[1].value.value);
        const auto &inner = std::get<storage::AnyValue::Array>(outer[0].value);
        QCOMPARE(inner[0].type(), storage::AnyValue::Type::Empty); // cut at the depth limit
        QCOMPARE(decoded.truncated, 2u + 1u + 1u); // two attributes, one value, one level
    }

    // Each limit at its edge: a request exactly at it is stored whole, one more is cut.
    void limitsAtTheirEdges_data()
    {
        QTest::addColumn<int>("attributes");
        QTest::addColumn<int>("valueBytes");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("truncated");
        QTest::newRow("all at the limit") << 4 << 16 << 3 << 0;
        QTest::newRow("one attribute over") << 5 << 16 << 3 << 1;
        QTest::newRow("one byte over") << 4 << 17 << 3 << 1;
        QTest::newRow("one level over") << 4 << 16 << 4 << 1;
    }

    void limitsAtTheirEdges()
    {
        QFETCH(int, attributes);
        QFETCH(int, valueBytes);
        QFETCH(int, depth);
        QFETCH(int, truncated);
        ingest::IngestLimits limits;
        limits.maxAttributeCount = 4;
        limits.maxValueBytes = 16;
        limits.maxValueDepth = 3;
        ingest::otlp_trace::ExportTraceServiceRequest request;
        pb_trace::Span *span = addSpan(request, '\x0a');
        for (int i = 0; i < attributes; ++i) {
            auto *kv = span->add_attributes();
            kv->set_key("k" + std::to_string(i));
            kv->mutable_value()->set_string_value("v");
        }
        span->mutable_attributes(0)->mutable_value()->set_string_value(
            std::string(valueBytes, 'x'));
        // `depth` arrays inside each other, an int at the bottom.
        auto *value = span->mutable_attributes(1)->mutable_value();
        for (int level = 0; level < depth; ++level)
            value = value->mutable_array_value()->add_values();
        value->set_int_value(7);

        const auto decoded = ingest::decodeTraces(request, limits);
        QCOMPARE(decoded.truncated, std::uint64_t(truncated));
        const storage::Span &out = decoded.batch.groups[0].spans[0];
        QCOMPARE(out.attributes.size(), size_t(std::min(attributes, 4)));
        QCOMPARE(std::get<std::string>(out.attributes[0].value.value).size(),
                 size_t(std::min(valueBytes, 16)));
        const storage::AnyValue *bottom = &out.attributes[1].value;
        while (bottom->type() == storage::AnyValue::Type::Array)
            bottom = &std::get<storage::AnyValue::Array>(bottom->value)[0];
        QCOMPARE(bottom->type(),
                 depth <= 3 ? storage::AnyValue::Type::Int : storage::AnyValue::Type::Empty);
    }

    void truncationKeepsWholeCharacters()
    {
        ingest::IngestLimits limits;
        limits.maxValueBytes = 16;
        ingest::otlp_trace::ExportTraceServiceRequest request;
        pb_trace::Span *span = addSpan(request, '\x0b');
        // 15 ASCII bytes, then "€" (3 bytes) straddling the limit: the cut falls before it.
        auto *kv = span->add_attributes();
        kv->set_key("text");
        kv->mutable_value()->set_string_value(std::string(15, 'a') + "\xE2\x82\xAC" + "tail");
        // Bytes values are not text: they are cut at the limit exactly.
        auto *raw = span->add_attributes();
        raw->set_key("raw");
        raw->mutable_value()->set_bytes_value(std::string(15, 'b') + "\xE2\x82\xAC");

        const auto decoded = ingest::decodeTraces(request, limits);
        QCOMPARE(decoded.truncated, std::uint64_t(2));
        const storage::Span &out = decoded.batch.groups[0].spans[0];
        QCOMPARE(std::get<std::string>(out.attributes[0].value.value), std::string(15, 'a'));
        QCOMPARE(std::get<storage::Bytes>(out.attributes[1].value.value).data.size(), size_t(16));
    }

    void enumsOutOfRangeAreRepaired()
    {
        ingest::otlp_trace::ExportTraceServiceRequest request;
        pb_trace::Span *span = addSpan(request, '\x08');
        span->set_kind(static_cast<pb_trace::Span::SpanKind>(42));
        span->mutable_status()->set_code(static_cast<pb_trace::Status::StatusCode>(9));
        const auto decoded = ingest::decodeTraces(request, {});
        QCOMPARE(decoded.batch.groups[0].spans[0].kind, storage::SpanKind::Unspecified);
        QCOMPARE(decoded.batch.groups[0].spans[0].statusCode, storage::StatusCode::Unset);
    }

    void invalidLinksAreDroppedAndCounted()
    {
        ingest::otlp_trace::ExportTraceServiceRequest request;
        pb_trace::Span *span = addSpan(request, '\x09');
        span->set_dropped_links_count(1);
        auto *good = span->add_links();
        good->set_trace_id(std::string(16, '\x21'));
        good->set_span_id(std::string(8, '\x22'));
        auto *bad = span->add_links();
        bad->set_trace_id(std::string(16, '\0'));
        bad->set_span_id(std::string(8, '\x22'));
        const auto decoded = ingest::decodeTraces(request, {});
        QCOMPARE(decoded.batch.groups[0].spans[0].links.size(), size_t(1));
        QCOMPARE(decoded.batch.groups[0].spans[0].droppedLinksCount, 2u);
    }

    void logIds()
    {
        ingest::otlp_logs::ExportLogsServiceRequest request;
        auto *scope = request.add_resource_logs()->add_scope_logs();
        auto *unlinked = scope->add_log_records();
        unlinked->mutable_body()->set_string_value("no context");
        auto *zeros = scope->add_log_records();
        zeros->set_trace_id(std::string(16, '\0')); // what some SDKs send outside a span
        zeros->set_span_id(std::string(8, '\0'));
        auto *linked = scope->add_log_records();
        linked->set_trace_id(std::string(16, '\x31'));
        linked->set_span_id(std::string(8, '\x32'));
        linked->set_severity_number(static_cast<pb_logs::SeverityNumber>(99));
        auto *broken = scope->add_log_records();
        broken->set_trace_id(std::string(5, '\x31'));
        const auto decoded = ingest::decodeLogs(request, {});
        QCOMPARE(decoded.batch.recordCount(), size_t(3));
        QCOMPARE(decoded.rejected, 1u);
        const auto &records = decoded.batch.groups[0].records;
        QVERIFY(!storage::isValid(records[0].traceId));
        QVERIFY(!storage::isValid(records[1].traceId));
        QVERIFY(storage::isValid(records[2].traceId));
        QCOMPARE(records[2].severityNumber, 24);
    }

    void everyMetricKindDecodes()
    {
        namespace pb = opentelemetry::proto::metrics::v1;
        ingest::otlp_metrics::ExportMetricsServiceRequest request;
        auto *scope = request.add_resource_metrics()->add_scope_metrics();
        auto *gauge = scope->add_metrics();
        gauge->set_name("queue.depth");
        gauge->mutable_gauge()->add_data_points()->set_as_int(7);
        gauge->mutable_gauge()->add_data_points()->set_as_double(2.5);
        auto *sum = scope->add_metrics();
        sum->set_name("requests");
        sum->mutable_sum()->set_is_monotonic(true);
        sum->mutable_sum()->set_aggregation_temporality(pb::AGGREGATION_TEMPORALITY_CUMULATIVE);
        auto *counted = sum->mutable_sum()->add_data_points();
        counted->set_as_int(41);
        auto *exemplar = counted->add_exemplars();
        exemplar->set_as_double(0.25);
        exemplar->set_trace_id(std::string(16, '\x11'));
        exemplar->set_span_id(std::string(8, '\x22'));
        auto *histogram = scope->add_metrics();
        histogram->set_name("latency");
        auto *h = histogram->mutable_histogram()->add_data_points();
        h->add_explicit_bounds(10);
        h->add_bucket_counts(3);
        h->add_bucket_counts(4);
        h->set_count(7);
        h->set_sum(90);
        auto *badHistogram = histogram->mutable_histogram()->add_data_points();
        badHistogram->add_explicit_bounds(10); // one bound, one count: not OTLP
        badHistogram->add_bucket_counts(1);
        auto *exponential = scope->add_metrics();
        exponential->set_name("size");
        auto *e = exponential->mutable_exponential_histogram()->add_data_points();
        e->set_scale(3);
        e->mutable_positive()->set_offset(-2);
        e->mutable_positive()->add_bucket_counts(5);
        auto *summary = scope->add_metrics();
        summary->set_name("gc");
        auto *q = summary->mutable_summary()->add_data_points()->add_quantile_values();
        q->set_quantile(0.99);
        q->set_value(12);
        scope->add_metrics()->set_name("empty"); // no data: rejected

        const auto decoded = ingest::decodeMetrics(request, {});
        QCOMPARE(decoded.batch.pointCount(), size_t(6));
        QCOMPARE(decoded.rejected, 2u);
        const auto &metrics = decoded.batch.groups[0].metrics;
        QCOMPARE(metrics.size(), size_t(5));
        QVERIFY(metrics[0].points[0].isInteger);
        QCOMPARE(metrics[0].points[1].value, 2.5);
        QCOMPARE(metrics[1].temporality, storage::Temporality::Cumulative);
        QVERIFY(metrics[1].monotonic);
        QCOMPARE(metrics[1].points[0].exemplars.size(), size_t(1));
        QCOMPARE(storage::toHex(metrics[1].points[0].exemplars[0].traceId), std::string(32, '1'));
        QCOMPARE(metrics[2].kind, storage::MetricKind::Histogram);
        QCOMPARE(metrics[2].points.size(), size_t(1));
        QCOMPARE(metrics[2].points[0].bucketCounts, (std::vector<std::uint64_t>{3, 4}));
        QCOMPARE(metrics[3].points[0].positive.offset, -2);
        QCOMPARE(metrics[4].points[0].quantiles[0].second, 12.0);
    }

    void metricExemplarsAreBounded()
    {
        ingest::otlp_metrics::ExportMetricsServiceRequest request;
        auto *metric = request.add_resource_metrics()->add_scope_metrics()->add_metrics();
        metric->set_name("m");
        auto *point = metric->mutable_gauge()->add_data_points();
        for (int i = 0; i < 100; ++i)
            point->add_exemplars()->set_as_int(i);
        ingest::IngestLimits limits;
        limits.maxExemplarsPerPoint = 4;
        const auto decoded = ingest::decodeMetrics(request, limits);
        QCOMPARE(decoded.batch.groups[0].metrics[0].points[0].exemplars.size(), size_t(4));
        QCOMPARE(decoded.truncated, 1u);
    }
};

QTEST_GUILESS_MAIN(TestOtlpConvert)
#include "tst_otlpconvert.moc"
