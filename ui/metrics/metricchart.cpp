#include "metricchart.h"

#include <QDateTime>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace spanscope::ui {

namespace {

constexpr double ExemplarRadius = 5;
constexpr int TickCount = 5;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// Round numbers for the value axis: 1, 2 or 5 times a power of ten.
double niceStep(double range)
{
    if (range <= 0)
        return 1;
    const double raw = range / TickCount;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * power)
            return m * power;
    }
    return 10 * power;
}

QString timeText(std::uint64_t ns, std::uint64_t span)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(ns / 1'000'000));
    if (span > 2ull * 24 * 3600 * 1'000'000'000)
        return at.toString(QStringLiteral("MMM d HH:mm"));
    return at.toString(span > 600ull * 1'000'000'000 ? QStringLiteral("HH:mm")
                                                     : QStringLiteral("HH:mm:ss"));
}

// The widest gap, in columns, that a line bridges: points read every few seconds on a chart of
// many columns leave empty columns between them that are not missing data. Twice the usual
// gap between columns with a value, and at least 2.
int bridgedGap(const std::vector<std::optional<double>> &values)
{
    std::vector<int> gaps;
    int previous = -1;
    for (int c = 0; c < static_cast<int>(values.size()); ++c) {
        if (!values[c])
            continue;
        if (previous >= 0)
            gaps.push_back(c - previous);
        previous = c;
    }
    if (gaps.empty())
        return 2;
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    return std::max(2, 2 * gaps[gaps.size() / 2]);
}

} // namespace

MetricChart::MetricChart(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 200);
    setAccessibleName(tr("Metric chart"));
}

QColor MetricChart::lineColour(int index, bool dark)
{
    // Tableau 10 without its red (errors) and yellow (too faint on white); lighter in the dark.
    static const QColor light[]
        = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0x59, 0xa1, 0x4f),
           QColor(0xb0, 0x7a, 0xa1), QColor(0x76, 0xb7, 0xb2), QColor(0x9c, 0x75, 0x5f),
           QColor(0xff, 0x9d, 0xa7), QColor(0x79, 0x70, 0x6e)};
    const QColor colour = light[index % std::size(light)];
    return dark ? colour.lighter(135) : colour;
}

void MetricChart::setChart(analysis::ChartData chart, std::vector<ExemplarMark> exemplars)
{
    m_chart = std::move(chart);
    m_exemplars = std::move(exemplars);
    m_message.clear();
    const int columns = m_chart.lines.empty()
        ? static_cast<int>(m_chart.heat.size())
        : static_cast<int>(m_chart.lines.front().values.size());
    if (m_cursor >= columns)
        m_cursor = -1;
    update();
}

void MetricChart::clear(const QString &message)
{
    m_chart = {};
    m_exemplars.clear();
    m_message = message;
    m_cursor = -1;
    update();
}

MetricChart::Geometry MetricChart::geometry() const
{
    Geometry g;
    double low = 0, high = 0;
    bool any = false;
    for (const analysis::ChartLine &line : m_chart.lines) {
        for (const auto &v : line.values) {
            if (v && std::isfinite(*v)) {
                low = any ? std::min(low, *v) : std::min(0.0, *v);
                high = any ? std::max(high, *v) : std::max(0.0, *v);
                any = true;
            }
        }
    }
    if (m_chart.measure == analysis::ChartMeasure::Quantiles) {
        for (const ExemplarMark &e : m_exemplars)
            high = std::max(high, e.value);
    }
    if (high <= low)
        high = low + 1;
    const double step = niceStep(high - low);
    g.low = std::floor(low / step) * step;
    g.high = std::ceil(high / step) * step;

    const QFontMetricsF metrics(font());
    double labelWidth = 0;
    for (double v = g.low; v <= g.high + step / 2; v += step)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(valueText(v)));
    for (const double bound : m_chart.heatBounds)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(heatLabel(bound)));
    const double line = metrics.height();
    const QRectF area = QRectF(rect()).adjusted(labelWidth + 14, line + 12, -12, -(line + 10));
    g.legend = QRectF(area.left(), 4, area.width(), line + 4);
    g.plot = area;
    if (!m_chart.heat.empty() && !m_chart.heatBounds.empty()) {
        const double heatHeight = std::clamp(area.height() * 0.35, 48.0, 220.0);
        g.plot.setBottom(area.bottom() - heatHeight - line);
        g.heat = QRectF(area.left(), area.bottom() - heatHeight, area.width(), heatHeight);
    }
    return g;
}

