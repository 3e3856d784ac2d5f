#include "tracelistmodel.h"

#include "tracequerythread.h"

#include <tracetext.h>

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace spanscope::ui {

namespace {

QString startText(std::int64_t nanos)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(nanos / 1'000'000);
    return time.date() == QDate::currentDate()
        ? time.toString(QStringLiteral("HH:mm:ss.zzz"))
        : time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

} // namespace

TraceListModel::TraceListModel(const QString &databasePath, int pageSize, QObject *parent)
    : QAbstractTableModel(parent)
    , m_pageSize(std::max(pageSize, 1))
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, &TraceListModel::failed);
    setFilter({});
}

TraceListModel::~TraceListModel() = default;

bool TraceListModel::before(const storage::TraceSummary &a, const storage::TraceSummary &b) const
{
    const auto keyA = std::pair(storage::sortValue(a, m_filter.order), a.key);
    const auto keyB = std::pair(storage::sortValue(b, m_filter.order), b.key);
    return m_filter.descending ? keyA > keyB : keyA < keyB;
}

template<typename Result>
void TraceListModel::request(std::function<Result(storage::TraceStore &)> query,
                             std::function<void(Result)> apply)
{
    // A result for a filter that was replaced since is dropped.
    const quint64 generation = m_generation;
    m_queries->request<Result>(this, std::move(query), [this, generation, apply](Result result) {
        if (m_generation == generation)
            apply(std::move(result));
    });
}

void TraceListModel::setFilter(const storage::TraceFilter &filter)
{
    const storage::TraceOrder order = m_filter.order;
    const bool descending = m_filter.descending;
    m_filter = filter;
    m_filter.order = order;
    m_filter.descending = descending;
    reload();
}

namespace {

const std::map<int, storage::TraceOrder> &orderOfColumn()
{
    static const std::map<int, storage::TraceOrder> orders{
        {TraceListModel::StartColumn, storage::TraceOrder::Start},
        {TraceListModel::DurationColumn, storage::TraceOrder::Duration},
        {TraceListModel::SpansColumn, storage::TraceOrder::Spans},
        {TraceListModel::ErrorsColumn, storage::TraceOrder::Errors}};
    return orders;
}

} // namespace

bool TraceListModel::isSortable(int column)
{
    return orderOfColumn().count(column) > 0;
}

void TraceListModel::sort(int column, Qt::SortOrder order)
{
    const auto it = orderOfColumn().find(column);
    if (it == orderOfColumn().end())
        return; // text columns are not sortable: a trace list is browsed by time and size
    m_filter.order = it->second;
    m_filter.descending = order == Qt::DescendingOrder;
    reload();
}

void TraceListModel::reload()
{
    m_filter.after.reset();
    m_filter.changedAfter.reset();
    m_filter.limit = m_pageSize;
    ++m_generation;
    m_loading = true;
    m_fetching = m_refreshing = false;
    using Page = std::pair<std::vector<storage::TraceSummary>, std::int64_t>;
    const storage::TraceFilter first = m_filter;
    request<Page>(
        [first](storage::TraceStore &store) {
            // The commit number is read first: anything committed after it comes with a refresh.
            auto seq = store.latestUpdateSeq();
            auto page = store.findTraces(first);
            return Page{page ? std::move(*page) : std::vector<storage::TraceSummary>{},
                        seq ? *seq : 0};
        },
        [this](Page page) { showFirstPage(std::move(page.first), page.second); });
}

void TraceListModel::showFirstPage(std::vector<storage::TraceSummary> page, std::int64_t seenSeq)
{
    // A new filter is the one place a reset is right: every row changes.
    beginResetModel();
    m_hasMore = static_cast<int>(page.size()) == m_pageSize;
    m_rows = std::move(page);
    reindex();
    endResetModel();
    // Everything up to this commit is in the page (or sorts outside it).
    m_seen = {seenSeq, std::numeric_limits<std::int64_t>::max()};
    m_loading = false;
    emit loaded();
    if (std::exchange(m_refreshAgain, false))
        refresh();
}

bool TraceListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loading;
}

void TraceListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_fetching)
        return;
    m_fetching = true;
    storage::TraceFilter next = m_filter;
    if (!m_rows.empty())
        next.after = {{storage::sortValue(m_rows.back(), m_filter.order), m_rows.back().key}};
    request<std::vector<storage::TraceSummary>>(
        [next](storage::TraceStore &store) {
            auto page = store.findTraces(next);
            return page ? std::move(*page) : std::vector<storage::TraceSummary>{};
        },
        [this](std::vector<storage::TraceSummary> page) { appendPage(std::move(page)); });
}

