#include "tracestatisticsview.h"

#include "sortkeyitem.h"
#include "traceopener.h"

#include <tracetext.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

constexpr int RowRole = Qt::UserRole + 1; // the statistics row, whatever the sort

} // namespace

TraceStatisticsView::TraceStatisticsView(QWidget *parent)
    : QWidget(parent)
    , m_grouping(new QComboBox(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_hint(new QLabel(tr("Enter shows a row's spans in the waterfall."), this))
{
    m_grouping->addItem(tr("By service and operation"),
                        int(analysis::Grouping::ServiceAndOperation));
    m_grouping->addItem(tr("By operation"), int(analysis::Grouping::Operation));
    m_grouping->addItem(tr("By service"), int(analysis::Grouping::Service));
    m_grouping->setAccessibleName(tr("Group statistics"));
    m_table->setHorizontalHeaderLabels({tr("Service"), tr("Operation"), tr("Count"), tr("Total"),
                                        tr("Self"), tr("Average"), tr("Min"), tr("Max"),
                                        tr("% of trace")});
    m_table->horizontalHeaderItem(SelfColumn)
        ->setToolTip(tr("Time in the spans not covered by their children"));
    m_table->horizontalHeaderItem(ShareColumn)
        ->setToolTip(tr("Self time as a share of the trace's duration"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(OperationColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Trace statistics"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_grouping);
    bar->addWidget(m_hint, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    connect(m_grouping, &QComboBox::currentIndexChanged, this, &TraceStatisticsView::fill);
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { choose(row); });
}

void TraceStatisticsView::setAnalysis(std::shared_ptr<const TraceAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    fill();
}

void TraceStatisticsView::fill()
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    if (!m_analysis)
        return;
    const auto grouping = static_cast<analysis::Grouping>(m_grouping->currentData().toInt());
    const auto &rows = m_analysis->statistics[static_cast<int>(grouping)];
    m_table->setColumnHidden(ServiceColumn, grouping == analysis::Grouping::Operation);
    m_table->setColumnHidden(OperationColumn, grouping == analysis::Grouping::Service);
    const int shown = std::min(static_cast<int>(rows.size()), MaxAnalysisRows);
    m_table->setRowCount(shown);
    m_hint->setText(
        shown < static_cast<int>(rows.size())
            ? tr("The %1 groups with most self time are listed, of %2. Enter shows a "
                 "row's spans in the waterfall.")
                  .arg(QLocale().toString(shown), QLocale().toString(qsizetype(rows.size())))
            : tr("Enter shows a row's spans in the waterfall."));
    const auto duration = [](std::int64_t ns) {
        return new SortKeyItem(QString::fromStdString(storage::formatDuration(ns)), qint64(ns));
    };
    const QLocale locale;
    for (int r = 0; r < shown; ++r) {
        const analysis::StatisticsRow &row = rows[r];
        auto *service = new QTableWidgetItem(QString::fromStdString(row.service));
        service->setData(RowRole, r);
        service->setToolTip(service->text());
        auto *operation = new QTableWidgetItem(QString::fromStdString(row.operation));
        operation->setToolTip(operation->text());
        m_table->setItem(r, ServiceColumn, service);
        m_table->setItem(r, OperationColumn, operation);
        m_table->setItem(r, CountColumn, new SortKeyItem(locale.toString(row.count), row.count));
        m_table->setItem(r, TotalColumn, duration(row.totalNs));
        m_table->setItem(r, SelfColumn, duration(row.selfNs));
        m_table->setItem(r, AverageColumn, duration(row.averageNs()));
        m_table->setItem(r, MinColumn, duration(row.minNs));
        m_table->setItem(r, MaxColumn, duration(row.maxNs));
        m_table->setItem(
            r, ShareColumn,
            new SortKeyItem(locale.toString(row.percentOfTrace, 'f', 1) + QStringLiteral(" %"),
                            row.percentOfTrace));
        for (int column = CountColumn; column < ColumnCount; ++column)
            m_table->item(r, column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    m_table->setSortingEnabled(true);
    m_table->sortItems(SelfColumn, Qt::DescendingOrder);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(OperationColumn, QHeaderView::Stretch);
}

void TraceStatisticsView::choose(int row)
{
    const QTableWidgetItem *service = m_table->item(row, ServiceColumn);
    if (!m_analysis || !service)
        return;
    const auto grouping = static_cast<analysis::Grouping>(m_grouping->currentData().toInt());
    emit spansChosen(m_analysis->statistics[static_cast<int>(grouping)]
                         .at(service->data(RowRole).toInt())
                         .spans);
}

} // namespace spanscope::ui