double MetricChart::xOf(const Geometry &g, std::uint64_t timeNs) const
{
    const double span = static_cast<double>(m_chart.toNs - m_chart.fromNs);
    const double t = timeNs < m_chart.fromNs ? 0 : static_cast<double>(timeNs - m_chart.fromNs);
    return g.plot.left() + g.plot.width() * std::clamp(t / span, 0.0, 1.0);
}

double MetricChart::yOf(const Geometry &g, double value) const
{
    return g.plot.bottom() - g.plot.height() * (value - g.low) / (g.high - g.low);
}

int MetricChart::columnAt(const Geometry &g, double x) const
{
    const int columns = m_chart.lines.empty() ? static_cast<int>(m_chart.heat.size())
                                              : static_cast<int>(m_chart.lines[0].values.size());
    if (columns == 0 || x < g.plot.left() || x > g.plot.right())
        return -1;
    return std::clamp(static_cast<int>((x - g.plot.left()) / g.plot.width() * columns), 0,
                      columns - 1);
}

QString MetricChart::heatLabel(double bound) const
{
    return std::isinf(bound) ? QStringLiteral("+∞")
                             : QStringLiteral("≤ ")
            + QString::fromStdString(analysis::formatMetricValue(bound, m_chart.unit));
}

QString MetricChart::valueText(double value) const
{
    QString text = QString::fromStdString(analysis::formatMetricValue(
        value,
        m_chart.measure == analysis::ChartMeasure::Rate && m_chart.unit.size() > 2
            ? m_chart.unit.substr(0, m_chart.unit.size() - 2)
            : m_chart.unit));
    if (m_chart.measure == analysis::ChartMeasure::Rate)
        text += QStringLiteral("/s");
    return text;
}

std::optional<QPointF> MetricChart::exemplarPosition(int index) const
{
    return exemplarPosition(geometry(), index);
}

// With the geometry computed once by the caller: hit tests and painting go through every
// exemplar, and the geometry walks every value.
std::optional<QPointF> MetricChart::exemplarPosition(const Geometry &g, int index) const
{
    if (index < 0 || index >= static_cast<int>(m_exemplars.size()))
        return std::nullopt;
    const ExemplarMark &e = m_exemplars[index];
    if (e.timeNs < m_chart.fromNs || e.timeNs > m_chart.toNs)
        return std::nullopt;
    double y = g.plot.bottom() - ExemplarRadius - 1;
    // On a quantile chart an exemplar is a measurement in the chart's unit; elsewhere it marks
    // the moment on the first line.
    if (m_chart.measure == analysis::ChartMeasure::Quantiles) {
        y = yOf(g, e.value);
    } else if (!m_chart.lines.empty()) {
        const int column = columnAt(g, xOf(g, e.timeNs));
        if (column >= 0 && m_chart.lines[0].values[column])
            y = yOf(g, *m_chart.lines[0].values[column]);
    }
    return QPointF(xOf(g, e.timeNs), y);
}

int MetricChart::exemplarAt(const QPointF &point) const
{
    int best = -1;
    double bestDistance = ExemplarRadius * 2;
    const Geometry g = geometry();
    for (int i = 0; i < static_cast<int>(m_exemplars.size()); ++i) {
        if (const auto at = exemplarPosition(g, i)) {
            const double d = std::hypot(at->x() - point.x(), at->y() - point.y());
            if (d <= bestDistance) {
                best = i;
                bestDistance = d;
            }
        }
    }
    return best;
}

