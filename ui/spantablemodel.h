#pragma once

#include <QAbstractTableModel>

#include <memory>

namespace spanscope::ui {

struct TraceAnalysis;

// Every span of the analysed trace, flat: service, name, start offset, duration, self time and
// status. Sorting and filtering are the view's (SortRole holds numbers for the time columns).
class SpanTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ServiceColumn,
        NameColumn,
        StartColumn,
        DurationColumn,
        SelfColumn,
        StatusColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int SpanRole = Qt::UserRole + 2; // the index into TraceData::spans

    using QAbstractTableModel::QAbstractTableModel;

    void setAnalysis(std::shared_ptr<const TraceAnalysis> analysis);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const TraceAnalysis> m_analysis;
};

} // namespace spanscope::ui
