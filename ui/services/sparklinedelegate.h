#pragma once

#include <QStyledItemDelegate>

namespace spanscope::ui {

// Paints a cell's values (a QVariantList of numbers in SparklineRole) as small bars, scaled to
// the cell's own largest value, so each row shows its shape over the time range.
class SparklineDelegate : public QStyledItemDelegate
{
public:
    static constexpr int SparklineRole = Qt::UserRole + 20;
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    // The bucket under `x` (in the cell's coordinates) of a cell `width` wide with `buckets`.
    static int bucketAt(double x, double width, int buckets);
};

} // namespace spanscope::ui
