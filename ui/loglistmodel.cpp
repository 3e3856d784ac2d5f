#include "loglistmodel.h"

#include "tracequerythread.h"

#include <utility>

namespace spanscope::ui {

namespace {

std::vector<LogRow> findRows(storage::TraceStore &store, const storage::LogFilter &filter)
{
    auto page = store.findLogs(filter);
    return page ? logRows(std::move(*page)) : std::vector<LogRow>{};
}

} // namespace

LogListModel::LogListModel(const QString &databasePath, int pageSize, QObject *parent)
    : LogRowsModel(parent)
    , m_pageSize(std::max(pageSize, 1))
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, &LogListModel::failed);
    setFilter({});
}

LogListModel::~LogListModel() = default;

template<typename Result>
void LogListModel::request(std::function<Result(storage::TraceStore &)> query,
                           std::function<void(Result)> apply)
{
    const quint64 generation = m_generation;
    m_queries->request<Result>(this, std::move(query), [this, generation, apply](Result result) {
        if (m_generation == generation) // not for a filter replaced since
            apply(std::move(result));
    });
}

void LogListModel::setFilter(const storage::LogFilter &filter)
{
    m_filter = filter;
    if (m_filter.order == storage::LogOrder::ByTime)
        m_filter.order = storage::LogOrder::NewestFirst; // a live list pages in arrival order
    m_filter.afterKey.reset();
    m_filter.limit = m_pageSize;
    ++m_generation;
    m_loading = true;
    m_fetching = m_refreshing = false;
    const storage::LogFilter first = m_filter;
    request<std::vector<LogRow>>(
        [first](storage::TraceStore &store) { return findRows(store, first); },
        [this](std::vector<LogRow> rows) {
            m_hasMore = static_cast<int>(rows.size()) == m_pageSize;
            m_newestKey = rows.empty() ? 0 : newestFirst() ? rows.front().key : rows.back().key;
            setRows(std::move(rows));
            m_loading = false;
            emit loaded();
            if (std::exchange(m_refreshAgain, false))
                refresh();
        });
}

bool LogListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loading;
}

void LogListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_fetching || m_rows.empty())
        return;
    m_fetching = true;
    storage::LogFilter next = m_filter;
    next.afterKey = m_rows.back().key;
    request<std::vector<LogRow>>(
        [next](storage::TraceStore &store) { return findRows(store, next); },
        [this](std::vector<LogRow> rows) { appendPage(std::move(rows)); });
}

void LogListModel::appendPage(std::vector<LogRow> rows)
{
    m_hasMore = static_cast<int>(rows.size()) == m_pageSize;
    if (!rows.empty()) {
        const int first = rowCount();
        beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
        m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                      std::make_move_iterator(rows.end()));
        endInsertRows();
    }
    if (!newestFirst() && !m_rows.empty())
        m_newestKey = std::max(m_newestKey, m_rows.back().key);
    // Only now: views ask for more from inside the insertion, and must continue after it.
    m_fetching = false;
    if (!newestFirst() && !m_hasMore)
        refresh(); // the end is reached: what arrived while paging belongs after it
}

void LogListModel::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused)
        refresh();
}

void LogListModel::refresh()
{
    // Oldest first, new records belong after the end: nothing to add before paging reaches it.
    if (m_paused || (!newestFirst() && m_hasMore && !m_loading))
        return;
    if (m_loading || m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    readNew();
}

void LogListModel::refreshDone()
{
    m_refreshing = false;
    emit refreshed();
    if (std::exchange(m_refreshAgain, false))
        refresh();
}

void LogListModel::readNew()
{
    m_refreshing = true;
    storage::LogFilter fresh = m_filter;
    fresh.order = storage::LogOrder::OldestFirst;
    fresh.afterKey = m_newestKey;
    fresh.limit = 5000;
    request<std::vector<LogRow>>(
        [fresh](storage::TraceStore &store) { return findRows(store, fresh); },
        [this, limit = fresh.limit](std::vector<LogRow> rows) {
            if (static_cast<int>(rows.size()) == limit)
                m_refreshAgain = true; // a full batch: more arrived than one read takes
            if (rows.empty() || m_paused)
                return refreshDone();
            m_newestKey = rows.back().key;
            // Oldest first from the query: reversed for a newest-first list, one insertion either
            // way.
            const int count = static_cast<int>(rows.size());
            const int at = newestFirst() ? 0 : rowCount();
            beginInsertRows({}, at, at + count - 1);
            if (newestFirst())
                m_rows.insert(m_rows.begin(), std::make_move_iterator(rows.rbegin()),
                              std::make_move_iterator(rows.rend()));
            else
                m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                              std::make_move_iterator(rows.end()));
            endInsertRows();
            if (newestFirst() && rowCount() > MaxRows) {
                beginRemoveRows({}, MaxRows, rowCount() - 1);
                m_rows.resize(MaxRows);
                endRemoveRows();
                m_hasMore = true;
            }
            emit liveUpdate(count);
            refreshDone();
        });
}

} // namespace spanscope::ui
