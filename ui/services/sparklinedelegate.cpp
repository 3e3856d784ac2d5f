#include "sparklinedelegate.h"

#include <QPainter>

#include <algorithm>

namespace spanscope::ui {

namespace {
constexpr int Inset = 3;
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QVariantList values = index.data(SparklineRole).toList();
    if (values.isEmpty())
        return;
    double most = 0;
    for (const QVariant &v : values)
        most = std::max(most, v.toDouble());
    if (most <= 0)
        return;
    const QRectF area = QRectF(option.rect).adjusted(Inset, Inset, -Inset, -Inset);
    const double each = area.width() / values.size();
    const bool selected = option.state & QStyle::State_Selected;
    QColor colour = selected ? option.palette.color(QPalette::HighlightedText)
                             : option.palette.color(QPalette::Highlight);
    painter->save();
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour);
    for (int i = 0; i < values.size(); ++i) {
        const double v = values[i].toDouble();
        if (v <= 0)
            continue;
        const double h = std::max(1.5, area.height() * v / most);
        painter->drawRect(
            QRectF(area.left() + i * each, area.bottom() - h, std::max(1.0, each - 1), h));
    }
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(120, 20));
}

int SparklineDelegate::bucketAt(double x, double width, int buckets)
{
    if (buckets <= 0 || width <= 2 * Inset)
        return -1;
    return std::clamp(static_cast<int>((x - Inset) / (width - 2 * Inset) * buckets), 0,
                      buckets - 1);
}

} // namespace spanscope::ui
