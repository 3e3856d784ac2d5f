#include "statuswindow.h"

#include "spandetailsview.h"
#include "statisticspoller.h"
#include "tracelistmodel.h"
#include "traceopener.h"
#include "waterfallview.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace spanscope::ui {

StatusWindow::StatusWindow(const Endpoints &endpoints, QWidget *parent)
    : QMainWindow(parent)
    , m_endpoints(endpoints)
{
    setWindowTitle(QStringLiteral("Spanscope"));
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *heading = new QLabel(tr("<h2>Spanscope is receiving OpenTelemetry</h2>"), central);
    layout->addWidget(heading);

    // Where to send telemetry on the left, the settings to paste on the right: the height below
    // belongs to the traces.
    auto *top = new QHBoxLayout;
    auto *form = new QFormLayout;
    const auto selectable = [central](const QString &text) {
        auto *label = new QLabel(text, central);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };
    form->addRow(tr("OTLP/gRPC:"), selectable(QStringLiteral("http://") + endpoints.grpc));
    form->addRow(tr("OTLP/HTTP:"), selectable(QStringLiteral("http://") + endpoints.http));
    form->addRow(tr("Database:"), selectable(endpoints.database));
    m_counts = selectable(tr("Waiting for the first statistics…"));
    m_counts->setWordWrap(true);
    form->addRow(tr("Stored:"), m_counts);
    auto *copy = new QPushButton(tr("&Copy settings"), central);
    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_snippet->toPlainText());
        statusBar()->showMessage(tr("Settings copied to the clipboard."), 3000);
    });
    form->addRow(QString(), copy);
    top->addLayout(form, 2);

    auto *settings = new QVBoxLayout;
    settings->addWidget(
        new QLabel(tr("Point a service at Spanscope with these settings:"), central));
    m_snippet = new QPlainTextEdit(environmentSnippet(endpoints), central);
    m_snippet->setReadOnly(true);
    m_snippet->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_snippet->setFixedHeight(QFontMetrics(m_snippet->font()).lineSpacing() * 12);
    settings->addWidget(m_snippet);
    top->addLayout(settings, 3);
    layout->addLayout(top);

    layout->addWidget(
        new QLabel(tr("Traces, newest first (live); double-click or Enter opens one:"), central));
    auto *split = new QSplitter(Qt::Vertical, central);
    m_traces = new QTableView(split);
    auto *model = new TraceListModel(endpoints.database, 200, m_traces);
    m_traces->setModel(model);
    m_traces->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_traces->setSelectionMode(QAbstractItemView::SingleSelection);
    m_traces->setAlternatingRowColors(true);
    m_traces->setWordWrap(false);
    m_traces->verticalHeader()->hide();
    m_traces->verticalHeader()->setDefaultSectionSize(m_traces->fontMetrics().height() + 6);
    m_traces->horizontalHeader()->setStretchLastSection(true);
    m_traces->horizontalHeader()->setSectionResizeMode(TraceListModel::OperationColumn,
                                                       QHeaderView::Stretch);
    auto *traceSplit = new QSplitter(Qt::Horizontal, split);
    m_waterfall = new WaterfallView(traceSplit);
    auto *details = new SpanDetailsView(traceSplit);
    traceSplit->setStretchFactor(0, 3);
    traceSplit->setStretchFactor(1, 2);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    auto *opener = new TraceOpener(endpoints.database, this);
    const auto openRow = [this, model, opener](const QModelIndex &index) {
        if (index.isValid())
            opener->open(model->summary(index.row()).traceId);
    };
    connect(m_traces, &QAbstractItemView::activated, this, openRow);
    connect(opener, &TraceOpener::opened, this,
            [this, details](std::shared_ptr<const storage::TraceData> trace,
                            std::shared_ptr<const WaterfallLayout> layout) {
                m_trace = trace;
                m_waterfall->setTrace(std::move(trace), std::move(layout));
                details->clearSpan();
            });
    connect(m_waterfall, &WaterfallView::spanSelected, details,
            [this, details](int span) { details->showSpan(m_trace, span); });
    connect(opener, &TraceOpener::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 5000); });
    setCentralWidget(central);
    resize(1100, 860);

    auto *poller = new StatisticsPoller(endpoints.database, 1000, this);
    connect(poller, &StatisticsPoller::statisticsReady, this, &StatusWindow::showStatistics);
    connect(poller, &StatisticsPoller::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message); });
}

StatusWindow::~StatusWindow() = default;

QString StatusWindow::environmentSnippet(const Endpoints &endpoints)
{
    return QStringLiteral("# Python, Java, .NET (gRPC)\n"
                          "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%1\n"
                          "export OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n\n"
                          "# Node.js, Go (HTTP/protobuf)\n"
                          "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%2\n"
                          "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n\n"
                          "# every SDK\n"
                          "export OTEL_SERVICE_NAME=my-service\n")
        .arg(endpoints.grpc, endpoints.http);
}

void StatusWindow::showStatistics(const storage::StoreStatistics &statistics)
{
    const QLocale locale;
    const auto counter = [&](const char *name) -> qint64 {
        auto it = statistics.counters.find(name);
        return it == statistics.counters.end() ? 0 : static_cast<qint64>(it->second);
    };
    m_counts->setText(tr("%1 traces, %2 spans, %3 log records · %4 on disk · rejected requests: %5")
                          .arg(locale.toString(statistics.traces),
                               locale.toString(statistics.spans), locale.toString(statistics.logs),
                               locale.formattedDataSize(statistics.fileBytes))
                          .arg(counter("traces.bad_requests") + counter("logs.bad_requests")
                               + counter("metrics.bad_requests")));
}

} // namespace spanscope::ui
