// `metrics`: stored instruments and their series with the latest values, rates or
// percentiles, for scripts and tests; `--points` prints every point and exemplar as stored.

#include "cli.h"
#include "command.h"
#include "options.h"

#include <metrics/metricreader.h>
#include <metricseries.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace spanscope::app {

namespace {

QJsonValue valueJson(const storage::AnyValue &value)
{
    switch (value.type()) {
    case storage::AnyValue::Type::Bool:
        return std::get<bool>(value.value);
    case storage::AnyValue::Type::Int:
        return static_cast<qint64>(std::get<std::int64_t>(value.value));
    case storage::AnyValue::Type::Double:
        return std::get<double>(value.value);
    default:
        return fromStd(storage::scalarText(value));
    }
}

QJsonObject attributesJson(const storage::Attributes &attributes)
{
    QJsonObject out;
    for (const storage::KeyValue &kv : attributes)
        out.insert(fromStd(kv.key), valueJson(kv.value));
    return out;
}

// Numbers that may be NaN or infinite are written as JSON can hold them: null.
QJsonValue number(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue();
}

QJsonArray countsJson(const std::vector<std::uint64_t> &counts)
{
    QJsonArray out;
    for (const std::uint64_t c : counts)
        out.append(static_cast<qint64>(c));
    return out;
}

QJsonObject pointJson(const storage::MetricPoint &point, storage::MetricKind kind)
{
    QJsonObject out{{QStringLiteral("startNs"), QString::number(point.startUnixNano)},
                    {QStringLiteral("timeNs"), QString::number(point.timeUnixNano)}};
    if (point.flags != 0)
        out.insert(QStringLiteral("flags"), static_cast<qint64>(point.flags));
    if (kind == storage::MetricKind::Gauge || kind == storage::MetricKind::Sum) {
        out.insert(QStringLiteral("value"), number(point.value));
        return out;
    }
    out.insert(QStringLiteral("count"), static_cast<qint64>(point.count));
    if (point.hasSum)
        out.insert(QStringLiteral("sum"), number(point.sum));
    if (point.hasMinMax) {
        out.insert(QStringLiteral("min"), number(point.min));
        out.insert(QStringLiteral("max"), number(point.max));
    }
    if (kind == storage::MetricKind::Histogram) {
        QJsonArray bounds;
        for (const double bound : point.bounds)
            bounds.append(number(bound));
        out.insert(QStringLiteral("bounds"), bounds);
        out.insert(QStringLiteral("bucketCounts"), countsJson(point.bucketCounts));
    } else if (kind == storage::MetricKind::ExponentialHistogram) {
        out.insert(QStringLiteral("scale"), point.scale);
        out.insert(QStringLiteral("zeroCount"), static_cast<qint64>(point.zeroCount));
        const auto side = [](const storage::ExponentialBuckets &buckets) {
            return QJsonObject{{QStringLiteral("offset"), buckets.offset},
                               {QStringLiteral("counts"), countsJson(buckets.counts)}};
        };
        out.insert(QStringLiteral("positive"), side(point.positive));
        out.insert(QStringLiteral("negative"), side(point.negative));
    } else {
        QJsonObject quantiles;
        for (const auto &[q, v] : point.quantiles)
            quantiles.insert(QString::number(q), number(v));
        out.insert(QStringLiteral("quantiles"), quantiles);
    }
    return out;
}

QJsonObject latestJson(const analysis::SeriesLatest &latest)
{
    QJsonObject out{{QStringLiteral("timeNs"), QString::number(latest.timeNs)}};
    if (latest.value)
        out.insert(QStringLiteral("value"), number(*latest.value));
    if (latest.rate)
        out.insert(QStringLiteral("ratePerSecond"), number(*latest.rate));
    if (latest.count)
        out.insert(QStringLiteral("count"), number(*latest.count));
    if (latest.sum)
        out.insert(QStringLiteral("sum"), number(*latest.sum));
    if (!latest.quantiles.empty()) {
        QJsonObject quantiles;
        for (const auto &[q, v] : latest.quantiles)
            quantiles.insert(QString::number(q), number(v));
        out.insert(QStringLiteral("quantiles"), quantiles);
    }
    return out;
}

// "41", "41 (12.5/s)", "count 7 · sum 90 ms · p50 10 ms · p99 40 ms", in the unit for people.
QString latestText(const analysis::SeriesLatest &latest, const storage::Instrument &instrument)
{
    const auto shown = [&instrument](double v) {
        return fromStd(analysis::formatMetricValue(v, instrument.unit));
    };
    if (latest.rate)
        return shown(*latest.value) + QStringLiteral("  (") + shown(*latest.rate)
            + QStringLiteral("/s)");
    if (latest.value)
        return shown(*latest.value);
    QStringList parts;
    if (latest.count)
        parts << QStringLiteral("count %1").arg(*latest.count, 0, 'f', 0);
    if (latest.sum)
        parts << QStringLiteral("sum %1").arg(shown(*latest.sum));
    for (const auto &[q, v] : latest.quantiles)
        parts << QStringLiteral("p%1 %2").arg(QString::number(q * 100), shown(v));
    return parts.join(QStringLiteral(" · "));
}

QString kindText(const storage::Instrument &instrument)
{
    QString text = fromStd(storage::toString(instrument.kind));
    if (instrument.temporality != storage::Temporality::Unspecified)
        text += QStringLiteral(", ") + fromStd(storage::toString(instrument.temporality));
    if (instrument.kind == storage::MetricKind::Sum)
        text += instrument.monotonic ? QStringLiteral(", monotonic") : QStringLiteral(", up-down");
    return text;
}

} // namespace

