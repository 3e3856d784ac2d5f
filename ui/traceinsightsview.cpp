#include "traceinsightsview.h"

#include "sortkeyitem.h"
#include "traceopener.h"

#include <tracetext.h>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

TraceInsightsView::TraceInsightsView(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_more(new QLabel(this))
    , m_empty(new QLabel(tr("No insights in this trace: no N+1, no sequential or repeated "
                            "calls, no slow query, nothing broken."),
                         this))
{
    m_table->setHorizontalHeaderLabels(
        {tr("Insight"), tr("Count"), tr("Time"), tr("Could save"), tr("Pattern")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Insights"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_more);
    layout->addWidget(m_empty, 1);
    m_empty->hide();
    m_more->hide();
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { choose(row); });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const analysis::Insight *insight = insightAt(m_table->rowAt(at.y()));
        QMenu menu;
        menu.addAction(tr("&Show the Spans"), this, [this, at] { choose(m_table->rowAt(at.y())); })
            ->setEnabled(insight);
        menu.addAction(tr("&Ignore This Problem"), this,
                       [this, insight] { emit ignoreRequested(*insight); })
            ->setEnabled(insight);
        menu.addSeparator();
        menu.addAction(tr("Insight Se&ttings…"), this, &TraceInsightsView::settingsRequested);
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
}

const analysis::Insight *TraceInsightsView::insightAt(int row) const
{
    const QTableWidgetItem *kind = row >= 0 ? m_table->item(row, KindColumn) : nullptr;
    if (!m_analysis || !kind)
        return nullptr;
    return &m_analysis->insights.at(kind->data(Qt::UserRole + 1).toInt());
}

void TraceInsightsView::setAnalysis(std::shared_ptr<const TraceAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    if (!m_analysis) { // a trace is being analysed
        m_table->show();
        m_empty->hide();
        m_more->hide();
        return;
    }
    const auto &insights = m_analysis->insights;
    const int shown = std::min(static_cast<int>(insights.size()), MaxAnalysisRows);
    m_table->setRowCount(shown);
    m_more->setVisible(shown < static_cast<int>(insights.size()));
    m_more->setText(
        tr("The %1 with most to save are listed, of %2.")
            .arg(QLocale().toString(shown), QLocale().toString(qsizetype(insights.size()))));
    const auto duration = [](std::int64_t ns) {
        return QString::fromStdString(storage::formatDuration(ns));
    };
    for (int row = 0; row < shown; ++row) {
        const analysis::Insight &insight = insights[row];
        const QString message = QString::fromStdString(insight.message);
        auto *kind = new QTableWidgetItem(
            QString::fromStdString(std::string(analysis::kindTitle(insight.kind))));
        kind->setData(Qt::UserRole + 1, row); // the insight, whatever the sort
        kind->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
        auto *pattern = new QTableWidgetItem(QString::fromStdString(insight.pattern));
        m_table->setItem(row, KindColumn, kind);
        m_table->setItem(row, CountColumn,
                         new SortKeyItem(QLocale().toString(insight.count), insight.count));
        m_table->setItem(row, TimeColumn,
                         new SortKeyItem(duration(insight.totalNs), qint64(insight.totalNs)));
        m_table->setItem(row, SavableColumn,
                         new SortKeyItem(insight.savableNs > 0 ? duration(insight.savableNs)
                                                               : QStringLiteral("—"),
                                         qint64(insight.savableNs)));
        m_table->setItem(row, PatternColumn, pattern);
        for (int column = 0; column < ColumnCount; ++column) {
            m_table->item(row, column)
                ->setToolTip(column == PatternColumn
                                 ? pattern->text() + QStringLiteral("\n\n") + message
                                 : message);
        }
        for (const int column : {CountColumn, TimeColumn, SavableColumn})
            m_table->item(row, column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    m_table->setSortingEnabled(true);
    m_table->sortItems(SavableColumn, Qt::DescendingOrder); // most to gain first
    m_table->resizeColumnsToContents();
    m_table->setVisible(!insights.empty());
    m_empty->setVisible(insights.empty());
}

void TraceInsightsView::choose(int row)
{
    if (const analysis::Insight *insight = insightAt(row))
        emit spansChosen(insight->spans);
}

} // namespace spanscope::ui
