#pragma once

#include <QStyledItemDelegate>

namespace spanscope::ui {

// Draws the services of a trace as chips in their waterfall colours, so a service is recognised
// by colour from the list to the bars.
class ServicesDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace spanscope::ui
