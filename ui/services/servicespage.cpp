#include "servicespage.h"

#include "servicemapview.h"
#include "sparklinedelegate.h"
#include "timerangecombo.h"
#include "tracequerythread.h"

#include <tracetext.h>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QScrollArea>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <set>

namespace spanscope::ui {

namespace {

constexpr int ServiceRole = Qt::UserRole + 1;
constexpr int OperationRole = Qt::UserRole + 2;
constexpr int KindRole = Qt::UserRole + 3;
// The map draws the busiest calls; beyond, it would not be readable anyway.
constexpr std::size_t MaxMapEdges = 120;

QString duration(std::int64_t ns)
{
    return QString::fromStdString(storage::formatDuration(ns));
}

// Opens the row under a click on a sparkline, and a row on Enter.
class ServicesTable : public QTreeWidget
{
public:
    ServicesTable(ServicesPage *page, QWidget *parent)
        : QTreeWidget(parent)
        , m_page(page)
    {}

protected:
    void mousePressEvent(QMouseEvent *event) override
    {
        QTreeWidget::mousePressEvent(event);
        const QModelIndex index = indexAt(event->position().toPoint());
        if (!index.isValid()
            || (index.column() != ServicesPage::RequestsOverTimeColumn
                && index.column() != ServicesPage::P95OverTimeColumn))
            return;
        const QRect cell = visualRect(index);
        const int buckets
            = static_cast<int>(index.data(SparklineDelegate::SparklineRole).toList().size());
        const int bucket = SparklineDelegate::bucketAt(event->position().x() - cell.left(),
                                                       cell.width(), buckets);
        if (bucket >= 0)
            m_page->openBucket(itemFromIndex(index), bucket);
    }

private:
    ServicesPage *m_page;
};

} // namespace

ServicesPage::ServicesPage(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_timeRange(new TimeRangeCombo(this))
    , m_summary(new QLabel(this))
    , m_table(new ServicesTable(this, this))
    , m_map(new ServiceMapView(this))
    , m_refresh(this, SettleMs, [this] { read(); })
{
    m_table->setHeaderLabels({tr("Service / operation"), tr("Requests"), tr("Rate"), tr("Errors"),
                              tr("p50"), tr("p95"), tr("p99"), tr("Requests over time"),
                              tr("p95 over time")});
    m_table->setRootIsDecorated(true);
    m_table->setUniformRowHeights(true);
    m_table->setAllColumnsShowFocus(true);
    m_table->setAccessibleName(tr("Services"));
    auto *sparklines = new SparklineDelegate(m_table);
    m_table->setItemDelegateForColumn(RequestsOverTimeColumn, sparklines);
    m_table->setItemDelegateForColumn(P95OverTimeColumn, sparklines);
    QHeaderView *header = m_table->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int c = RequestsColumn; c <= P99Column; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RequestsOverTimeColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(P95OverTimeColumn, QHeaderView::Fixed);
    header->resizeSection(RequestsOverTimeColumn, 130);
    header->resizeSection(P95OverTimeColumn, 130);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setWordWrap(true);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_map);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_timeRange);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_timeRange, &QComboBox::currentIndexChanged, this, &ServicesPage::refresh);
    connect(m_table, &QTreeWidget::itemActivated, this, &ServicesPage::activate);
    connect(m_map, &ServiceMapView::nodeActivated, this,
            [this](const QString &name, storage::NodeKind kind) {
                if (kind == storage::NodeKind::Service)
                    emit showTraces(name, {});
                else
                    emit message(tr("%1 sends no spans of its own; its calls are listed under the "
                                    "services that make them.")
                                     .arg(name));
            });
    connect(m_queries, &TraceQueryThread::failed, this, &ServicesPage::message);
}

void ServicesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void ServicesPage::refreshSoon()
{
    m_refresh.soon();
}

void ServicesPage::refresh()
{
    m_refresh.now();
}

void ServicesPage::read()
{
    storage::ServiceFilter filter;
    filter.buckets = Buckets;
    const auto start = m_timeRange->startNs();
    filter.fromNs = start ? static_cast<std::uint64_t>(*start) : 0;
    if (start)
        filter.toNs = static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch()) * 1'000'000;
    m_queries->request<storage::Result<storage::ServiceOverview>>(
        this,
        [filter](storage::TraceStore &store) { return store.serviceReader().overview(filter); },
        [this](storage::Result<storage::ServiceOverview> overview) {
            if (overview)
                display(std::move(*overview));
            else
                emit message(QString::fromStdString(overview.error()));
            m_refresh.finished();
        });
}

