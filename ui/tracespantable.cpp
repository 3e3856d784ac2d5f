#include "tracespantable.h"

#include "spantablemodel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace spanscope::ui {

TraceSpanTable::TraceSpanTable(QWidget *parent)
    : QWidget(parent)
    , m_model(new SpanTableModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_sortColumn(SpanTableModel::StartColumn)
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(SpanTableModel::SortRole);
    m_sorted->setFilterKeyColumn(-1); // service, name or status
    m_sorted->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(tr("Filter spans by service, name or status"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter spans"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SpanTableModel::StartColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(SpanTableModel::NameColumn,
                                                      QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Spans"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
    connect(m_filter, &QLineEdit::textChanged, m_sorted,
            &QSortFilterProxyModel::setFilterFixedString);
    // Times sort longest first on the first click, as the trace list's do.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                const bool time = column == SpanTableModel::DurationColumn
                    || column == SpanTableModel::SelfColumn;
                const bool first = column != m_sortColumn;
                m_sortColumn = column;
                if (time && first && order == Qt::AscendingOrder)
                    m_table->sortByColumn(column, Qt::DescendingOrder);
            });
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        emit spansChosen({index.data(SpanTableModel::SpanRole).toInt()});
    });
}

void TraceSpanTable::setAnalysis(std::shared_ptr<const TraceAnalysis> analysis)
{
    m_model->setAnalysis(std::move(analysis));
}

} // namespace spanscope::ui
