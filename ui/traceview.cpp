#include "traceview.h"

#include "counted.h"
#include "criticalpath.h"
#include "flamegraphview.h"
#include "logdetailsview.h"
#include "services/tracemapview.h"
#include "spandetailsview.h"
#include "traceinsightsview.h"
#include "tracelogsview.h"
#include "traceopener.h"
#include "tracesearch.h"
#include "tracespantable.h"
#include "tracestatisticsview.h"
#include "waterfallminimap.h"
#include "waterfallview.h"

#include <tracetext.h>

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <unordered_map>

namespace spanscope::ui {

namespace {

QToolButton *toolButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setAutoRaise(true);
    return button;
}

} // namespace

TraceView::TraceView(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_opener(new TraceOpener(databasePath, this))
    , m_title(new QLabel(
          tr("<i>No trace open: choose one in the list (Enter or double-click).</i>"), this))
    , m_find(new QLineEdit(this))
    , m_matchLabel(new QLabel(this))
    , m_criticalPath(toolButton(tr("Critical path"),
                                tr("Highlight the spans that decide when the trace ends (Ctrl+K)"),
                                this))
    , m_waterfall(new WaterfallView(this))
    , m_statistics(new TraceStatisticsView(this))
    , m_insights(new TraceInsightsView(this))
    , m_flame(new FlameGraphView(this))
    , m_traceMap(new TraceMapView(databasePath, this))
    , m_spanTable(new TraceSpanTable(this))
    , m_views(new QTabWidget(this))
    , m_details(new SpanDetailsView(this))
    , m_logs(new TraceLogsView(this))
    , m_logDetails(new LogDetailsView(this))
    , m_split(new QSplitter(Qt::Horizontal, this))
{
    m_minimap = new WaterfallMinimap(m_waterfall, this);
    m_minimap->hide(); // until there is a trace to map
    m_logs->setLogs(nullptr, 0); // collapsed to its header until a trace has records
    m_logDetails->hide();
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_find->setPlaceholderText(tr("Find in trace: span name, attribute, event (Ctrl+F)"));
    m_find->setClearButtonEnabled(true);
    m_find->setAccessibleName(tr("Find in trace"));
    // Esc ends the search: the text goes, and the keyboard returns to the waterfall.
    auto *endFind = new QAction(m_find);
    endFind->setShortcut(Qt::Key_Escape);
    endFind->setShortcutContext(Qt::WidgetShortcut);
    connect(endFind, &QAction::triggered, this, [this] {
        m_find->clear();
        m_waterfall->setFocus(Qt::ShortcutFocusReason);
    });
    m_find->addAction(endFind);
    m_criticalPath->setCheckable(true);
    auto *previous = toolButton(QStringLiteral("▲"), tr("Previous match (Shift+F3)"), this);
    auto *next = toolButton(QStringLiteral("▼"), tr("Next match (F3)"), this);
    auto *expand = toolButton(tr("Expand all"), tr("Expand every span (Ctrl+])"), this);
    auto *collapse = toolButton(tr("Collapse all"), tr("Collapse every span (Ctrl+[)"), this);
    auto *fit = toolButton(tr("Fit"), tr("Show the whole trace (0)"), this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_find, 1);
    bar->addWidget(m_matchLabel);
    bar->addWidget(previous);
    bar->addWidget(next);
    bar->addSpacing(12);
    bar->addWidget(m_criticalPath);
    bar->addWidget(expand);
    bar->addWidget(collapse);
    bar->addWidget(fit);

    m_views->setDocumentMode(true);
    m_views->addTab(m_waterfall, tr("&Waterfall"));
    m_views->addTab(m_statistics, tr("Stat&istics"));
    m_views->addTab(m_insights, tr("Insi&ghts"));
    m_views->addTab(m_flame, tr("Fl&ame Graph"));
    m_views->addTab(m_spanTable, tr("S&pans"));
    m_views->addTab(m_traceMap, tr("&Service Map"));
    auto *left = new QSplitter(Qt::Vertical, m_split);
    left->addWidget(m_views);
    left->addWidget(m_logs);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    auto *right = new QSplitter(Qt::Vertical, m_split);
    auto *detailsPane = new QWidget(right);
    auto *detailsLayout = new QVBoxLayout(detailsPane);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    auto *attributeFilter = new QLineEdit(detailsPane);
    attributeFilter->setPlaceholderText(tr("Filter attributes"));
    attributeFilter->setClearButtonEnabled(true);
    attributeFilter->setAccessibleName(tr("Filter attributes"));
    detailsLayout->addWidget(attributeFilter);
    detailsLayout->addWidget(m_details, 1);
    right->addWidget(detailsPane);
    right->addWidget(m_logDetails);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    m_split->addWidget(left);
    m_split->addWidget(right);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addLayout(bar);
    layout->addWidget(m_minimap);
    layout->addWidget(m_split, 1);

    connect(m_opener, &TraceOpener::opened, this,
            [this](const OpenedTrace &opened) { show(opened, false); });
    connect(m_opener, &TraceOpener::refreshed, this,
            [this](const OpenedTrace &opened) { show(opened, true); });
    connect(m_opener, &TraceOpener::analysed, this,
            [this](std::shared_ptr<const TraceAnalysis> analysis) {
                const int found = static_cast<int>(analysis->insights.size());
                m_views->setTabText(2, found ? tr("Insi&ghts (%1)").arg(found) : tr("Insi&ghts"));
                m_statistics->setAnalysis(analysis);
                m_spanTable->setAnalysis(analysis);
                if (analysis->trace == m_waterfall->trace()) {
                    m_waterfall->setInsights(analysis->insights);
                    m_flame->setAnalysis(analysis);
                    if (const int row = m_waterfall->selectedRow(); row >= 0)
                        m_flame->setSelectedSpan(m_waterfall->layout()->span(row));
                }
                m_insights->setAnalysis(std::move(analysis));
            });
    connect(m_insights, &TraceInsightsView::ignoreRequested, this,
            &TraceView::ignoreInsightRequested);
    connect(m_insights, &TraceInsightsView::settingsRequested, this,
            &TraceView::insightSettingsRequested);
    connect(m_opener, &TraceOpener::failed, this, [this](const QString &text) {
        m_fromHistory = false;
        emit message(text, 5000);
    });
    connect(m_waterfall, &WaterfallView::spanSelected, this, &TraceView::spanSelected);
    connect(m_waterfall, &WaterfallView::rowMenuRequested, this, [this](int row, const QPoint &at) {
        QMenu *menu = rowMenu(row);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    connect(m_waterfall, &WaterfallView::logMarkerClicked, this, [this](int log) {
        m_logs->selectLog(log);
        m_logDetails->showLog((*m_logRows)[log]);
    });
    connect(m_logs, &TraceLogsView::logPicked, this, &TraceView::pickLog);
    connect(m_statistics, &TraceStatisticsView::spansChosen, this, &TraceView::showSpans);
    connect(m_insights, &TraceInsightsView::spansChosen, this, &TraceView::showSpans);
    connect(m_spanTable, &TraceSpanTable::spansChosen, this, &TraceView::showSpans);
    connect(m_flame, &FlameGraphView::spansChosen, this, &TraceView::showSpans);
    connect(m_waterfall, &WaterfallView::spanSelected, m_flame, &FlameGraphView::setSelectedSpan);
    for (DetailsBrowser *page :
         {static_cast<DetailsBrowser *>(m_details), static_cast<DetailsBrowser *>(m_logDetails)}) {
        connect(page, &DetailsBrowser::followLink, this, &TraceView::openSpan);
        connect(page, &DetailsBrowser::openFrame, this, &TraceView::openFrame);
        connect(page, &DetailsBrowser::copied, this, [this](const QString &what) {
            emit message(tr("Copied the %1.").arg(what), 3000);
        });
    }
    connect(attributeFilter, &QLineEdit::textChanged, m_details,
            &SpanDetailsView::setAttributeFilter);
    connect(previous, &QToolButton::clicked, this, &TraceView::findPrevious);
    connect(next, &QToolButton::clicked, this, &TraceView::findNext);
    connect(m_find, &QLineEdit::returnPressed, this, &TraceView::findNext);
    connect(expand, &QToolButton::clicked, m_waterfall, &WaterfallView::expandAll);
    connect(collapse, &QToolButton::clicked, m_waterfall, &WaterfallView::collapseAll);
    connect(fit, &QToolButton::clicked, this, [this] {
        if (m_waterfall->layout())
            m_waterfall->showRange(0, m_waterfall->layout()->durationNs());
    });
    connect(m_criticalPath, &QToolButton::toggled, this, &TraceView::setCriticalPathShown);

    m_findDebounce.setSingleShot(true);
    m_findDebounce.setInterval(150);
    connect(m_find, &QLineEdit::textChanged, &m_findDebounce, qOverload<>(&QTimer::start));
    connect(&m_findDebounce, &QTimer::timeout, this, &TraceView::startSearch);
}

void TraceView::showSpans(const std::vector<int> &spans)
{
    const WaterfallLayout *layout = m_waterfall->layout().get();
    if (!layout || spans.empty())
        return;
    std::vector<int> rows;
    rows.reserve(spans.size());
    for (const int span : spans)
        rows.push_back(layout->rowOfSpan(span));
    std::sort(rows.begin(), rows.end());
    const QSignalBlocker quiet(m_find); // these are not a search's matches to keep
    m_find->clear();
    m_waterfall->setMatches(rows);
    m_views->setCurrentWidget(m_waterfall);
    m_waterfall->selectRow(layout->rowOfSpan(spans.front()));
    m_waterfall->setFocus();
    m_matchLabel->setText(
        tr("%1 shown").arg(counted(qint64(rows.size()), tr("span"), tr("spans"))));
}

void TraceView::setInsightPreferences(const InsightPreferences &preferences)
{
    m_opener->setInsightPreferences(preferences);
    if (const auto &trace = m_waterfall->trace())
        m_opener->refresh(trace->summary.traceId, -1); // reloaded, so analysed again
}

void TraceView::refresh()
{
    if (const auto &trace = m_waterfall->trace())
        m_opener->refresh(trace->summary.traceId, trace->summary.updatedSeq);
}

TraceView::~TraceView() = default;

bool TraceView::hasTrace() const
{
    return m_waterfall->trace() != nullptr;
}

std::optional<storage::TraceId> TraceView::traceId() const
{
    if (const auto &trace = m_waterfall->trace())
        return trace->summary.traceId;
    return std::nullopt;
}

void TraceView::open(const storage::TraceId &traceId, std::optional<storage::SpanId> span)
{
    m_pendingSpan = span;
    m_opener->open(traceId);
}

void TraceView::show(const OpenedTrace &opened, bool refreshed)
{
    const auto &trace = opened.trace;
    const auto &layout = opened.layout;
    const storage::TraceSummary &s = trace->summary;
    m_waterfall->setTrace(trace, layout, refreshed);
    m_traceMap->setTrace(s.traceId);
    m_logRows = opened.logs;
    m_logs->setLogs(m_logRows, s.startNs);
    m_logDetails->setVisible(!m_logRows->empty());
    m_minimap->show();
    // Each record with a span that arrived is marked on that span's row.
    std::unordered_map<std::string, int> rowOfSpan;
    for (int i = 0; i < static_cast<int>(trace->spans.size()); ++i) {
        const storage::SpanId &id = trace->spans[i].span.spanId;
        rowOfSpan.emplace(std::string(reinterpret_cast<const char *>(id.data()), id.size()),
                          layout->rowOfSpan(i));
    }
    std::vector<LogMarker> markers;
    for (int i = 0; i < static_cast<int>(m_logRows->size()); ++i) {
        const storage::LogRecord &record = (*m_logRows)[i].record;
        const storage::SpanId &id = record.spanId;
        const auto row
            = rowOfSpan.find(std::string(reinterpret_cast<const char *>(id.data()), id.size()));
        if (row == rowOfSpan.end())
            continue;
        const auto time = static_cast<std::int64_t>(
            record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano);
        markers.push_back({row->second, time - s.startNs, record.severityNumber, i});
    }
    m_waterfall->setLogMarkers(std::move(markers));
    if (!refreshed) {
        m_statistics->setAnalysis(nullptr); // until this trace's analysis arrives
        m_insights->setAnalysis(nullptr);
        m_spanTable->setAnalysis(nullptr);
        m_flame->setAnalysis(nullptr);
        m_views->setTabText(2, tr("Insi&ghts"));
        m_details->clearSpan();
        m_logDetails->clearLog();
        // A search belongs to the trace it was typed for.
        const QSignalBlocker quiet(m_find);
        m_find->clear();
    } else if (m_waterfall->selectedRow() >= 0) {
        spanSelected(layout->span(m_waterfall->selectedRow()));
    }
    if (m_criticalPath->isChecked())
        m_waterfall->setCriticalPath(criticalPath(*layout));
    const QString title = QStringLiteral("%1: %2").arg(QString::fromStdString(s.rootService),
                                                       QString::fromStdString(s.rootName));
    m_title->setText(tr("<b>%1</b> · %2 · %3 · %4 · trace <code>%5</code>")
                         .arg(title.toHtmlEscaped(),
                              QString::fromStdString(storage::formatDuration(s.durationNs())),
                              counted(qint64(trace->spans.size()), tr("span"), tr("spans")),
                              counted(s.errorCount, tr("error"), tr("errors")),
                              QString::fromStdString(storage::toHex(s.traceId))));
    startSearch();
    if (m_pendingSpan) {
        if (!selectSpan(*m_pendingSpan))
            emit message(tr("The linked span %1 is not in this trace (yet).")
                             .arg(QString::fromStdString(storage::toHex(*m_pendingSpan))),
                         5000);
        m_pendingSpan.reset();
    } else if (!refreshed && layout->rowCount() > 0) {
        m_waterfall->selectRow(0);
    }
    if (!refreshed) {
        if (!m_fromHistory)
            m_history.visit({s.traceId, selectedSpanId()});
        m_fromHistory = false;
        emit historyChanged();
        emit traceOpened(title);
    }
}

void TraceView::spanSelected(int spanIndex)
{
    const auto &trace = m_waterfall->trace();
    m_details->showSpan(trace, spanIndex);
    if (trace && spanIndex >= 0)
        m_history.selectSpan(trace->summary.traceId, trace->spans[spanIndex].span.spanId);
    // The logs view narrows to the span (and its subtree) when asked to.
    std::set<std::string> subtree;
    std::string span;
    const int selected = m_waterfall->selectedRow();
    const auto &layout = m_waterfall->layout();
    if (trace && layout && selected >= 0) {
        for (int row = selected; row < layout->subtreeEnd(selected); ++row) {
            if (layout->isPlaceholder(row))
                continue;
            const storage::SpanId &id = trace->spans[layout->span(row)].span.spanId;
            subtree.emplace(reinterpret_cast<const char *>(id.data()), id.size());
        }
        if (spanIndex >= 0) {
            const storage::SpanId &id = trace->spans[spanIndex].span.spanId;
            span.assign(reinterpret_cast<const char *>(id.data()), id.size());
        }
    }
    m_logs->setSelectedSpans(std::move(subtree), std::move(span));
}

void TraceView::pickLog(int log)
{
    if (!m_logRows || log < 0 || log >= static_cast<int>(m_logRows->size()))
        return;
    const LogRow &row = (*m_logRows)[log];
    m_logDetails->showLog(row);
    if (storage::isValid(row.record.spanId) && selectSpan(row.record.spanId, false))
        m_logs->selectLog(log); // selecting the span may have narrowed the list
}

bool TraceView::selectSpan(const storage::SpanId &spanId, bool focusWaterfall)
{
    const auto &trace = m_waterfall->trace();
    if (!trace)
        return false;
    for (int i = 0; i < static_cast<int>(trace->spans.size()); ++i) {
        if (trace->spans[i].span.spanId == spanId) {
            m_waterfall->selectRow(m_waterfall->layout()->rowOfSpan(i));
            if (focusWaterfall)
                m_waterfall->setFocus();
            return true;
        }
    }
    return false;
}

void TraceView::openSpan(const storage::TraceId &traceId, const storage::SpanId &spanId)
{
    if (traceId == this->traceId()) {
        const std::optional<storage::SpanId> from = selectedSpanId();
        if (!selectSpan(spanId)) {
            emit message(tr("The span %1 has not arrived.")
                             .arg(QString::fromStdString(storage::toHex(spanId))),
                         5000);
            return;
        }
        // A link followed inside the trace is a step of its own: Back returns to `from`.
        m_history.selectSpan(traceId, from.value_or(spanId));
        m_history.visit({traceId, spanId});
        emit historyChanged();
        return;
    }
    open(traceId, spanId);
}

std::optional<storage::SpanId> TraceView::selectedSpanId() const
{
    const auto &trace = m_waterfall->trace();
    const auto &layout = m_waterfall->layout();
    const int row = m_waterfall->selectedRow();
    if (!trace || !layout || row < 0 || layout->isPlaceholder(row))
        return std::nullopt;
    return trace->spans[layout->span(row)].span.spanId;
}

void TraceView::goBack()
{
    if (const auto place = m_history.back())
        goTo(*place);
}

void TraceView::goForward()
{
    if (const auto place = m_history.forward())
        goTo(*place);
}

void TraceView::goTo(const NavigationHistory::Place &place)
{
    emit historyChanged();
    if (place.trace == traceId()) {
        if (place.span)
            selectSpan(*place.span);
        return;
    }
    m_fromHistory = true;
    open(place.trace, place.span);
}

void TraceView::focusFind()
{
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

void TraceView::startSearch()
{
    const auto trace = m_waterfall->trace();
    const auto layout = m_waterfall->layout();
    const QString needle = m_find->text();
    const quint64 generation = ++m_searchGeneration;
    if (!trace || needle.trimmed().isEmpty()) {
        m_waterfall->setMatches({});
        m_currentMatch = -1;
        updateMatchLabel();
        return;
    }
    // Off the GUI thread: a million spans take a while to read through.
    QPointer<TraceView> self(this);
    QtConcurrent::run([trace, layout, needle] {
        return findMatchingRows(*trace, *layout, needle);
    }).then(this, [self, generation, layout](std::vector<int> rows) {
        if (!self || generation != self->m_searchGeneration
            || self->m_waterfall->layout() != layout)
            return; // a newer search, or another trace, replaced this one
        self->m_waterfall->setMatches(std::move(rows));
        self->m_currentMatch = -1;
        self->updateMatchLabel();
    });
}

void TraceView::findNext()
{
    showMatch(+1);
}

void TraceView::findPrevious()
{
    showMatch(-1);
}

void TraceView::showMatch(int step)
{
    const auto &matches = m_waterfall->matches();
    if (matches.empty()) {
        if (!m_find->text().trimmed().isEmpty())
            emit message(tr("No span matches '%1'.").arg(m_find->text().trimmed()), 3000);
        return;
    }
    const int count = static_cast<int>(matches.size());
    if (m_currentMatch < 0) {
        // Start from the selection, so F3 continues from where the user is.
        const int selected = m_waterfall->selectedRow();
        const auto after = std::upper_bound(matches.begin(), matches.end(), selected);
        m_currentMatch = step > 0 ? static_cast<int>(after - matches.begin()) % count
                                  : (static_cast<int>(after - matches.begin()) - 1 + count) % count;
        if (step < 0 && selected >= 0 && m_currentMatch < count
            && matches[m_currentMatch] == selected)
            m_currentMatch = (m_currentMatch - 1 + count) % count;
    } else {
        m_currentMatch = (m_currentMatch + step + count) % count;
    }
    m_waterfall->selectRow(matches[m_currentMatch]);
    updateMatchLabel();
}

void TraceView::updateMatchLabel()
{
    const auto &matches = m_waterfall->matches();
    if (m_find->text().trimmed().isEmpty())
        m_matchLabel->clear();
    else if (matches.empty())
        m_matchLabel->setText(tr("no matches"));
    else if (m_currentMatch < 0)
        m_matchLabel->setText(counted(qint64(matches.size()), tr("match"), tr("matches")));
    else
        m_matchLabel->setText(tr("%1 of %2").arg(m_currentMatch + 1).arg(matches.size()));
}

void TraceView::setCriticalPathShown(bool shown)
{
    if (m_criticalPath->isChecked() != shown)
        return m_criticalPath->setChecked(shown); // comes back here through toggled
    const auto &layout = m_waterfall->layout();
    m_waterfall->setCriticalPath(shown && layout ? criticalPath(*layout)
                                                 : std::vector<std::uint8_t>{});
}

QMenu *TraceView::rowMenu(int layoutRow)
{
    auto *menu = new QMenu(this);
    const auto &layout = m_waterfall->layout();
    const auto &trace = m_waterfall->trace();
    if (!layout || !trace || layoutRow < 0 || layoutRow >= layout->rowCount()
        || layout->isPlaceholder(layoutRow))
        return menu;
    const storage::Span &span = trace->spans[layout->span(layoutRow)].span;
    const QString name = QString::fromStdString(span.name);
    const QString id = QString::fromStdString(storage::toHex(span.spanId));
    const auto copy = [this](const QString &text, const QString &what) {
        QGuiApplication::clipboard()->setText(text);
        emit message(tr("Copied the %1.").arg(what), 3000);
    };
    menu->addAction(tr("Copy Span &Name"), this, [copy, name] { copy(name, tr("span name")); });
    menu->addAction(tr("Copy Span &ID"), this, [copy, id] { copy(id, tr("span id")); });
    menu->addAction(tr("Copy as &OTLP-JSON"), this, &TraceView::copySpanAsOtlpJson);
    menu->addSeparator();
    menu->addAction(tr("&Find Spans Named Like This"), this, [this, name] {
        m_find->setText(name);
        startSearch();
    });
    if (const int run = layout->runOf(layoutRow); run >= 0) {
        const bool folded = m_waterfall->foldedRunAt(layoutRow) >= 0;
        const int count = layout->runs()[run].count;
        menu->addAction(folded ? tr("Unfold the %1 Repeated Spans").arg(count)
                               : tr("Fold the %1 Repeated Spans").arg(count),
                        this, [this, run, folded] { m_waterfall->setRunFolded(run, !folded); });
    }
    if (m_waterfall->foldedRunAt(layoutRow) < 0
        && (layout->flags(layoutRow) & WaterfallLayout::HasChildren)) {
        const bool collapsed = m_waterfall->isCollapsed(layoutRow);
        menu->addAction(
            collapsed ? tr("&Expand Subtree") : tr("&Collapse Subtree"), this,
            [this, layoutRow, collapsed] { m_waterfall->setCollapsed(layoutRow, !collapsed); });
    }
    QAction *critical = menu->addAction(tr("Show C&ritical Path"));
    critical->setCheckable(true);
    critical->setChecked(m_criticalPath->isChecked());
    connect(critical, &QAction::toggled, m_criticalPath, &QToolButton::setChecked);
    return menu;
}

void TraceView::copySpanAsOtlpJson()
{
    const QString json = m_details->spanAsOtlpJson();
    if (json.isEmpty()) {
        emit message(tr("Select a span first."), 3000);
        return;
    }
    QGuiApplication::clipboard()->setText(json);
    emit message(tr("Copied the span as OTLP-JSON."), 3000);
}

} // namespace spanscope::ui