int runMetrics(const QStringList &arguments)
{
    Command command;
    QCommandLineParser &p = command.parser;
    p.addOption({QStringLiteral("service"), QStringLiteral("Only this service's instruments."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("name"),
                 QStringLiteral("Only instruments whose name contains this (any case)."),
                 QStringLiteral("text")});
    p.addOption({QStringLiteral("since"),
                 QStringLiteral("Only points of this long ago or later (e.g. 15m, 2h)."),
                 QStringLiteral("duration")});
    p.addOption({QStringLiteral("points"),
                 QStringLiteral("Every stored point and exemplar, not only the latest values.")});
    if (const int code = command.prepare(
            arguments, QStringLiteral("metrics"),
            QStringLiteral("List stored metric instruments and their series with the latest "
                           "value, rate or percentiles."));
        code >= 0)
        return code;
    storage::InstrumentFilter filter;
    filter.service = p.value(QStringLiteral("service")).toStdString();
    filter.nameContains = p.value(QStringLiteral("name")).toStdString();
    if (p.isSet(QStringLiteral("since"))) {
        const auto since = storage::parseDuration(p.value(QStringLiteral("since")).toStdString());
        if (!since)
            return usageError(QStringLiteral("--since needs a duration such as 15m or 2h."));
        filter.sinceNs = static_cast<std::uint64_t>(
            std::max<std::int64_t>(0, QDateTime::currentMSecsSinceEpoch() * 1'000'000 - *since));
    }
    const bool points = p.isSet(QStringLiteral("points"));
    if (const int code = command.open(); code >= 0)
        return code;
    storage::MetricReader &metrics = command.store->metrics();
    const auto instruments = metrics.instruments(filter);
    if (!instruments)
        return fail(instruments.error());

    QJsonArray array;
    for (const storage::Instrument &instrument : *instruments) {
        const auto read = metrics.series(instrument.id, filter.sinceNs, UINT64_MAX);
        if (!read)
            return fail(read.error());
        if (!command.json()) {
            out() << fromStd(instrument.service) << "  " << fromStd(instrument.name) << "  ["
                  << kindText(instrument) << "]";
            if (!instrument.unit.empty())
                out() << "  " << fromStd(instrument.unit);
            out() << "  " << instrument.seriesCount << " series, " << instrument.pointCount
                  << (instrument.pointCount == 1 ? " point\n" : " points\n");
            for (const storage::StoredSeries &series : read->series) {
                if (series.points.empty())
                    continue;
                out() << "    " << fromStd(analysis::seriesLabel(series.attributes)) << "  "
                      << latestText(analysis::latestOf(instrument, series), instrument) << '\n';
                if (points) {
                    for (const storage::MetricPoint &point : series.points)
                        out() << "        "
                              << fromStd(
                                     storage::formatTimestamp(point.timeUnixNano, command.zone()))
                              << "  "
                              << QJsonDocument(pointJson(point, instrument.kind))
                                     .toJson(QJsonDocument::Compact)
                              << '\n';
                }
            }
            if (read->pointsSkipped > 0)
                out() << "    (" << read->pointsSkipped
                      << " older points not read: narrow the range with --since)\n";
            continue;
        }
        QJsonArray seriesArray;
        for (const storage::StoredSeries &series : read->series) {
            if (series.points.empty())
                continue;
            QJsonObject entry{
                {QStringLiteral("attributes"), attributesJson(series.attributes)},
                {QStringLiteral("pointCount"), static_cast<qint64>(series.points.size())},
                {QStringLiteral("latest"), latestJson(analysis::latestOf(instrument, series))}};
            if (series.overflow)
                entry.insert(QStringLiteral("overflow"), true);
            if (points) {
                QJsonArray list;
                for (const storage::MetricPoint &point : series.points)
                    list.append(pointJson(point, instrument.kind));
                entry.insert(QStringLiteral("points"), list);
            }
            seriesArray.append(entry);
        }
        QJsonObject object{
            {QStringLiteral("service"), fromStd(instrument.service)},
            {QStringLiteral("scope"), fromStd(instrument.scope)},
            {QStringLiteral("name"), fromStd(instrument.name)},
            {QStringLiteral("description"), fromStd(instrument.description)},
            {QStringLiteral("unit"), fromStd(instrument.unit)},
            {QStringLiteral("kind"), fromStd(storage::toString(instrument.kind))},
            {QStringLiteral("temporality"), fromStd(storage::toString(instrument.temporality))},
            {QStringLiteral("monotonic"), instrument.monotonic},
            {QStringLiteral("seriesCount"), static_cast<qint64>(instrument.seriesCount)},
            {QStringLiteral("pointCount"), static_cast<qint64>(instrument.pointCount)},
            {QStringLiteral("series"), seriesArray},
            {QStringLiteral("pointsSkipped"), static_cast<qint64>(read->pointsSkipped)},
        };
        if (points) {
            const auto exemplars = metrics.exemplars(instrument.id, filter.sinceNs, UINT64_MAX);
            if (!exemplars)
                return fail(exemplars.error());
            QJsonArray list;
            for (const storage::StoredExemplar &stored : *exemplars) {
                const storage::Exemplar &e = stored.exemplar;
                QJsonObject entry{{QStringLiteral("timeNs"), QString::number(e.timeUnixNano)},
                                  {QStringLiteral("value"), number(e.value)}};
                if (storage::isValid(e.traceId))
                    entry.insert(QStringLiteral("traceId"), fromStd(storage::toHex(e.traceId)));
                if (storage::isValid(e.spanId))
                    entry.insert(QStringLiteral("spanId"), fromStd(storage::toHex(e.spanId)));
                if (!e.filteredAttributes.empty())
                    entry.insert(QStringLiteral("attributes"),
                                 attributesJson(e.filteredAttributes));
                list.append(entry);
            }
            object.insert(QStringLiteral("exemplars"), list);
        }
        array.append(object);
    }
    if (command.json()) {
        printJson(QJsonObject{{QStringLiteral("instruments"), array}});
        return 0;
    }
    if (instruments->empty())
        out() << "No metrics stored"
              << (filter.service.empty() && filter.nameContains.empty() ? "." : " match.") << '\n';
    out().flush();
    return 0;
}

} // namespace spanscope::app
