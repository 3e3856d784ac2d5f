#pragma once

#include <metricseries.h>

#include <QWidget>

#include <optional>
#include <vector>

namespace spanscope::ui {

// One instrument's chart, painted with QPainter: its lines over the time range (a rate, a value
// or quantiles, per group of series), a heatmap of the buckets under them for histograms, and
// exemplars as diamonds that open the span they were measured in. The mouse or Left/Right move
// a cursor that tells each line's value; Enter (or a click on a diamond) opens the exemplar
// nearest the cursor. Colours are a categorical palette legible on light and dark.
class MetricChart : public QWidget
{
    Q_OBJECT
public:
    struct ExemplarMark
    {
        std::uint64_t timeNs = 0;
        double value = 0;
        storage::TraceId traceId{};
        storage::SpanId spanId{};
    };

    explicit MetricChart(QWidget *parent = nullptr);

    void setChart(analysis::ChartData chart, std::vector<ExemplarMark> exemplars);
    void clear(const QString &message);
    const analysis::ChartData &chart() const { return m_chart; }
    // Where an exemplar is drawn, for tests; nothing when it is outside the plot.
    std::optional<QPointF> exemplarPosition(int index) const;
    static QColor lineColour(int index, bool dark);

signals:
    void exemplarActivated(const storage::TraceId &traceId, const storage::SpanId &spanId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Geometry
    {
        QRectF plot, heat, legend;
        double low = 0, high = 1; // the value axis
    };
    Geometry geometry() const;
    std::optional<QPointF> exemplarPosition(const Geometry &g, int index) const;
    double xOf(const Geometry &g, std::uint64_t timeNs) const;
    double yOf(const Geometry &g, double value) const;
    int columnAt(const Geometry &g, double x) const;
    int exemplarAt(const QPointF &point) const;
    int exemplarNearestColumn(int column) const;
    QString valueText(double value) const;
    QString heatLabel(double bound) const;
    QString cursorText(int column) const;

    analysis::ChartData m_chart;
    std::vector<ExemplarMark> m_exemplars;
    QString m_message;
    int m_cursor = -1; // a column, or -1
};

} // namespace spanscope::ui
