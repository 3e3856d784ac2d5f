#pragma once

#include <compare.h>

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace spanscope::ui {

class TraceQueryThread;
class WaterfallView;
class WaterfallLayout;

// Two traces side by side (Trace ▸ Compare, Ctrl+D, on two traces of the list, or on one
// against the trace of the same root operation before it): the merged tree of what changed,
// biggest change first, with counts, durations, self time and the change coloured and named;
// under it both waterfalls on one time axis that zooms and pans as one. Selecting a node
// highlights its spans in both, and beside the tree how its first span differs (attributes,
// status, exceptions). Reads on a query thread of its own.
class CompareWindow : public QWidget
{
    Q_OBJECT
public:
    enum Column {
        SpanColumn,
        CountColumn,
        DurationColumn,
        DeltaColumn,
        RatioColumn,
        SelfColumn,
        ChangeColumn,
        ColumnCount
    };

    explicit CompareWindow(const QString &databasePath, QWidget *parent = nullptr);
    ~CompareWindow() override;

    // Compares two traces, the earlier as the baseline A (or `a`, with `asGiven`); without `a`,
    // B with the trace of its root operation that started before it.
    void compare(std::optional<storage::TraceId> a, const storage::TraceId &b,
                 bool asGiven = false);

    QTreeWidget *tree() const { return m_tree; }
    // How the selected node's first span differs between A and B: attributes, status, exceptions.
    QTextBrowser *differences() const { return m_differences; }
    QLabel *summary() const { return m_summary; }
    WaterfallView *waterfall(int side) const { return m_waterfalls[side]; }
    // Null until a comparison arrives.
    const analysis::TraceComparison *comparison() const { return m_comparison.get(); }
    // The node of a tree item.
    int nodeOf(const QTreeWidgetItem *item) const;

signals:
    void compared(); // a comparison is shown (or its failure said)

private:
    struct Loaded;
    void display(const Loaded &loaded);
    void fillTree();
    void selectNode(int node);
    void showDifferences(int node);
    // Keeps the other waterfall's time window where `from`'s is.
    void follow(int from);

    TraceQueryThread *m_queries;
    QLabel *m_summary;
    QTreeWidget *m_tree;
    QTextBrowser *m_differences;
    QLabel *m_captions[2];
    WaterfallView *m_waterfalls[2];
    std::shared_ptr<const analysis::TraceComparison> m_comparison;
    bool m_following = false;
};

} // namespace spanscope::ui
