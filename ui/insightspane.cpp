#include "insightspane.h"

#include "counted.h"
#include "sortkeyitem.h"
#include "tracequerythread.h"

#include <tracetext.h>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QSettings>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

constexpr int GroupRole = Qt::UserRole + 1; // the group, whatever the sort
const QString SeenKey = QStringLiteral("insights/seen");

} // namespace

InsightsPane::InsightsPane(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_cache(std::make_shared<analysis::InsightCache>())
{
    const QStringList seen = QSettings().value(SeenKey).toStringList();
    m_seen = QSet<QString>(seen.begin(), seen.end());
    m_table->setHorizontalHeaderLabels({tr("Insight"), tr("Pattern"), tr("Where"), tr("Traces"),
                                        tr("Time"), tr("Could save"), tr("Last seen")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(PatternColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Insights across traces"));
    auto *refresh = new QToolButton(this);
    refresh->setText(tr("Refresh"));
    refresh->setToolTip(tr("Run the detectors on the newest traces again"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(refresh);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    m_summary->setText(tr("Reading the newest traces…"));
    m_settle.setSingleShot(true);
    m_settle.setInterval(SettleMs);
    connect(&m_settle, &QTimer::timeout, this, &InsightsPane::refresh);
    connect(refresh, &QToolButton::clicked, this, &InsightsPane::refresh);
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (const analysis::InsightGroup *group = groupAt(row))
            emit openSpan(group->exampleTrace, group->exampleSpan);
    });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const analysis::InsightGroup *group = groupAt(m_table->rowAt(at.y()));
        QMenu menu;
        menu.addAction(tr("&Open the Newest Trace"), this,
                       [this, group] { emit openSpan(group->exampleTrace, group->exampleSpan); })
            ->setEnabled(group);
        menu.addAction(tr("&Ignore This Problem"), this,
                       [this, group] { emit ignoreRequested(group->example); })
            ->setEnabled(group);
        menu.addSeparator();
        menu.addAction(tr("Insight Se&ttings…"), this, &InsightsPane::settingsRequested);
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
}

const analysis::InsightGroup *InsightsPane::groupAt(int row) const
{
    const QTableWidgetItem *kind = row >= 0 ? m_table->item(row, KindColumn) : nullptr;
    return kind ? &m_groups.at(kind->data(GroupRole).toInt()) : nullptr;
}

void InsightsPane::setInsightPreferences(const InsightPreferences &preferences)
{
    m_preferences = preferences;
    if (isVisible())
        refresh();
}

void InsightsPane::refreshSoon()
{
    if (isVisible())
        m_settle.start();
}

void InsightsPane::refresh()
{
    if (m_reading) {
        m_readAgain = true; // the answer on its way may be of old preferences
        return;
    }
    m_reading = true;
    m_queries->request<analysis::InsightOverview>(
        this,
        [cache = m_cache, preferences = m_preferences](storage::TraceStore &store) {
            storage::TraceFilter newest;
            newest.limit = TracesRead;
            analysis::InsightReading reading;
            reading.thresholds = preferences.thresholds;
            reading.ignored = preferences.ignoredFingerprints();
            reading.cache = cache.get();
            auto overview = analysis::insightsAcross(store, newest, reading);
            return overview ? std::move(*overview) : analysis::InsightOverview{};
        },
        [this](analysis::InsightOverview overview) {
            m_reading = false;
            display(std::move(overview));
            if (std::exchange(m_readAgain, false))
                refresh();
        });
}

void InsightsPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void InsightsPane::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    // What was on screen is no longer news.
    for (const analysis::InsightGroup &group : m_groups)
        m_seen.insert(QString::fromStdString(group.example.fingerprint));
    QSettings().setValue(SeenKey, QStringList(m_seen.begin(), m_seen.end()));
}

void InsightsPane::display(analysis::InsightOverview overview)
{
    m_groups = std::move(overview.groups);
    m_table->setSortingEnabled(false);
    const int shown = std::min(static_cast<int>(m_groups.size()), MaxAnalysisRows);
    m_table->setRowCount(shown);
    const QLocale locale;
    const auto duration = [](std::int64_t ns) {
        return new SortKeyItem(QString::fromStdString(storage::formatDuration(ns)), qint64(ns));
    };
    int fresh = 0;
    for (int row = 0; row < shown; ++row) {
        const analysis::InsightGroup &group = m_groups[row];
        const analysis::Insight &insight = group.example;
        const bool isNew = !m_seen.contains(QString::fromStdString(insight.fingerprint));
        fresh += isNew;
        auto *kind = new QTableWidgetItem(
            QString::fromStdString(std::string(analysis::kindTitle(insight.kind)))
            + (isNew ? tr(" · new") : QString()));
        kind->setData(GroupRole, row);
        kind->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
        QFont font = kind->font();
        font.setBold(isNew);
        kind->setFont(font);
        const QDateTime seen = QDateTime::fromMSecsSinceEpoch(group.lastSeenNs / 1'000'000);
        m_table->setItem(row, KindColumn, kind);
        m_table->setItem(row, PatternColumn,
                         new QTableWidgetItem(QString::fromStdString(insight.pattern)));
        m_table->setItem(row, WhereColumn,
                         new QTableWidgetItem(QString::fromStdString(insight.parentOperation)));
        m_table->setItem(row, TracesColumn,
                         new SortKeyItem(locale.toString(group.traces), group.traces));
        m_table->setItem(row, TimeColumn, duration(group.totalNs));
        m_table->setItem(row, SavableColumn,
                         group.savableNs > 0
                             ? duration(group.savableNs)
                             : new SortKeyItem(QStringLiteral("—"), qint64(0))); // as a trace's tab
        m_table->setItem(row, LastSeenColumn,
                         new SortKeyItem(locale.toString(seen.time(), QStringLiteral("HH:mm:ss")),
                                         qint64(group.lastSeenNs)));
        const QString tip = QString::fromStdString(insight.pattern) + QStringLiteral("\n\n")
            + QString::fromStdString(insight.message);
        for (int column = 0; column < ColumnCount; ++column)
            m_table->item(row, column)->setToolTip(tip);
        for (const int column : {TracesColumn, TimeColumn, SavableColumn})
            m_table->item(row, column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    m_table->setSortingEnabled(true);
    m_table->sortItems(SavableColumn, Qt::DescendingOrder);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(PatternColumn, QHeaderView::Stretch);
    const QString traces = counted(overview.traces, tr("trace"), tr("traces"));
    QString text = m_groups.empty()
        ? tr("No insights in the newest %1.").arg(traces)
        : tr("%1 in the newest %2, %3 new since the last look. Enter opens the newest trace "
             "showing it.")
              .arg(counted(qint64(m_groups.size()), tr("problem"), tr("problems")), traces)
              .arg(fresh);
    if (shown < static_cast<int>(m_groups.size()))
        text += tr(" The %1 with most to save are listed.").arg(QLocale().toString(shown));
    if (overview.ignored > 0)
        text += tr(" %1 ignored (Edit ▸ Insight Settings).")
                    .arg(counted(overview.ignored, tr("finding"), tr("findings")));
    if (overview.skipped > 0)
        text += tr(" Not read: %1 of over 200 000 spans.")
                    .arg(counted(overview.skipped, tr("trace"), tr("traces")));
    m_summary->setText(text);
}

} // namespace spanscope::ui
