#pragma once

#include <QTableWidgetItem>
#include <QVariant>

namespace spanscope::ui {

// The rows an analysis table fills at most: the items are made on the GUI thread, and a hostile
// trace can hold a million distinct operations. The tables come sorted by what matters most.
inline constexpr int MaxAnalysisRows = 2000;

// A table cell shown as text for people ("1.25 s") and sorted by its value (1'250'000'000).
class SortKeyItem : public QTableWidgetItem
{
public:
    SortKeyItem(const QString &text, const QVariant &key)
        : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, key);
    }

    bool operator<(const QTableWidgetItem &other) const override
    {
        return QVariant::compare(data(Qt::UserRole), other.data(Qt::UserRole))
            == QPartialOrdering::Less;
    }
};

} // namespace spanscope::ui
