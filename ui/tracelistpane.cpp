#include "tracelistpane.h"

#include "attributefilteredit.h"
#include "counted.h"
#include "filterbar.h"
#include "servicesdelegate.h"
#include "tracelistmodel.h"
#include "tracequerythread.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QSignalBlocker>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace spanscope::ui {

TraceListPane::TraceListPane(const QString &databasePath, TraceQueryThread *queries,
                             QWidget *parent)
    : QWidget(parent)
    , m_filters(new FilterBar(this))
    , m_model(new TraceListModel(databasePath, 200, this))
    , m_table(new QTableView(this))
    , m_pause(new QToolButton(this))
    , m_info(new QLabel(this))
    , m_previewBanner(new QLabel(this))
    , m_count(new QLabel(this))
    , m_empty(new QLabel(m_table->viewport()))
    , m_queries(queries)
    , m_sortColumn(TraceListModel::StartColumn)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_filters);
    m_previewBanner->setObjectName(QStringLiteral("previewBanner"));
    m_previewBanner->setWordWrap(true);
    m_previewBanner->setFrameShape(QFrame::StyledPanel);
    m_previewBanner->setMargin(4);
    m_previewBanner->hide();
    layout->addWidget(m_previewBanner);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several traces can be selected (Shift/Ctrl+click) to export them together.
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(TraceListModel::StartColumn, Qt::DescendingOrder);
    // Only time and size columns sort; a click on another keeps the current order and says so.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                if (TraceListModel::isSortable(column)) {
                    // A newly chosen column shows its biggest first (the longest, the most
                    // spans, the most errors, the newest): what one sorts by it to find.
                    if (column != m_sortColumn && order == Qt::AscendingOrder) {
                        order = Qt::DescendingOrder;
                        const QSignalBlocker blocker(m_table->horizontalHeader());
                        m_table->horizontalHeader()->setSortIndicator(column, order);
                        m_table->sortByColumn(column, order);
                    }
                    m_sortColumn = column;
                    m_sortOrder = order;
                    return;
                }
                const QSignalBlocker blocker(m_table->horizontalHeader());
                m_table->horizontalHeader()->setSortIndicator(m_sortColumn, m_sortOrder);
                emit message(tr("The list sorts by start, duration, spans or errors; use the "
                                "filters to narrow by service or operation."),
                             4000);
            });
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(TraceListModel::OperationColumn,
                                                      QHeaderView::Stretch);
    m_table->setItemDelegateForColumn(TraceListModel::ServicesColumn,
                                      new ServicesDelegate(m_table));
    m_table->setAccessibleName(tr("Traces"));
    layout->addWidget(m_table, 1);
    auto *footer = new QHBoxLayout;
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Freeze the list while you read it (Ctrl+P)"));
    footer->addWidget(m_pause);
    footer->addWidget(m_info, 1);
    m_count->setObjectName(QStringLiteral("traceCount"));
    footer->addWidget(m_count);
    layout->addLayout(footer);

    connect(m_table, &QAbstractItemView::activated, this, [this] {
        if (const auto trace = currentTrace())
            emit openRequested(*trace);
    });
    connect(m_pause, &QToolButton::toggled, m_model, &TraceListModel::setPaused);
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        m_info->setText(paused ? tr("Paused: new traces wait until you resume.")
                               : tr("Live: new traces appear at once."));
    });
    m_info->setText(tr("Live: new traces appear at once."));
    m_empty->setObjectName(QStringLiteral("noMatch"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setText(tr("No trace matches these filters. <a href='clear'>Clear the filters</a>"));
    m_empty->hide();
    (new QVBoxLayout(m_table->viewport()))->addWidget(m_empty); // follows the list's size
    connect(m_empty, &QLabel::linkActivated, m_filters, &FilterBar::clear);
    for (const auto signal : {&TraceListModel::loaded, &TraceListModel::refreshed})
        connect(m_model, signal, this, &TraceListPane::showCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TraceListPane::showCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TraceListPane::showCount);
    connect(m_model, &TraceListModel::previewChanged, this, [this] {
        const auto dropped = static_cast<int>(m_model->previewDropped());
        m_previewBanner->setVisible(dropped > 0);
        m_previewBanner->setText(
            tr("<b>Sampling preview:</b> the greyed traces (%n of the stored ones) are those the "
               "candidate policy would drop; nothing is deleted. <a href='clear'>End the "
               "preview</a>",
               nullptr, dropped));
    });
    connect(m_previewBanner, &QLabel::linkActivated, m_model, [this] { m_model->setPreview({}); });
    connect(m_filters, &FilterBar::filterChanged, this,
            [this] { m_model->setFilter(m_filters->filter()); });
    connect(m_filters, &FilterBar::serviceChosen, this, &TraceListPane::listOperations);
    feedCompletions(m_filters->attributeField(), m_queries, storage::AttributeSource::Spans);
    connect(m_model, &TraceListModel::failed, this,
            [this](const QString &text) { emit message(text, 8000); });
}

std::optional<storage::TraceId> TraceListPane::currentTrace() const
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid())
        return std::nullopt;
    return m_model->summary(index.row()).traceId;
}

