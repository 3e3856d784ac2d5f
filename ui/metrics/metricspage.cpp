#include "metricspage.h"

#include "metricchart.h"
#include "timerangecombo.h"
#include "tracequerythread.h"

#include <metricseries.h>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <set>

namespace spanscope::ui {

namespace {

constexpr int IdRole = Qt::UserRole + 1;
constexpr std::size_t MaxExemplars = 500;

QString kindText(const storage::Instrument &instrument)
{
    switch (instrument.kind) {
    case storage::MetricKind::Gauge:
        return MetricsPage::tr("gauge");
    case storage::MetricKind::Sum:
        return instrument.monotonic ? MetricsPage::tr("counter")
                                    : MetricsPage::tr("up-down counter");
    case storage::MetricKind::Histogram:
        return MetricsPage::tr("histogram");
    case storage::MetricKind::ExponentialHistogram:
        return MetricsPage::tr("exponential histogram");
    case storage::MetricKind::Summary:
        return MetricsPage::tr("summary");
    }
    return {};
}

QString measureText(const analysis::ChartData &chart)
{
    switch (chart.measure) {
    case analysis::ChartMeasure::Rate:
        return MetricsPage::tr("rate per second");
    case analysis::ChartMeasure::Value:
        return MetricsPage::tr("value");
    case analysis::ChartMeasure::Quantiles:
        return MetricsPage::tr("percentiles per interval, buckets below");
    }
    return {};
}

std::uint64_t nowNs()
{
    return static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()) * 1'000'000;
}

} // namespace

struct MetricsPage::ChartRead
{
    std::int64_t id = 0;
    storage::Instrument instrument;
    analysis::ChartData chart;
    std::vector<MetricChart::ExemplarMark> exemplars;
    QStringList keys;
    QString error;
};