int MetricChart::exemplarNearestColumn(int column) const
{
    const Geometry g = geometry();
    int best = -1;
    int bestDistance = INT_MAX;
    for (int i = 0; i < static_cast<int>(m_exemplars.size()); ++i) {
        const int c = columnAt(g, xOf(g, m_exemplars[i].timeNs));
        if (c >= 0 && std::abs(c - column) < bestDistance) {
            best = i;
            bestDistance = std::abs(c - column);
        }
    }
    return best;
}

QString MetricChart::cursorText(int column) const
{
    if (column < 0)
        return {};
    const double columns = static_cast<double>(
        m_chart.lines.empty() ? m_chart.heat.size() : m_chart.lines[0].values.size());
    const auto at = m_chart.fromNs
        + static_cast<std::uint64_t>((column + 0.5) * (m_chart.toNs - m_chart.fromNs) / columns);
    QStringList rows{timeText(at, 0)};
    for (const analysis::ChartLine &line : m_chart.lines) {
        const auto &v = line.values[column];
        rows << QStringLiteral("%1: %2").arg(QString::fromStdString(line.label),
                                             v ? valueText(*v) : tr("no data"));
    }
    return rows.join(QLatin1Char('\n'));
}

void MetricChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const bool dark = isDark(pal);
    painter.fillRect(rect(), pal.color(QPalette::Base));
    if (!m_message.isEmpty() || (m_chart.lines.empty() && m_chart.heat.empty())) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
                         m_message.isEmpty() ? tr("No points in this time range.") : m_message);
        return;
    }
    const Geometry g = geometry();
    const QFontMetricsF metrics(font());
    const QColor grid = dark ? QColor(255, 255, 255, 34) : QColor(0, 0, 0, 28);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);

    // The value axis: round ticks with their labels, and grid lines.
    const double step = niceStep(g.high - g.low);
    painter.setPen(grid);
    for (double v = g.low; v <= g.high + step / 2; v += step) {
        const double y = yOf(g, v);
        painter.setPen(grid);
        painter.drawLine(QPointF(g.plot.left(), y), QPointF(g.plot.right(), y));
        painter.setPen(muted);
        const QString label = valueText(v);
        painter.drawText(QRectF(0, y - metrics.height() / 2, g.plot.left() - 8, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, label);
    }
    // The time axis: five labelled instants.
    const QRectF timeAxis(g.plot.left(), (g.heat.isEmpty() ? g.plot : g.heat).bottom() + 4,
                          g.plot.width(), metrics.height());
    for (int i = 0; i <= 4; ++i) {
        const auto t = m_chart.fromNs + (m_chart.toNs - m_chart.fromNs) / 4 * i;
        const double x = xOf(g, t);
        const QString label = timeText(t, m_chart.toNs - m_chart.fromNs);
        const double w = metrics.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, 0.0, width() - w);
        painter.setPen(muted);
        painter.drawText(QPointF(left, timeAxis.top() + metrics.ascent()), label);
        painter.setPen(grid);
        painter.drawLine(QPointF(x, g.plot.top()), QPointF(x, g.plot.bottom()));
    }

    // The lines, broken where a column has no value; a lone value is a dot.
    const int columns
        = m_chart.lines.empty() ? 0 : static_cast<int>(m_chart.lines[0].values.size());
    const double columnWidth = columns > 0 ? g.plot.width() / columns : 0;
    painter.save();
    painter.setClipRect(g.plot.adjusted(-3, -3, 3, 3));
    for (int l = 0; l < static_cast<int>(m_chart.lines.size()); ++l) {
        const QColor colour = lineColour(l, dark);
        painter.setPen(QPen(colour, 2));
        painter.setBrush(colour);
        QPainterPath path;
        const auto &values = m_chart.lines[l].values;
        const int gap = bridgedGap(values);
        int previous = -1;
        for (int c = 0; c < columns; ++c) {
            if (!values[c] || !std::isfinite(*values[c]))
                continue;
            const QPointF p(g.plot.left() + (c + 0.5) * columnWidth, yOf(g, *values[c]));
            if (previous >= 0 && c - previous <= gap)
                path.lineTo(p);
            else
                path.moveTo(p);
            // Every value is marked, so a lone one shows and sparse readings read as points.
            painter.drawEllipse(p, 2, 2);
            previous = c;
        }
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    painter.restore();

    // The heatmap: each column's bucket counts, darker for more (log scale).
    if (!g.heat.isEmpty()) {
        double most = 0;
        for (const auto &column : m_chart.heat)
            for (const double c : column)
                most = std::max(most, c);
        const int rows = static_cast<int>(m_chart.heatBounds.size());
        const double cellW = g.heat.width() / static_cast<double>(m_chart.heat.size());
        const double cellH = g.heat.height() / rows;
        const QColor hot = lineColour(0, dark);
        painter.setPen(Qt::NoPen);
        // A reading's cells reach back to the previous reading (within the bridged gap), as
        // the interval they count.
        std::vector<std::optional<double>> filled(m_chart.heat.size());
        for (std::size_t c = 0; c < m_chart.heat.size(); ++c) {
            for (const double n : m_chart.heat[c]) {
                if (n > 0)
                    filled[c] = n;
            }
        }
        const int gap = bridgedGap(filled);
        int previous = -1;
        for (int c = 0; c < static_cast<int>(m_chart.heat.size()); ++c) {
            if (!filled[c])
                continue;
            const int first = previous >= 0 && c - previous <= gap ? previous + 1 : c;
            previous = c;
            for (int r = 0; r < rows; ++r) {
                const double count = m_chart.heat[c][r];
                if (count <= 0)
                    continue;
                QColor cell = hot;
                cell.setAlphaF(0.15 + 0.85 * std::log1p(count) / std::log1p(most));
                painter.setBrush(cell);
                painter.drawRect(QRectF(g.heat.left() + first * cellW,
                                        g.heat.bottom() - (r + 1) * cellH,
                                        std::max(1.0, (c - first + 1) * cellW), cellH));
            }
        }
        painter.setPen(grid);
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(g.heat);
        // The bounds of the lowest and highest rows, and the middle one.
        painter.setPen(muted);
        // Bound labels where they fit: every row when there is room, else every few.
        const int every = std::max(1, static_cast<int>(std::ceil(metrics.height() / cellH)));
        for (int r = 0; r < rows; r += every) {
            const double y = g.heat.bottom() - (r + 0.5) * cellH;
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, g.heat.left() - 8, metrics.height()),
                Qt::AlignRight | Qt::AlignVCenter, heatLabel(m_chart.heatBounds[r]));
        }
    }

    // Exemplars: diamonds outlined in the base colour so they stand out on the lines.
    for (int i = 0; i < static_cast<int>(m_exemplars.size()); ++i) {
        const auto at = exemplarPosition(g, i);
        if (!at)
            continue;
        QPolygonF diamond{
            QPointF(at->x(), at->y() - ExemplarRadius), QPointF(at->x() + ExemplarRadius, at->y()),
            QPointF(at->x(), at->y() + ExemplarRadius), QPointF(at->x() - ExemplarRadius, at->y())};
        painter.setPen(QPen(pal.color(QPalette::Base), 1.5));
        painter.setBrush(dark ? QColor(0xff, 0xd1, 0x66) : QColor(0xb8, 0x5c, 0x00));
        painter.drawPolygon(diamond);
    }

    // The legend: a swatch and each line's label, elided to share the row.
    if (!m_chart.lines.empty()) {
        const double each = g.legend.width() / static_cast<double>(m_chart.lines.size());
        for (int l = 0; l < static_cast<int>(m_chart.lines.size()); ++l) {
            const double x = g.legend.left() + l * each;
            painter.setPen(Qt::NoPen);
            painter.setBrush(lineColour(l, dark));
            painter.drawRoundedRect(QRectF(x, g.legend.center().y() - 4, 14, 8), 2, 2);
            painter.setPen(text);
            painter.drawText(QRectF(x + 18, g.legend.top(), each - 24, g.legend.height()),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             metrics.elidedText(QString::fromStdString(m_chart.lines[l].label),
                                                Qt::ElideMiddle, each - 24));
        }
    }

    if (m_cursor >= 0 && columns > 0) {
        const double x = g.plot.left() + (m_cursor + 0.5) * columnWidth;
        painter.setPen(QPen(muted, 1, Qt::DashLine));
        painter.drawLine(QPointF(x, g.plot.top()), QPointF(x, g.plot.bottom()));
    }
    if (hasFocus()) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

