#include "comparewindow.h"

#include "counted.h"
#include "sortkeyitem.h"
#include "tracequerythread.h"
#include "waterfalllayout.h"
#include "waterfallview.h"

#include <tracetext.h>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cstdlib>

namespace spanscope::ui {

namespace {

using analysis::TraceComparison;

constexpr int NodeRole = Qt::UserRole + 1;

QString duration(std::int64_t ns)
{
    return QString::fromStdString(storage::formatDuration(ns));
}

QString signedDuration(std::int64_t ns)
{
    return (ns > 0       ? QStringLiteral("+")
                : ns < 0 ? QStringLiteral("−")
                         : QString())
        + duration(std::llabs(ns));
}

// Told apart by hue and by the word beside it, readable on light and dark backgrounds.
QColor changeColour(TraceComparison::Change change)
{
    switch (change) {
    case TraceComparison::Change::Slower:
        return QColor(214, 69, 65);
    case TraceComparison::Change::Faster:
        return QColor(39, 158, 96);
    case TraceComparison::Change::Added:
        return QColor(66, 133, 244);
    case TraceComparison::Change::Removed:
        return QColor(150, 150, 150);
    case TraceComparison::Change::Same:
        break;
    }
    return {};
}

QString changeText(TraceComparison::Change change)
{
    switch (change) {
    case TraceComparison::Change::Slower:
        return CompareWindow::tr("slower");
    case TraceComparison::Change::Faster:
        return CompareWindow::tr("faster");
    case TraceComparison::Change::Added:
        return CompareWindow::tr("added");
    case TraceComparison::Change::Removed:
        return CompareWindow::tr("removed");
    case TraceComparison::Change::Same:
        break;
    }
    return CompareWindow::tr("same");
}

} // namespace

struct CompareWindow::Loaded
{
    QString error;
    std::shared_ptr<const storage::TraceData> traces[2];
    std::shared_ptr<const WaterfallLayout> layouts[2];
    std::shared_ptr<const TraceComparison> comparison;
};

CompareWindow::CompareWindow(const QString &databasePath, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_summary(new QLabel(tr("Reading the traces…"), this))
    , m_tree(new QTreeWidget(this))
    , m_differences(new QTextBrowser(this))
{
    setWindowTitle(tr("Compare Traces"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1300, 880);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Span"), tr("Count A → B"), tr("Duration A → B"), tr("Difference"),
                             tr("B ÷ A"), tr("Self time A → B"), tr("Change")});
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setAccessibleName(tr("Merged tree of the two traces"));
    m_tree->header()->setSectionResizeMode(SpanColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);

    m_differences->setAccessibleName(tr("How the selected span differs"));
    m_differences->setOpenLinks(false);
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_tree);
    top->addWidget(m_differences);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    for (int side = 0; side < 2; ++side) {
        auto *pane = new QWidget(split);
        auto *layout = new QVBoxLayout(pane);
        layout->setContentsMargins(0, 4, 0, 0);
        m_captions[side] = new QLabel(pane);
        m_waterfalls[side] = new WaterfallView(pane);
        m_waterfalls[side]->setAccessibleName(side == 0 ? tr("Trace A") : tr("Trace B"));
        layout->addWidget(m_captions[side]);
        layout->addWidget(m_waterfalls[side], 1);
        split->addWidget(pane);
        connect(m_waterfalls[side], &WaterfallView::viewChanged, this,
                [this, side] { follow(side); });
    }
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            selectNode(nodeOf(item));
    });
    connect(m_queries, &TraceQueryThread::failed, this, [this](const QString &message) {
        m_summary->setText(message);
        emit compared();
    });
}

CompareWindow::~CompareWindow() = default;

void CompareWindow::compare(std::optional<storage::TraceId> a, const storage::TraceId &b,
                            bool asGiven)
{
    m_queries->request<Loaded>(
        this,
        [a, b, asGiven](storage::TraceStore &store) {
            Loaded out;
            auto loadedB = store.loadTrace(b);
            if (!loadedB || !*loadedB) {
                out.error = loadedB ? tr("The trace %1 is not stored.")
                                          .arg(QString::fromStdString(storage::toHex(b)))
                                    : QString::fromStdString(loadedB.error());
                return out;
            }
            auto traceB = std::make_shared<const storage::TraceData>(std::move(**loadedB));
            std::optional<storage::TraceId> baseline = a;
            if (!baseline) {
                auto previous = analysis::previousTraceOf(store, traceB->summary);
                if (!previous || !*previous) {
                    out.error = previous
                        ? tr("No trace of %1 started before this one: select two traces to "
                             "compare them.")
                              .arg(QString::fromStdString(traceB->summary.rootService + ": "
                                                          + traceB->summary.rootName))
                        : QString::fromStdString(previous.error());
                    return out;
                }
                baseline = **previous;
            }
            auto loadedA = store.loadTrace(*baseline);
            if (!loadedA || !*loadedA) {
                out.error = loadedA ? tr("The trace %1 is not stored.")
                                          .arg(QString::fromStdString(storage::toHex(*baseline)))
                                    : QString::fromStdString(loadedA.error());
                return out;
            }
            auto traceA = std::make_shared<const storage::TraceData>(std::move(**loadedA));
            if (!asGiven && traceA->summary.startNs > traceB->summary.startNs)
                std::swap(traceA, traceB); // the earlier is the baseline
            out.traces[0] = traceA;
            out.traces[1] = traceB;
            for (int side = 0; side < 2; ++side)
                out.layouts[side] = std::make_shared<const WaterfallLayout>(
                    WaterfallLayout::build(*out.traces[side]));
            out.comparison = std::make_shared<const TraceComparison>(TraceComparison::build(
                *traceA, analysis::SpanTree(*traceA), *traceB, analysis::SpanTree(*traceB)));
            return out;
        },
        [this](Loaded loaded) {
            display(loaded);
            emit compared();
        });
}

