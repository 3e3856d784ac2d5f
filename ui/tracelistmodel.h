#pragma once

#include <tracestore.h>

#include <QAbstractTableModel>

#include <map>
#include <unordered_map>
#include <vector>

namespace spanscope::ui {

class TraceQueryThread;

// The trace list: summaries newest first, paged lazily (fetchMore), kept live by refresh() (the
// window calls it on every commit), which reads the traces changed since the last commit it
// saw. Each refresh is applied as one batch: new traces at the top are one row insertion,
// changed ones one dataChanged; selection and scroll position survive because rows are never
// reset for live data.
class TraceListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StartColumn,
        ServiceColumn,
        OperationColumn,
        DurationColumn,
        SpansColumn,
        ErrorsColumn,
        ServicesColumn,
        ColumnCount
    };
    // The services involved, as a QStringList, for the coloured services column.
    static constexpr int ServicesRole = Qt::UserRole;
    // Beyond this many rows the oldest are dropped from memory (they can be fetched again).
    static constexpr int MaxRows = 100'000;

    explicit TraceListModel(const QString &databasePath, int pageSize = 200,
                            QObject *parent = nullptr);
    ~TraceListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    // More traces match than are loaded (the next page is fetched on scrolling).
    bool hasMore() const { return m_hasMore; }
    // The first page for the current filter is in (the list is not still loading).
    bool isLoaded() const { return !m_loading; }
    // Start, duration, spans and errors sort in the database, so paging and live updates keep
    // the order; the text columns do not sort.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    static bool isSortable(int column);
    void fetchMore(const QModelIndex &parent) override;

    // Shows the traces matching `filter` (its limit, order and paging fields are ignored).
    void setFilter(const storage::TraceFilter &filter);
    // While paused the list does not change; resuming catches up.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    const storage::TraceSummary &summary(int row) const { return m_rows[row]; }
    // Traces a previewed sampling policy would drop (by key, with the rule), shown greyed out
    // with the rule as their tooltip; empty ends the preview.
    void setPreview(std::map<std::int64_t, std::string> droppedKeys);
    // How many stored traces the preview greys out; 0 when none is shown.
    std::size_t previewDropped() const { return m_previewDropped.size(); }
    // Reads what changed since the last look (nothing while paused); asked while a read or a
    // reload runs, it reads once more after it.
    void refresh();

signals:
    void loaded(); // the first page for the current filter is shown
    void liveUpdate(int inserted, int changed); // one refresh's changes were applied
    void refreshed(); // a refresh ended, whether or not anything had changed
    void previewChanged(); // a sampling preview began, changed or ended
    void failed(const QString &message);

private:
    void reload();
    bool before(const storage::TraceSummary &a, const storage::TraceSummary &b) const;
    void readChanges();
    void refreshDone();
    void showFirstPage(std::vector<storage::TraceSummary> page, std::int64_t seenSeq);
    void appendPage(std::vector<storage::TraceSummary> page);
    void applyChanges(std::vector<storage::TraceSummary> changes);
    void insertSorted(std::vector<storage::TraceSummary> fresh);
    void trim();
    void reindex();
    // Queues `query` on the worker and hands its result to `apply` here, if still current.
    template<typename Result>
    void request(std::function<Result(storage::TraceStore &)> query,
                 std::function<void(Result)> apply);

    int m_pageSize;
    TraceQueryThread *m_queries;
    storage::TraceFilter m_filter;
    std::vector<storage::TraceSummary> m_rows;
    std::unordered_map<std::int64_t, int> m_rowOfKey;
    std::map<std::int64_t, std::string> m_previewDropped;
    quint64 m_generation = 0;
    // The last change applied, as (updatedSeq, key); refreshes continue after it.
    std::pair<std::int64_t, std::int64_t> m_seen{0, 0};
    bool m_loading = false;
    bool m_fetching = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false; // asked while reading or loading
    bool m_hasMore = false;
    bool m_paused = false;
};

} // namespace spanscope::ui
