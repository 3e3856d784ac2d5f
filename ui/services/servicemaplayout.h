#pragma once

#include <services/servicereader.h>

#include <QFontMetricsF>
#include <QRectF>

#include <string>
#include <vector>

namespace spanscope::ui {

// A layered drawing of the service map: callers left of what they call (each node one layer
// past its deepest caller; a cycle is cut where the walk finds it), nodes in a layer ordered by
// where their callers sit (two barycentre sweeps), so edges mostly run left to right without
// crossing. Pure geometry, in the widget's font.
struct ServiceMapLayout
{
    struct Node
    {
        std::string name;
        storage::NodeKind kind = storage::NodeKind::Service;
        int layer = 0;
        QRectF rect;
    };
    std::vector<Node> nodes;
    std::vector<std::pair<int, int>> edges; // node indices, in the order of the edges given
    QSizeF size;

    int nodeAt(const QPointF &point) const;
};

// `labelWidths` (one per edge, or none) widen the gap after a layer so its edges' labels fit.
ServiceMapLayout layoutServiceMap(const std::vector<storage::ServiceEdge> &edges,
                                  const std::vector<std::string> &services,
                                  const QFontMetricsF &metrics,
                                  const std::vector<double> &labelWidths = {});

} // namespace spanscope::ui