int CompareWindow::nodeOf(const QTreeWidgetItem *item) const
{
    return item ? item->data(SpanColumn, NodeRole).toInt() : -1;
}

void CompareWindow::display(const Loaded &loaded)
{
    if (!loaded.error.isEmpty()) {
        m_summary->setText(loaded.error);
        return;
    }
    m_comparison = loaded.comparison;
    const TraceComparison::Node &whole = m_comparison->node(0);
    std::int64_t longest = 0;
    for (int side = 0; side < 2; ++side)
        longest = std::max(longest, loaded.layouts[side]->durationNs());
    for (int side = 0; side < 2; ++side) {
        const storage::TraceSummary &s = loaded.traces[side]->summary;
        m_captions[side]->setText(
            tr("<b>%1</b> · %2 · %3 · %4 · trace %5")
                .arg(side == 0 ? QStringLiteral("A") : QStringLiteral("B"),
                     QString::fromStdString(s.rootService + ": " + s.rootName).toHtmlEscaped(),
                     duration(s.endNs - s.startNs),
                     QString::fromStdString(
                         storage::formatTimestamp(static_cast<std::uint64_t>(s.startNs))),
                     QString::fromStdString(storage::toHex(s.traceId))));
        m_waterfalls[side]->setAxisDuration(longest); // one scale for both
        m_waterfalls[side]->setTrace(loaded.traces[side], loaded.layouts[side]);
    }
    m_summary->setText(
        whole.change == TraceComparison::Change::Same
            ? tr("B took %1 (%2 → %3): the same, within the noise.")
                  .arg(signedDuration(whole.deltaNs()), duration(whole.durationNs[0]),
                       duration(whole.durationNs[1]))
            : tr("B took %1 (%2 → %3, ×%4). The biggest changes come first; select one to see "
                 "its spans in both traces.")
                  .arg(signedDuration(whole.deltaNs()), duration(whole.durationNs[0]),
                       duration(whole.durationNs[1]))
                  .arg(whole.ratio(), 0, 'f', 2));
    int errors[2] = {0, 0};
    for (int side = 0; side < 2; ++side) {
        for (const storage::StoredSpan &stored : loaded.traces[side]->spans)
            errors[side] += stored.span.statusCode == storage::StatusCode::Error;
    }
    if (errors[0] != errors[1])
        m_summary->setText(m_summary->text()
                           + tr(" Spans in error: %1 → %2.").arg(errors[0]).arg(errors[1]));
    setWindowTitle(tr("Compare %1")
                       .arg(QString::fromStdString(loaded.traces[1]->summary.rootService + ": "
                                                   + loaded.traces[1]->summary.rootName)));
    fillTree();
}

