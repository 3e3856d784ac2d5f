#include "runselector.h"

#include <attributefilter.h>
#include <runs.h>
#include <tracetext.h>

#include <QDateTime>
#include <QStringList>

namespace spanscope::ui {

bool runSelectorFilter(const QString &text, storage::TraceStore &store,
                       storage::TraceFilter &filter, QString &error)
{
    const auto when = [](const QString &value) -> std::optional<std::int64_t> {
        if (const auto ago = storage::parseDuration(value.toStdString()))
            return QDateTime::currentMSecsSinceEpoch() * 1'000'000 - *ago;
        const QDateTime at = QDateTime::fromString(value, Qt::ISODateWithMs);
        if (at.isValid())
            return at.toMSecsSinceEpoch() * 1'000'000;
        return std::nullopt;
    };
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype equals = part.indexOf(QLatin1Char('='));
        const QString key = part.left(equals).trimmed();
        const QString value = equals < 0 ? QString() : part.mid(equals + 1).trimmed();
        if (key == QLatin1String("since") || key == QLatin1String("until")) {
            const auto at = when(value);
            if (!at) {
                error = QStringLiteral("%1 in \"%2\" needs a duration ago (15m) or a time "
                                       "(2026-12-03T13:00:00).")
                            .arg(key, text);
                return false;
            }
            (key == QLatin1String("since") ? filter.startFromNs : filter.startToNs) = *at;
        } else if (key == QLatin1String("attr")) {
            auto conditions = storage::parseAttributeConditions(value.toStdString());
            if (!conditions) {
                error = QString::fromStdString(conditions.error());
                return false;
            }
            filter.attributes.insert(filter.attributes.end(), conditions->begin(),
                                     conditions->end());
        } else if (key == QLatin1String("restart")) {
            // Since the service last started: its newest process's first trace.
            auto since = analysis::lastRestartOf(store, value.toStdString());
            if (!since || !*since) {
                error = since ? QStringLiteral("No trace of %1 is stored.").arg(value)
                              : QString::fromStdString(since.error());
                return false;
            }
            filter.startFromNs = **since;
        } else if (key == QLatin1String("mark")) {
            auto range = analysis::markedRange(store, value.toStdString());
            if (!range) {
                error = QString::fromStdString(range.error());
                return false;
            }
            if (!*range) {
                error = QStringLiteral("No run mark %1 is stored (spanscope mark %1 makes one).")
                            .arg(value);
                return false;
            }
            filter.startFromNs = (*range)->fromNs;
            filter.startToNs = (*range)->toNs;
        } else {
            error = QStringLiteral("Not a selector: \"%1\" (use since=…, until=…, attr=key=value, "
                                   "mark=NAME, restart=SERVICE).")
                        .arg(part);
            return false;
        }
    }
    return true;
}

} // namespace spanscope::ui