void TraceListModel::appendPage(std::vector<storage::TraceSummary> page)
{
    m_hasMore = static_cast<int>(page.size()) == m_pageSize;
    // Live updates may have brought some of these in already.
    page.erase(std::remove_if(
                   page.begin(), page.end(),
                   [this](const storage::TraceSummary &s) { return m_rowOfKey.count(s.key) > 0; }),
               page.end());
    if (!page.empty()) {
        const int first = rowCount();
        beginInsertRows({}, first, first + static_cast<int>(page.size()) - 1);
        m_rows.insert(m_rows.end(), std::make_move_iterator(page.begin()),
                      std::make_move_iterator(page.end()));
        reindex();
        endInsertRows();
    }
    // Only now: views ask for more from inside the insertion, and must continue after it.
    m_fetching = false;
}

void TraceListModel::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused)
        refresh();
}

void TraceListModel::refresh()
{
    if (m_paused)
        return; // resuming reads everything since
    if (m_loading || m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    readChanges();
}

void TraceListModel::refreshDone()
{
    m_refreshing = false;
    emit refreshed();
    if (std::exchange(m_refreshAgain, false))
        refresh();
}

void TraceListModel::readChanges()
{
    m_refreshing = true;
    storage::TraceFilter changed = m_filter;
    changed.changedAfter = m_seen;
    changed.limit = 5000;
    request<std::vector<storage::TraceSummary>>(
        [changed](storage::TraceStore &store) {
            auto traces = store.findTraces(changed);
            return traces ? std::move(*traces) : std::vector<storage::TraceSummary>{};
        },
        [this, limit = changed.limit](std::vector<storage::TraceSummary> changes) {
            if (static_cast<int>(changes.size()) == limit)
                m_refreshAgain = true; // a full batch: more changed than one read takes
            if (!m_paused)
                applyChanges(std::move(changes));
            refreshDone();
        });
}

void TraceListModel::applyChanges(std::vector<storage::TraceSummary> changes)
{
    if (changes.empty())
        return;
    m_seen = {changes.back().updatedSeq, changes.back().key};
    std::vector<storage::TraceSummary> fresh;
    std::vector<int> moved; // rows whose sort value changed: they leave and come back in order
    int firstChanged = rowCount(), lastChanged = -1, changed = 0;
    for (storage::TraceSummary &s : changes) {
        auto it = m_rowOfKey.find(s.key);
        if (it == m_rowOfKey.end()) {
            fresh.push_back(std::move(s));
            continue;
        }
        const int row = it->second;
        if (storage::sortValue(s, m_filter.order)
            != storage::sortValue(m_rows[row], m_filter.order)) {
            moved.push_back(row);
            fresh.push_back(std::move(s));
            continue;
        }
        m_rows[row] = std::move(s);
        firstChanged = std::min(firstChanged, row);
        lastChanged = std::max(lastChanged, row);
        ++changed;
    }
    if (lastChanged >= 0)
        emit dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    // Removed from the bottom up so the rows still to remove keep their numbers.
    std::sort(moved.rbegin(), moved.rend());
    for (const int row : moved) {
        beginRemoveRows({}, row, row);
        m_rows.erase(m_rows.begin() + row);
        endRemoveRows();
    }
    if (!moved.empty())
        reindex();
    const int inserted = static_cast<int>(fresh.size());
    insertSorted(std::move(fresh));
    trim();
    emit liveUpdate(inserted, changed);
}

void TraceListModel::insertSorted(std::vector<storage::TraceSummary> fresh)
{
    const auto before = [this](const storage::TraceSummary &a, const storage::TraceSummary &b) {
        return this->before(a, b);
    };
    std::sort(fresh.begin(), fresh.end(), before);
    // Sorting after everything loaded while more pages exist: paging will bring them.
    if (m_hasMore && !m_rows.empty()) {
        fresh.erase(std::remove_if(fresh.begin(), fresh.end(),
                                   [this, &before](const storage::TraceSummary &s) {
                                       return !before(s, m_rows.back());
                                   }),
                    fresh.end());
    }
    if (fresh.empty())
        return;
    // The usual case: everything new is newer than the top row, so one insertion.
    if (m_rows.empty() || before(fresh.back(), m_rows.front())) {
        beginInsertRows({}, 0, static_cast<int>(fresh.size()) - 1);
        m_rows.insert(m_rows.begin(), std::make_move_iterator(fresh.begin()),
                      std::make_move_iterator(fresh.end()));
        reindex();
        endInsertRows();
        return;
    }
    for (storage::TraceSummary &s : fresh) {
        const auto at = std::upper_bound(m_rows.begin(), m_rows.end(), s, before);
        const int row = static_cast<int>(at - m_rows.begin());
        beginInsertRows({}, row, row);
        m_rows.insert(at, std::move(s));
        endInsertRows();
    }
    reindex(); // once: the loop needs only m_rows
}

void TraceListModel::trim()
{
    if (rowCount() <= MaxRows)
        return;
    beginRemoveRows({}, MaxRows, rowCount() - 1);
    m_rows.resize(MaxRows);
    reindex();
    endRemoveRows();
    m_hasMore = true;
}

void TraceListModel::reindex()
{
    m_rowOfKey.clear();
    m_rowOfKey.reserve(m_rows.size());
    for (int row = 0; row < rowCount(); ++row)
        m_rowOfKey.emplace(m_rows[row].key, row);
}

void TraceListModel::setPreview(std::map<std::int64_t, std::string> droppedKeys)
{
    m_previewDropped = std::move(droppedKeys);
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit previewChanged();
}

int TraceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TraceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const storage::TraceSummary &s = m_rows[index.row()];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case StartColumn:
            return startText(s.startNs);
        case ServiceColumn:
            return QString::fromStdString(s.rootService);
        case OperationColumn:
            return QString(QString::fromStdString(s.rootName)
                           + (s.hasRoot ? QString() : tr(" (root not received)")));
        case DurationColumn:
            return QString::fromStdString(storage::formatDuration(s.durationNs()));
        case SpansColumn:
            return static_cast<qlonglong>(s.spanCount);
        case ErrorsColumn:
            return static_cast<qlonglong>(s.errorCount);
        case ServicesColumn:
            return data(index, ServicesRole).toStringList().join(QStringLiteral(", "));
        }
    } else if (const auto dropped = m_previewDropped.find(s.key);
               dropped != m_previewDropped.end() && role != Qt::DisplayRole) {
        if (role == Qt::ForegroundRole)
            return QColor(150, 150, 150);
        if (role == Qt::ToolTipRole)
            return tr("The previewed sampling policy would drop this trace (%1)")
                .arg(QString::fromStdString(dropped->second));
        if (role == Qt::FontRole) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
    }
    if (role == ServicesRole) {
        QStringList services;
        for (const std::string &service : s.services)
            services << QString::fromStdString(service);
        return services;
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == StartColumn)
            return QString::fromStdString(
                storage::formatTimestamp(static_cast<std::uint64_t>(s.startNs)));
        if (index.column() == ServicesColumn)
            return QString(data(index, ServicesRole).toStringList().join(QStringLiteral(", "))
                           + (s.moreServices ? tr(" and more") : QString()));
        const QString id = tr("Trace %1").arg(QString::fromStdString(storage::toHex(s.traceId)));
        return s.source.empty()
            ? id
            : id + QLatin1Char('\n') + tr("Imported from %1").arg(QString::fromStdString(s.source));
    } else if (role == Qt::TextAlignmentRole) {
        const bool number = index.column() == DurationColumn || index.column() == SpansColumn
            || index.column() == ErrorsColumn;
        return QVariant::fromValue(Qt::AlignVCenter | (number ? Qt::AlignRight : Qt::AlignLeft));
    } else if (role == Qt::ForegroundRole && index.column() == ErrorsColumn && s.errorCount > 0) {
        return QColor(Qt::red);
    }
    return {};
}

QVariant TraceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == StartColumn)
        return tr("Local time (%1), as everywhere in Spanscope")
            .arg(QDateTime::currentDateTime().timeZone().displayName(QDateTime::currentDateTime(),
                                                                     QTimeZone::OffsetName));
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StartColumn:
        return tr("Start");
    case ServiceColumn:
        return tr("Root service");
    case OperationColumn:
        return tr("Root operation");
    case DurationColumn:
        return tr("Duration");
    case SpansColumn:
        return tr("Spans");
    case ErrorsColumn:
        return tr("Errors");
    case ServicesColumn:
        return tr("Services");
    }
    return {};
}

} // namespace spanscope::ui
