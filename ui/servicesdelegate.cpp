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
    // Chips that fit whole, then "+N" for the rest (the tooltip names them all): a chip cut in
    // half would name a service that is not there.
    for (qsizetype i = 0; i < services.size(); ++i) {
        const QString &service = services[i];
        const int width = metrics.horizontalAdvance(service) + 10;
        const bool last = i + 1 == services.size();
        const int reserve = last ? 0 : metrics.horizontalAdvance(QStringLiteral("+99")) + 8;
        if (i > 0 && x + width + reserve > option.rect.right()) {
            painter->setPen(option.palette.color(QPalette::Text));
            painter->drawText(
                QRect(x, option.rect.top(), option.rect.right() - x, option.rect.height()),
                Qt::AlignVCenter | Qt::AlignLeft, QStringLiteral("+%1").arg(services.size() - i));
            break;
        }
        const QRect chip(x, option.rect.center().y() - height / 2, width, height);
        const QColor fill = serviceColour(service.toStdString());
        painter->fillRect(chip, fill);
        painter->setPen(textColourOn(fill));
        painter->drawText(chip, Qt::AlignCenter, service);
        x += width + 4;
    }
    painter->restore();
}

} // namespace spanscope::ui
