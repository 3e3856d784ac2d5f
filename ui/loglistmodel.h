#pragma once

#include "logrowsmodel.h"

namespace spanscope::ui {

class TraceQueryThread;

// Every stored log record matching a filter, newest or oldest first (in arrival order), paged
// lazily and kept live: each refresh (the window calls it on every commit) inserts what arrived
// since as one batch, at the top (newest first) or at the end once it is reached (oldest
// first); selection and scroll position hold.
class LogListModel : public LogRowsModel
{
    Q_OBJECT
public:
    static constexpr int MaxRows = 100'000; // beyond this the oldest leave memory (and page back)

    explicit LogListModel(const QString &databasePath, int pageSize = 200,
                          QObject *parent = nullptr);
    ~LogListModel() override;

    // Its limit and paging fields are ignored; its order is NewestFirst or OldestFirst.
    void setFilter(const storage::LogFilter &filter);
    void setPaused(bool paused);
    // Reads what arrived since the last look (nothing while paused); asked while a read or a
    // load runs, it reads once more after it.
    void refresh();
    // Where its queries run; other reads of the log view may queue there too.
    TraceQueryThread *queries() const { return m_queries; }
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void loaded();
    void liveUpdate(int inserted);
    void refreshed(); // a refresh ended, whether or not anything had arrived
    void failed(const QString &message);

private:
    void readNew();
    void refreshDone();
    bool newestFirst() const { return m_filter.order == storage::LogOrder::NewestFirst; }
    void appendPage(std::vector<LogRow> rows);
    template<typename Result>
    void request(std::function<Result(storage::TraceStore &)> query,
                 std::function<void(Result)> apply);

    int m_pageSize;
    TraceQueryThread *m_queries;
    storage::LogFilter m_filter;
    quint64 m_generation = 0;
    std::int64_t m_newestKey = 0; // refreshes ask for records after it
    bool m_loading = false;
    bool m_fetching = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false; // asked while reading or loading
    bool m_hasMore = false;
    bool m_paused = false;
};

} // namespace spanscope::ui