void CompareWindow::fillTree()
{
    m_tree->clear();
    const TraceComparison &c = *m_comparison;
    std::vector<QTreeWidgetItem *> items(static_cast<std::size_t>(c.size()), nullptr);
    // A trace of a million distinct operations must not fill a million items on the GUI thread:
    // the first MaxAnalysisRows in tree order (parents before children) are listed.
    int listed = 0;
    for (const int n : c.treeOrder()) {
        if (n == 0)
            continue;
        if (++listed > MaxAnalysisRows) {
            m_summary->setText(
                m_summary->text()
                + tr(" The first %1 of %2 nodes are listed.")
                      .arg(QLocale().toString(MaxAnalysisRows), QLocale().toString(c.size() - 1)));
            break;
        }
        const TraceComparison::Node &node = c.node(n);
        QTreeWidgetItem *parent = node.parent > 0 ? items[node.parent] : nullptr;
        auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
        items[n] = item;
        const QString name = QString::fromStdString(node.service + ": " + node.name);
        item->setText(SpanColumn, name);
        item->setData(SpanColumn, NodeRole, n);
        QString tip = name;
        if (!node.call.empty())
            tip += QStringLiteral("\n") + QString::fromStdString(node.call);
        if (node.errors[0] != node.errors[1])
            tip += tr("\nErrors: %1 → %2").arg(node.errors[0]).arg(node.errors[1]);
        item->setToolTip(SpanColumn, tip);
        item->setText(CountColumn, QStringLiteral("%1 → %2").arg(node.count[0]).arg(node.count[1]));
        item->setText(DurationColumn,
                      duration(node.durationNs[0]) + QStringLiteral(" → ")
                          + duration(node.durationNs[1]));
        item->setText(DeltaColumn, signedDuration(node.deltaNs()));
        item->setText(RatioColumn,
                      node.durationNs[0] > 0 ? QStringLiteral("×%1").arg(node.ratio(), 0, 'f', 2)
                                             : QStringLiteral("—"));
        item->setText(SelfColumn,
                      duration(node.selfNs[0]) + QStringLiteral(" → ") + duration(node.selfNs[1]));
        item->setText(ChangeColumn,
                      changeText(node.change)
                          + (node.errors[0] != node.errors[1]
                                 ? tr(" · errors %1 → %2").arg(node.errors[0]).arg(node.errors[1])
                                 : QString()));
        for (const int column : {CountColumn, DurationColumn, DeltaColumn, RatioColumn, SelfColumn})
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
        if (const QColor colour = changeColour(node.change); colour.isValid())
            item->setForeground(DeltaColumn, colour);
        // More errors in B reads as a change for the worse, whatever the time did.
        const TraceComparison::Change shown
            = node.errors[1] > node.errors[0] ? TraceComparison::Change::Slower : node.change;
        if (const QColor colour = changeColour(shown); colour.isValid()) {
            item->setForeground(ChangeColumn, colour);
            QFont font = item->font(ChangeColumn);
            font.setBold(true);
            item->setFont(ChangeColumn, font);
        }
        if (node.change == TraceComparison::Change::Removed) {
            QFont font = item->font(SpanColumn);
            font.setItalic(true);
            item->setFont(SpanColumn, font);
        }
    }
    m_tree->expandAll();
    for (int column = 1; column < ColumnCount; ++column)
        m_tree->resizeColumnToContents(column);
    if (QTreeWidgetItem *first = m_tree->topLevelItem(0))
        m_tree->setCurrentItem(first);
}

void CompareWindow::selectNode(int node)
{
    if (!m_comparison || node < 0)
        return;
    for (int side = 0; side < 2; ++side) {
        WaterfallView *view = m_waterfalls[side];
        std::vector<int> rows;
        for (const int span : m_comparison->node(node).spans[side])
            rows.push_back(view->layout()->rowOfSpan(span));
        std::sort(rows.begin(), rows.end());
        view->setMatches(rows);
        if (!rows.empty())
            view->selectRow(rows.front());
    }
    showDifferences(node);
}

void CompareWindow::showDifferences(int node)
{
    const TraceComparison::Node &n = m_comparison->node(node);
    const auto escaped = [](const std::string &text) {
        return QString::fromStdString(text).toHtmlEscaped();
    };
    QString html = QStringLiteral("<b>%1</b>").arg(escaped(n.service + ": " + n.name));
    if (n.spans[0].empty() || n.spans[1].empty()) {
        html
            += tr("<p>Only in %1 (%2).</p>")
                   .arg(n.spans[0].empty() ? QStringLiteral("B") : QStringLiteral("A"))
                   .arg(counted(qint64(std::max(n.count[0], n.count[1])), tr("span"), tr("spans")));
        m_differences->setHtml(html);
        return;
    }
    const auto differences
        = analysis::spanDifferences(*m_waterfalls[0]->trace(), n.spans[0].front(),
                                    *m_waterfalls[1]->trace(), n.spans[1].front());
    if (differences.empty()) {
        m_differences->setHtml(html
                               + tr("<p>The first span of each side has the same "
                                    "attributes, status and exceptions.</p>"));
        return;
    }
    html += tr("<p>The first span of each side:</p><table cellspacing=0 cellpadding=3>"
               "<tr><th align=left>Attribute</th><th align=left>A</th><th align=left>B</th></tr>");
    const auto cell = [&](const std::optional<std::string> &value) {
        return value ? escaped(*value) : tr("<i>none</i>");
    };
    for (const analysis::SpanDifference &d : differences)
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                    .arg(escaped(d.key), cell(d.a), cell(d.b));
    m_differences->setHtml(html + QStringLiteral("</table>"));
}

void CompareWindow::follow(int from)
{
    if (m_following)
        return;
    m_following = true;
    const TimeMapper &mapper = m_waterfalls[from]->timeMapper();
    m_waterfalls[1 - from]->showRange(mapper.viewStart(), mapper.viewEnd());
    m_following = false;
}

} // namespace spanscope::ui