bool MetricChart::event(QEvent *event)
{
    // Legend labels cut short say themselves in full.
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const Geometry g = geometry();
        if (g.legend.contains(help->pos()) && !m_chart.lines.empty()) {
            const double each = g.legend.width() / static_cast<double>(m_chart.lines.size());
            const int l = std::clamp(static_cast<int>((help->pos().x() - g.legend.left()) / each),
                                     0, static_cast<int>(m_chart.lines.size()) - 1);
            QToolTip::showText(help->globalPos(), QString::fromStdString(m_chart.lines[l].label),
                               this);
            return true;
        }
    }
    return QWidget::event(event);
}

void MetricChart::mouseMoveEvent(QMouseEvent *event)
{
    const Geometry g = geometry();
    const int column = columnAt(g, event->position().x());
    if (column != m_cursor) {
        m_cursor = column;
        update();
    }
    if (const int e = exemplarAt(event->position()); e >= 0) {
        const ExemplarMark &mark = m_exemplars[e];
        setCursor(Qt::PointingHandCursor);
        QToolTip::showText(
            event->globalPosition().toPoint(),
            tr("Exemplar %1 at %2\ntrace %3\nClick to open its span.")
                .arg(QString::fromStdString(analysis::formatMetricValue(mark.value, m_chart.unit)),
                     timeText(mark.timeNs, 0),
                     QString::fromStdString(storage::toHex(mark.traceId))),
            this);
        return;
    }
    unsetCursor();
    if (column >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), cursorText(column), this);
    else
        QToolTip::hideText();
}