void ServicesPage::display(storage::ServiceOverview overview)
{
    m_fromNs = overview.fromNs;
    m_toNs = overview.toNs;
    // What was open and chosen stays so while the rows are refilled.
    QSet<QString> collapsed;
    QString current;
    for (int i = 0; i < m_table->topLevelItemCount(); ++i) {
        if (!m_table->topLevelItem(i)->isExpanded())
            collapsed.insert(m_table->topLevelItem(i)->text(NameColumn));
    }
    if (const QTreeWidgetItem *item = m_table->currentItem())
        current = item->data(NameColumn, ServiceRole).toString() + QLatin1Char('\x1f')
            + item->data(NameColumn, OperationRole).toString();
    m_table->clear();
    std::set<std::string> services;
    QTreeWidgetItem *parent = nullptr;
    QTreeWidgetItem *keep = nullptr;
    for (const storage::RedRow &row : overview.services) {
        const bool operation = !row.operation.empty();
        QTreeWidgetItem *item
            = operation && parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_table);
        const QString service = QString::fromStdString(row.service);
        QString name = operation ? QString::fromStdString(row.operation) : service;
        if (!operation && row.kind != storage::NodeKind::Service)
            name += QStringLiteral("  (%1)").arg(QString::fromLatin1(storage::toString(row.kind)));
        item->setText(NameColumn, name);
        item->setToolTip(NameColumn, name);
        item->setData(NameColumn, ServiceRole, service);
        item->setData(NameColumn, OperationRole, QString::fromStdString(row.operation));
        item->setData(NameColumn, KindRole, static_cast<int>(row.kind));
        item->setText(RequestsColumn, QLocale().toString(qulonglong(row.count)));
        item->setText(RateColumn,
                      row.ratePerSecond >= 1 ? tr("%1/s").arg(row.ratePerSecond, 0, 'f', 1)
                                             : tr("%1/min").arg(row.ratePerSecond * 60, 0, 'f', 1));
        item->setText(ErrorsColumn,
                      row.errors == 0
                          ? QStringLiteral("0")
                          : QStringLiteral("%1%").arg(row.errorRate() * 100, 0, 'f', 1));
        if (row.errors > 0)
            item->setForeground(ErrorsColumn,
                                palette().color(QPalette::Base).lightness() < 128
                                    ? QColor(0xff, 0x7b, 0x72)
                                    : QColor(0xc6, 0x28, 0x28));
        item->setText(P50Column, duration(row.p50Ns));
        item->setText(P95Column, duration(row.p95Ns));
        item->setText(P99Column, duration(row.p99Ns));
        for (int c = RequestsColumn; c <= P99Column; ++c)
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        QVariantList counts, p95s;
        for (const std::uint64_t n : row.countPerBucket)
            counts << QVariant::fromValue<double>(static_cast<double>(n));
        for (const std::int64_t ns : row.p95PerBucket)
            p95s << QVariant::fromValue<double>(static_cast<double>(ns));
        item->setData(RequestsOverTimeColumn, SparklineDelegate::SparklineRole, counts);
        item->setData(P95OverTimeColumn, SparklineDelegate::SparklineRole, p95s);
        item->setToolTip(
            RequestsOverTimeColumn,
            tr("Requests per %1 (click a bar for the slowest "
               "trace of that moment)")
                .arg(duration(static_cast<std::int64_t>((m_toNs - m_fromNs) / Buckets))));
        item->setToolTip(P95OverTimeColumn, item->toolTip(RequestsOverTimeColumn));
        if (!operation) {
            parent = item;
            item->setExpanded(!collapsed.contains(name));
            if (row.kind == storage::NodeKind::Service)
                services.insert(row.service);
        }
        if (service + QLatin1Char('\x1f') + QString::fromStdString(row.operation) == current)
            keep = item;
    }
    if (keep)
        m_table->setCurrentItem(keep);
    std::vector<storage::ServiceEdge> edges = overview.edges;
    if (edges.size() > MaxMapEdges)
        edges.resize(MaxMapEdges);
    m_map->setMap(std::move(edges), {services.begin(), services.end()});
    m_summary->setText(
        overview.services.empty()
            ? tr("No server, consumer or client spans in this time range.")
            : tr("%1 services and %2 calls between them, from %3 spans between %4 and %5. Enter or "
                 "a double-click lists a row's traces.")
                  .arg(services.size())
                  .arg(overview.edges.size())
                  .arg(QLocale().toString(qulonglong(overview.spansRead)))
                  .arg(QDateTime::fromMSecsSinceEpoch(qint64(m_fromNs / 1'000'000))
                           .toString(QStringLiteral("HH:mm:ss")),
                       QDateTime::fromMSecsSinceEpoch(qint64(m_toNs / 1'000'000))
                           .toString(QStringLiteral("HH:mm:ss"))));
    emit shown();
}

void ServicesPage::activate(QTreeWidgetItem *item)
{
    if (!item)
        return;
    const auto kind = static_cast<storage::NodeKind>(item->data(NameColumn, KindRole).toInt());
    const QString service = item->data(NameColumn, ServiceRole).toString();
    const QString operation = item->data(NameColumn, OperationRole).toString();
    if (kind == storage::NodeKind::Service)
        emit showTraces(service, operation);
    else
        emit showTraces({}, operation);
}

void ServicesPage::openBucket(QTreeWidgetItem *item, int bucket)
{
    const auto kind = static_cast<storage::NodeKind>(item->data(NameColumn, KindRole).toInt());
    storage::TraceFilter filter;
    if (kind == storage::NodeKind::Service)
        filter.service = item->data(NameColumn, ServiceRole).toString().toStdString();
    filter.spanName = item->data(NameColumn, OperationRole).toString().toStdString();
    const double each = static_cast<double>(m_toNs - m_fromNs) / Buckets;
    // Bars count spans by their start; their traces started a little earlier, so the traces
    // searched may start up to a bar before it.
    filter.startFromNs = static_cast<std::int64_t>(m_fromNs + each * (bucket - 1));
    filter.startToNs = static_cast<std::int64_t>(m_fromNs + each * (bucket + 1));
    filter.order = storage::TraceOrder::Duration;
    filter.limit = 1;
    m_queries->request<storage::Result<std::vector<storage::TraceSummary>>>(
        this, [filter](storage::TraceStore &store) { return store.findTraces(filter); },
        [this](storage::Result<std::vector<storage::TraceSummary>> found) {
            if (found && !found->empty())
                emit openTrace(found->front().traceId);
            else
                emit message(found ? tr("No trace started in that moment.")
                                   : QString::fromStdString(found.error()));
        });
}

} // namespace spanscope::ui
