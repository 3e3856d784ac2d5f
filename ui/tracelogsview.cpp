#include "tracelogsview.h"

#include "counted.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

std::string spanKey(const storage::SpanId &id)
{
    return std::string(reinterpret_cast<const char *>(id.data()), id.size());
}

} // namespace

TraceLogsView::TraceLogsView(QWidget *parent)
    : QWidget(parent)
    , m_scope(new QComboBox(this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
    , m_model(new LogRowsModel(this))
{
    m_scope->addItem(tr("This trace"), int(Scope::Trace));
    m_scope->addItem(tr("Selected span"), int(Scope::Span));
    m_scope->addItem(tr("Selected span and its children"), int(Scope::SpanAndChildren));
    m_scope->setAccessibleName(tr("Which log records"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->horizontalHeader()->setSectionResizeMode(LogRowsModel::BodyColumn,
                                                      QHeaderView::Stretch);
    m_table->setColumnHidden(LogRowsModel::TraceColumn, true);
    m_table->setAccessibleName(tr("Log records of the trace"));

    auto *header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Logs:"), this));
    header->addWidget(m_scope);
    header->addWidget(m_count, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_table, 1);

    connect(m_scope, &QComboBox::activated, this, &TraceLogsView::refilter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && current.row() < static_cast<int>(m_shown.size()))
                    emit logPicked(m_shown[current.row()]);
            });
}

void TraceLogsView::setLogs(std::shared_ptr<const std::vector<LogRow>> logs,
                            std::int64_t traceStartNs)
{
    m_logs = std::move(logs);
    m_traceStart = traceStartNs;
    // A trace without log records keeps only the header line, and the waterfall the room.
    const bool any = m_logs && !m_logs->empty();
    m_table->setVisible(any);
    m_scope->setEnabled(any);
    setMaximumHeight(any ? QWIDGETSIZE_MAX : m_scope->sizeHint().height() + 4);
    refilter();
}

bool TraceLogsView::isCollapsed() const
{
    return m_table->isHidden();
}

void TraceLogsView::setSelectedSpans(std::set<std::string> spanAndChildren, std::string span)
{
    m_subtree = std::move(spanAndChildren);
    m_span = std::move(span);
    if (scope() != Scope::Trace)
        refilter();
}

void TraceLogsView::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
    refilter();
}

TraceLogsView::Scope TraceLogsView::scope() const
{
    return static_cast<Scope>(m_scope->currentData().toInt());
}

int TraceLogsView::shownCount() const
{
    return static_cast<int>(m_shown.size());
}

void TraceLogsView::refilter()
{
    m_shown.clear();
    std::vector<LogRow> rows;
    const int total = m_logs ? static_cast<int>(m_logs->size()) : 0;
    for (int i = 0; i < total; ++i) {
        const LogRow &row = (*m_logs)[i];
        const std::string span = spanKey(row.record.spanId);
        const bool shown = scope() == Scope::Trace || (scope() == Scope::Span && span == m_span)
            || (scope() == Scope::SpanAndChildren && m_subtree.count(span) > 0);
        if (shown) {
            m_shown.push_back(i);
            rows.push_back(row);
        }
    }
    m_model->setRows(std::move(rows), m_traceStart);
    if (total == 0)
        return m_count->setText(tr("none in this trace"));
    m_count->setText(scope() == Scope::Trace
                         ? counted(total, tr("record"), tr("records"))
                         : tr("%1 of %2")
                               .arg(QLocale().toString(qint64(m_shown.size())),
                                    counted(total, tr("record"), tr("records"))));
}

void TraceLogsView::selectLog(int log)
{
    auto it = std::find(m_shown.begin(), m_shown.end(), log);
    if (it == m_shown.end()) {
        setScope(Scope::Trace); // the record is outside the current scope: show them all
        it = std::find(m_shown.begin(), m_shown.end(), log);
        if (it == m_shown.end())
            return;
    }
    const QModelIndex index = m_model->index(static_cast<int>(it - m_shown.begin()), 0);
    const QSignalBlocker blocker(m_table->selectionModel()); // picked here, not by the user
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

} // namespace spanscope::ui