void MetricChart::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    if (const int e = exemplarAt(event->position()); e >= 0)
        emit exemplarActivated(m_exemplars[e].traceId, m_exemplars[e].spanId);
}

void MetricChart::leaveEvent(QEvent *)
{
    m_cursor = -1;
    update();
}

void MetricChart::keyPressEvent(QKeyEvent *event)
{
    const int columns = m_chart.lines.empty() ? static_cast<int>(m_chart.heat.size())
                                              : static_cast<int>(m_chart.lines[0].values.size());
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (columns > 0) {
            const int step = event->key() == Qt::Key_Left ? -1 : 1;
            m_cursor = m_cursor < 0 ? (step > 0 ? 0 : columns - 1)
                                    : std::clamp(m_cursor + step, 0, columns - 1);
            update();
            const Geometry g = geometry();
            const QPoint at(
                static_cast<int>(g.plot.left() + (m_cursor + 0.5) * g.plot.width() / columns),
                static_cast<int>(g.plot.top() + 10));
            QToolTip::showText(mapToGlobal(at), cursorText(m_cursor), this);
        }
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (const int e = exemplarNearestColumn(std::max(0, m_cursor)); e >= 0)
            emit exemplarActivated(m_exemplars[e].traceId, m_exemplars[e].spanId);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace spanscope::ui