void TraceListPane::setStoredTraces(qint64 traces)
{
    m_stored = traces;
    showCount();
}

void TraceListPane::showCount()
{
    const qint64 shown = m_model->rowCount();
    const bool filtered = storage::narrows(m_filters->filter());
    const QString stored = counted(m_stored, tr("trace"), tr("traces"));
    if (!filtered)
        m_count->setText(m_model->hasMore() ? stored : counted(shown, tr("trace"), tr("traces")));
    else
        m_count->setText(tr("%1%2 of %3")
                             .arg(QLocale().toString(shown),
                                  m_model->hasMore() ? QStringLiteral("+") : QString(), stored));
    const bool nothing = filtered && shown == 0 && m_model->isLoaded();
    m_empty->setVisible(nothing);
}

bool TraceListPane::selectTrace(const storage::TraceId &traceId)
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->summary(row).traceId == traceId) {
            const QModelIndex index = m_model->index(row, 0);
            m_table->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_table->scrollTo(index);
            return true;
        }
    }
    m_table->selectionModel()->clearSelection();
    m_table->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
    return false;
}

std::vector<storage::TraceId> TraceListPane::selectedTraces() const
{
    std::vector<storage::TraceId> traces;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        traces.push_back(m_model->summary(index.row()).traceId);
    return traces;
}

void TraceListPane::refreshChoices()
{
    struct Choices
    {
        QStringList services, sources;
    };
    const auto texts = [](storage::Result<std::vector<std::string>> listed) {
        QStringList out;
        if (listed) {
            for (const std::string &text : *listed)
                out << QString::fromStdString(text);
        }
        return out;
    };
    m_queries->request<Choices>(
        this,
        [texts](storage::TraceStore &store) {
            return Choices{texts(store.services()), texts(store.sources())};
        },
        [this](Choices choices) {
            m_filters->setServices(choices.services);
            m_filters->setSources(choices.sources);
            emit servicesListed(choices.services);
        });
}

void TraceListPane::findFilteredTraces(int limit,
                                       std::function<void(std::vector<storage::TraceId>)> done)
{
    storage::TraceFilter filter = m_filters->filter();
    filter.limit = limit;
    m_queries->request<std::vector<storage::TraceId>>(
        this,
        [filter](storage::TraceStore &store) {
            std::vector<storage::TraceId> ids;
            if (auto found = store.findTraces(filter)) {
                for (const storage::TraceSummary &summary : *found)
                    ids.push_back(summary.traceId);
            }
            return ids;
        },
        std::move(done));
}

// The operations of the chosen service, for the operation field's completion.
void TraceListPane::listOperations(const QString &service)
{
    QPointer<TraceListPane> self(this);
    m_queries->run([self, service](storage::TraceStore &store) {
        auto operations = store.operations(service.toStdString());
        QStringList names;
        if (operations) {
            for (const storage::Operation &operation : *operations)
                names << QString::fromStdString(operation.name);
        }
        names.removeDuplicates();
        names.sort();
        QMetaObject::invokeMethod(
            self.data(),
            [self, service, names] {
                if (self)
                    self->m_filters->setOperations(service, names);
            },
            Qt::QueuedConnection);
    });
}

} // namespace spanscope::ui