MetricsPage::MetricsPage(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_search(new QLineEdit(this))
    , m_tree(new QTreeWidget(this))
    , m_title(new QLabel(this))
    , m_about(new QLabel(this))
    , m_timeRange(new TimeRangeCombo(this))
    , m_split(new QToolButton(this))
    , m_chart(new MetricChart(this))
    , m_listRefresh(this, SettleMs, [this] { readInstruments(); })
{
    m_search->setPlaceholderText(tr("Search instruments"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search instruments"));
    m_tree->setHeaderLabels({tr("Instrument"), tr("Kind"), tr("Series")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setAccessibleName(tr("Instruments"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_about->setWordWrap(true);
    m_about->setForegroundRole(QPalette::PlaceholderText);
    m_split->setText(tr("Split by"));
    m_split->setPopupMode(QToolButton::InstantPopup);
    m_split->setMenu(new QMenu(m_split));
    m_split->setToolTip(tr("Draw a line per value of up to %1 attributes").arg(MaxSplitKeys));

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_tree);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_title, 1);
    controls->addWidget(m_split);
    controls->addWidget(m_timeRange);
    rightLayout->addLayout(controls);
    rightLayout->addWidget(m_about);
    rightLayout->addWidget(m_chart, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({300, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(m_search, &QLineEdit::textChanged, this, &MetricsPage::filterTree);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        m_splitKeys.clear();
        readChart();
    });
    connect(m_timeRange, &QComboBox::currentIndexChanged, this, &MetricsPage::readChart);
    connect(m_chart, &MetricChart::exemplarActivated, this, &MetricsPage::openSpan);
    connect(m_queries, &TraceQueryThread::failed, this,
            [this](const QString &message) { m_chart->clear(message); });
    m_chart->clear(tr("No metrics stored yet. Point an SDK's OTLP metric exporter at Spanscope's "
                      "receivers (the same endpoint as traces)."));
}

void MetricsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void MetricsPage::refreshSoon()
{
    m_listRefresh.soon();
}

void MetricsPage::refresh()
{
    m_listRefresh.now();
}

void MetricsPage::readInstruments()
{
    m_queries->request<storage::Result<std::vector<storage::Instrument>>>(
        this, [](storage::TraceStore &store) { return store.metrics().instruments({}); },
        [this](storage::Result<std::vector<storage::Instrument>> found) {
            if (found)
                showInstruments(std::move(*found));
            else
                m_chart->clear(QString::fromStdString(found.error()));
            readChart();
            m_listRefresh.finished();
        });
}

void MetricsPage::showInstruments(std::vector<storage::Instrument> instruments)
{
    const std::optional<storage::Instrument> current = selected();
    m_instruments = std::move(instruments);
    const QSignalBlocker blocker(m_tree);
    m_tree->clear();
    QTreeWidgetItem *service = nullptr;
    QTreeWidgetItem *keep = nullptr;
    for (const storage::Instrument &instrument : m_instruments) {
        const QString serviceName = QString::fromStdString(instrument.service);
        if (!service || service->text(0) != serviceName) {
            service = new QTreeWidgetItem(m_tree, {serviceName});
            service->setFlags(Qt::ItemIsEnabled);
            service->setExpanded(true);
            QFont font = service->font(0);
            font.setBold(true);
            service->setFont(0, font);
        }
        const QString name = QString::fromStdString(instrument.name);
        auto *item = new QTreeWidgetItem(
            service, {name, kindText(instrument), QString::number(instrument.seriesCount)});
        item->setData(0, IdRole, QVariant::fromValue<qlonglong>(instrument.id));
        QString tip = name;
        if (!instrument.description.empty())
            tip += QLatin1Char('\n') + QString::fromStdString(instrument.description);
        item->setToolTip(0, tip);
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        if (current && current->id == instrument.id)
            keep = item;
    }
    m_tree->setCurrentItem(keep);
    filterTree();
    if (!keep) {
        // The first instrument, so the tab never opens blank when there is something to show.
        for (int s = 0; s < m_tree->topLevelItemCount() && !keep; ++s) {
            if (m_tree->topLevelItem(s)->childCount() > 0)
                keep = m_tree->topLevelItem(s)->child(0);
        }
        m_tree->setCurrentItem(keep);
    }
}

void MetricsPage::filterTree()
{
    const QString part = m_search->text().trimmed();
    for (int s = 0; s < m_tree->topLevelItemCount(); ++s) {
        QTreeWidgetItem *service = m_tree->topLevelItem(s);
        const bool serviceMatches = service->text(0).contains(part, Qt::CaseInsensitive);
        int visible = 0;
        for (int i = 0; i < service->childCount(); ++i) {
            const bool show = part.isEmpty() || serviceMatches
                || service->child(i)->text(0).contains(part, Qt::CaseInsensitive);
            service->child(i)->setHidden(!show);
            visible += show ? 1 : 0;
        }
        service->setHidden(visible == 0);
    }
}

std::optional<storage::Instrument> MetricsPage::selected() const
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    if (!item || !item->data(0, IdRole).isValid())
        return std::nullopt;
    const qlonglong id = item->data(0, IdRole).toLongLong();
    for (const storage::Instrument &instrument : m_instruments) {
        if (instrument.id == id)
            return instrument;
    }
    return std::nullopt;
}

bool MetricsPage::selectInstrument(const QString &service, const QString &name)
{
    for (int s = 0; s < m_tree->topLevelItemCount(); ++s) {
        QTreeWidgetItem *group = m_tree->topLevelItem(s);
        if (group->text(0) != service)
            continue;
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->text(0) == name) {
                m_tree->setCurrentItem(group->child(i));
                return true;
            }
        }
    }
    return false;
}

void MetricsPage::setSplitKeys(const QStringList &keys)
{
    m_splitKeys = keys.mid(0, MaxSplitKeys);
    readChart();
}

void MetricsPage::readChart()
{
    if (m_chartGate.ask())
        readSelectedChart();
}

void MetricsPage::readSelectedChart()
{
    const std::optional<storage::Instrument> instrument = selected();
    if (!instrument) {
        m_title->clear();
        m_about->clear();
        if (!m_instruments.empty())
            m_chart->clear(tr("Choose an instrument on the left."));
        if (m_chartGate.done())
            readSelectedChart();
        return;
    }
    analysis::ChartOptions options;
    const std::uint64_t now = nowNs();
    const auto start = m_timeRange->startNs();
    options.toNs = std::max(now, instrument->lastNs);
    options.fromNs = start
        ? static_cast<std::uint64_t>(*start)
        : std::min<std::uint64_t>(instrument->firstNs, options.toNs - 60ull * 1000 * 1000 * 1000);
    options.columns = std::clamp(m_chart->width() / 4, 40, 400);
    for (const QString &key : m_splitKeys)
        options.splitKeys.push_back(key.toStdString());
    if (!options.splitKeys.empty())
        options.quantiles = {0.9};
    m_queries->request<ChartRead>(
        this,
        [instrument = *instrument, options](storage::TraceStore &store) {
            ChartRead read;
            read.id = instrument.id;
            read.instrument = instrument;
            const auto series = store.metrics().series(instrument.id, options.fromNs, options.toNs);
            if (!series) {
                read.error = QString::fromStdString(series.error());
                return read;
            }
            read.chart = analysis::chartOf(instrument, *series, options);
            std::set<std::string> keys;
            for (const storage::StoredSeries &s : series->series) {
                for (const storage::KeyValue &kv : s.attributes)
                    keys.insert(kv.key);
            }
            for (const std::string &key : keys)
                read.keys << QString::fromStdString(key);
            const auto exemplars = store.metrics().exemplars(instrument.id, options.fromNs,
                                                             options.toNs, MaxExemplars);
            if (exemplars) {
                for (const storage::StoredExemplar &e : *exemplars) {
                    if (storage::isValid(e.exemplar.traceId))
                        read.exemplars.push_back({e.exemplar.timeUnixNano, e.exemplar.value,
                                                  e.exemplar.traceId, e.exemplar.spanId});
                }
            }
            return read;
        },
        [this](ChartRead read) {
            showChart(std::move(read));
            if (m_chartGate.done())
                readSelectedChart();
        });
}

void MetricsPage::showChart(ChartRead read)
{
    const std::optional<storage::Instrument> current = selected();
    if (!current || current->id != read.id)
        return; // another one was chosen meanwhile; its read follows
    if (!read.error.isEmpty()) {
        m_chart->clear(read.error);
        return;
    }
    const storage::Instrument &instrument = read.instrument;
    m_title->setText(QString::fromStdString(instrument.name));
    m_title->setToolTip(m_title->text());
    QStringList about{QString::fromStdString(instrument.service), kindText(instrument)};
    if (!instrument.unit.empty())
        about << QString::fromStdString(instrument.unit);
    about << tr("%n series", nullptr, static_cast<int>(instrument.seriesCount))
          << tr("%1 points").arg(QLocale().toString(qlonglong(read.chart.points)))
          << measureText(read.chart);
    if (!read.exemplars.empty())
        about << tr("%n exemplars (◆, click to open the span)", nullptr,
                    static_cast<int>(read.exemplars.size()));
    QString text = about.join(QStringLiteral(" · "));
    if (!instrument.description.empty())
        text += QStringLiteral(" — ") + QString::fromStdString(instrument.description);
    if (read.chart.pointsSkipped > 0)
        text += QLatin1Char(' ')
            + tr("(%1 older points not read: choose a shorter time range)")
                  .arg(QLocale().toString(qlonglong(read.chart.pointsSkipped)));
    m_about->setText(text);

    m_knownKeys = read.keys;
    QMenu *menu = m_split->menu();
    menu->clear();
    for (const QString &key : m_knownKeys) {
        QAction *action = menu->addAction(key);
        action->setCheckable(true);
        action->setChecked(m_splitKeys.contains(key));
        action->setEnabled(action->isChecked() || m_splitKeys.size() < MaxSplitKeys);
        connect(action, &QAction::toggled, this, [this, key](bool on) {
            QStringList keys = m_splitKeys;
            if (on)
                keys << key;
            else
                keys.removeAll(key);
            setSplitKeys(keys);
        });
    }
    m_split->setEnabled(!m_knownKeys.isEmpty());
    m_split->setText(m_splitKeys.isEmpty()
                         ? tr("Split by")
                         : tr("Split by %1").arg(m_splitKeys.join(QStringLiteral(", "))));
    m_chart->setChart(std::move(read.chart), std::move(read.exemplars));
    emit shown();
}

} // namespace spanscope::ui
