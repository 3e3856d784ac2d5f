#include "insightpreferences.h"

#include <QSettings>

#include <algorithm>

namespace spanscope::ui {

namespace {

const QString Group = QStringLiteral("insights");
// One key per problem, "insights/ignored/<fingerprint>", its description as the value.
const QString IgnoredGroup = QStringLiteral("insights/ignored");

} // namespace

InsightPreferences InsightPreferences::load(const QSettings &settings)
{
    InsightPreferences p;
    analysis::InsightThresholds &t = p.thresholds;
    const auto number = [&](const char *key, auto fallback) {
        const QVariant value = settings.value(Group + QLatin1Char('/') + QLatin1String(key));
        bool ok = false;
        const qlonglong read = value.toLongLong(&ok);
        // A value edited by hand into nonsense falls back to the default.
        return ok && read >= 0 ? static_cast<decltype(fallback)>(read) : fallback;
    };
    t.repeatedSiblings = number("repeatedSiblings", t.repeatedSiblings);
    t.repeatedTotalNs = number("repeatedTotalNs", t.repeatedTotalNs);
    const int sharePercent = number("repeatedSharePercent", 0);
    if (sharePercent > 0 && sharePercent <= 100)
        t.repeatedShareOfParent = sharePercent / 100.0;
    t.sequentialCalls = number("sequentialCalls", t.sequentialCalls);
    t.sequentialSavingNs = number("sequentialSavingNs", t.sequentialSavingNs);
    t.repeatedIdentical = number("repeatedIdentical", t.repeatedIdentical);
    t.slowQueryNs = number("slowQueryNs", t.slowQueryNs);
    // One call is no repetition and no run.
    t.repeatedSiblings = std::max(2, t.repeatedSiblings);
    t.sequentialCalls = std::max(2, t.sequentialCalls);
    t.repeatedIdentical = std::max(2, t.repeatedIdentical);
    // Read through allKeys(): entering the group would change `settings`.
    const QString prefix = IgnoredGroup + QLatin1Char('/');
    for (const QString &key : settings.allKeys()) {
        if (key.startsWith(prefix))
            p.ignored[key.mid(prefix.size()).toStdString()] = settings.value(key).toString();
    }
    return p;
}

void InsightPreferences::save(QSettings &settings) const
{
    settings.beginGroup(Group);
    settings.setValue(QStringLiteral("repeatedSiblings"), thresholds.repeatedSiblings);
    settings.setValue(QStringLiteral("repeatedTotalNs"), qint64(thresholds.repeatedTotalNs));
    settings.setValue(QStringLiteral("repeatedSharePercent"),
                      qRound(thresholds.repeatedShareOfParent * 100));
    settings.setValue(QStringLiteral("sequentialCalls"), thresholds.sequentialCalls);
    settings.setValue(QStringLiteral("sequentialSavingNs"), qint64(thresholds.sequentialSavingNs));
    settings.setValue(QStringLiteral("repeatedIdentical"), thresholds.repeatedIdentical);
    settings.setValue(QStringLiteral("slowQueryNs"), qint64(thresholds.slowQueryNs));
    settings.endGroup();
    settings.remove(IgnoredGroup);
    settings.beginGroup(IgnoredGroup);
    for (const auto &[fingerprint, description] : ignored)
        settings.setValue(QString::fromStdString(fingerprint), description);
    settings.endGroup();
}

void InsightPreferences::ignore(const analysis::Insight &insight)
{
    ignored[insight.fingerprint] = describe(insight);
}

std::set<std::string> InsightPreferences::ignoredFingerprints() const
{
    std::set<std::string> out;
    for (const auto &[fingerprint, description] : ignored)
        out.insert(fingerprint);
    return out;
}

QString InsightPreferences::describe(const analysis::Insight &insight)
{
    QString text = QString::fromUtf8(analysis::kindTitle(insight.kind)) + QStringLiteral(": ")
        + QString::fromStdString(insight.pattern);
    if (!insight.parentOperation.empty())
        text += QStringLiteral(" under ") + QString::fromStdString(insight.parentOperation);
    return text;
}

} // namespace spanscope::ui
