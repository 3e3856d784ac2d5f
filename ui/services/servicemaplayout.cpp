#include "servicemaplayout.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

namespace spanscope::ui {

namespace {

constexpr double LayerGap = 80;
constexpr double RowGap = 30;
constexpr double Padding = 14;
constexpr double Margin = 16;

} // namespace

int ServiceMapLayout::nodeAt(const QPointF &point) const
{
    for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
        if (nodes[i].rect.contains(point))
            return i;
    }
    return -1;
}

ServiceMapLayout layoutServiceMap(const std::vector<storage::ServiceEdge> &edges,
                                  const std::vector<std::string> &services,
                                  const QFontMetricsF &metrics,
                                  const std::vector<double> &labelWidths)
{
    ServiceMapLayout out;
    std::map<std::string, int> index;
    const auto node = [&](const std::string &name, storage::NodeKind kind) {
        auto [it, added] = index.emplace(name, static_cast<int>(out.nodes.size()));
        if (added)
            out.nodes.push_back({name, kind, 0, {}});
        return it->second;
    };
    for (const std::string &service : services)
        node(service, storage::NodeKind::Service);
    for (const storage::ServiceEdge &edge : edges) {
        const int from = node(edge.from, storage::NodeKind::Service); // callers first
        out.edges.emplace_back(from, node(edge.to, edge.toKind));
    }
    const int n = static_cast<int>(out.nodes.size());
    if (n == 0)
        return out; // nothing to draw (a trace with one service, an empty range)
    std::vector<std::vector<int>> callees(n), callers(n);
    for (const auto &[from, to] : out.edges) {
        if (from != to) {
            callees[from].push_back(to);
            callers[to].push_back(from);
        }
    }
    // Edges back into the walk's own path close a cycle and are cut; then each node goes one
    // layer past its deepest caller (longest path, in the walk's finishing order reversed).
    std::vector<int> state(n, 0); // 0 new, 1 on the path, 2 done
    std::vector<int> finished;
    std::vector<std::vector<int>> forward(n);
    std::function<void(int)> walk = [&](int v) {
        state[v] = 1;
        for (const int w : callees[v]) {
            if (state[w] == 1)
                continue; // a cycle
            forward[v].push_back(w);
            if (state[w] == 0)
                walk(w);
        }
        state[v] = 2;
        finished.push_back(v);
    };
    for (int v = 0; v < n; ++v) {
        if (callers[v].empty() && state[v] == 0)
            walk(v);
    }
    for (int v = 0; v < n; ++v) {
        if (state[v] == 0)
            walk(v); // only in cycles
    }
    for (auto it = finished.rbegin(); it != finished.rend(); ++it) {
        for (const int w : forward[*it])
            out.nodes[w].layer = std::max(out.nodes[w].layer, out.nodes[*it].layer + 1);
    }
    int layers = 0;
    for (const auto &node : out.nodes)
        layers = std::max(layers, node.layer + 1);
    std::vector<std::vector<int>> byLayer(layers);
    for (int v = 0; v < n; ++v)
        byLayer[out.nodes[v].layer].push_back(v);

    // Rows: first as found, then sorted by the mean row of their callers (and, going back, of
    // what they call).
    std::vector<double> row(n, 0);
    for (auto &layer : byLayer) {
        for (int i = 0; i < static_cast<int>(layer.size()); ++i)
            row[layer[i]] = i;
    }
    const auto sweep
        = [&](const std::vector<std::vector<int>> &neighbours, int from, int to, int step) {
              for (int l = from; step > 0 ? l < to : l > to; l += step) {
                  auto &layer = byLayer[l];
                  std::vector<double> key(n, 0);
                  for (const int v : layer) {
                      const auto &near = neighbours[v];
                      key[v] = near.empty()
                          ? row[v]
                          : std::accumulate(near.begin(), near.end(), 0.0, [&](double s, int w) {
                                return s + row[w];
                            }) / static_cast<double>(near.size());
                  }
                  std::stable_sort(layer.begin(), layer.end(),
                                   [&](int a, int b) { return key[a] < key[b]; });
                  for (int i = 0; i < static_cast<int>(layer.size()); ++i)
                      row[layer[i]] = i;
              }
          };
    for (int pass = 0; pass < 2; ++pass) {
        sweep(callers, 1, layers, 1);
        if (layers > 1)
            sweep(callees, layers - 2, -1, -1);
    }

    const double height = metrics.height() + 2 * 8;
    std::size_t tallest = 0;
    for (const auto &layer : byLayer)
        tallest = std::max(tallest, layer.size());
    const double columnHeight = static_cast<double>(tallest) * (height + RowGap);
    std::vector<double> gapAfter(layers, LayerGap);
    for (std::size_t e = 0; e < out.edges.size() && e < labelWidths.size(); ++e) {
        const int layer = out.nodes[out.edges[e].first].layer;
        gapAfter[layer] = std::max(gapAfter[layer], labelWidths[e] + 40);
    }
    double x = Margin;
    double lastGap = 0;
    for (std::size_t l = 0; l < byLayer.size(); ++l) {
        const auto &layer = byLayer[l];
        double width = 0;
        for (const int v : layer)
            width = std::max(width,
                             metrics.horizontalAdvance(QString::fromStdString(out.nodes[v].name))
                                 + 2 * Padding);
        width = std::min(width, 240.0);
        // Each layer centred in the tallest one's height.
        double y
            = Margin + (columnHeight - static_cast<double>(layer.size()) * (height + RowGap)) / 2;
        for (const int v : layer) {
            out.nodes[v].rect = QRectF(x, y, width, height);
            y += height + RowGap;
        }
        x += width + gapAfter[l];
        lastGap = gapAfter[l];
    }
    out.size = QSizeF(std::max(Margin, x - lastGap + Margin), columnHeight + 2 * Margin);
    return out;
}

} // namespace spanscope::ui
