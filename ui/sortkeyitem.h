#pragma once

#include <QTableWidgetItem>
#include <QVariant>

namespace spanscope::ui {

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
