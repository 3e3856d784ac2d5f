#include "servicesdelegate.h"

#include "servicecolour.h"
#include "tracelistmodel.h"

#include <QApplication>
#include <QPainter>

namespace spanscope::ui {

void ServicesDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QStringList services = index.data(TraceListModel::ServicesRole).toStringList();
    const QFontMetrics metrics(option.font);
    const int height = std::min(option.rect.height() - 4, metrics.height() + 2);
    int x = option.rect.left() + 3;
    painter->save();
    painter->setClipRect(option.rect);
    for (const QString &service : services) {
        const int width = metrics.horizontalAdvance(service) + 10;
        const QRect chip(x, option.rect.center().y() - height / 2, width, height);
        const QColor fill = serviceColour(service.toStdString());
        painter->fillRect(chip, fill);
        painter->setPen(textColourOn(fill));
        painter->drawText(chip, Qt::AlignCenter, service);
        x += width + 4;
        if (x > option.rect.right())
            break;
    }
    painter->restore();
}

} // namespace spanscope::ui
