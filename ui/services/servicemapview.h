#pragma once

#include "servicemaplayout.h"

#include <QWidget>

namespace spanscope::ui {

// The service map, painted: services in their colours, databases, caches, queues and external
// hosts seen only from client spans as outlined boxes with their kind above, edges as arrows
// labelled with calls, p95 and errors (red when any call failed; dashed for messaging). A click
// or Enter on a node asks to show its traces; arrow keys move between nodes.
class ServiceMapView : public QWidget
{
    Q_OBJECT
public:
    explicit ServiceMapView(QWidget *parent = nullptr);

    void setMap(std::vector<storage::ServiceEdge> edges, std::vector<std::string> services);
    const ServiceMapLayout &layout() const { return m_layout; }
    const std::vector<storage::ServiceEdge> &edges() const { return m_edges; }
    int current() const { return m_current; }
    // Where node `index` is drawn, in the widget's coordinates (for tests).
    QPointF nodeCentre(int index) const
    {
        return toWidget().map(m_layout.nodes[index].rect.center());
    }
    QSize sizeHint() const override;

signals:
    void nodeActivated(const QString &name, spanscope::storage::NodeKind kind);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QString edgeLabel(const storage::ServiceEdge &edge) const;
    // From the layout's coordinates to the widget's: centred, scaled down to fit.
    QTransform toWidget() const;
    int nodeAt(const QPointF &position) const;

    std::vector<storage::ServiceEdge> m_edges;
    ServiceMapLayout m_layout;
    int m_current = -1;
};

} // namespace spanscope::ui
