// Renders PNGs of the main views from the demo data, with real receivers, a real database and
// the real window: the welcome page, the failing order with its exception, the large trace
// with the critical path, search, the dark theme and the keyboard help.
//
//   spanscope_screenshots OUTPUT_DIR      (QT_QPA_PLATFORM=offscreen works)

#include <QTableView>
#include <QTableWidget>
#include <bundletransfer.h>
#include <comparewindow.h>
#include <demotraffic.h>
#include <exportpreviewdialog.h>
#include <flamegraphview.h>
#include <ingestserver.h>
#include <insightsettingsdialog.h>
#include <insightspane.h>
#include <loglistmodel.h>
#include <logspane.h>
#include <mainwindow.h>
#include <metrics/metricchart.h>
#include <metrics/metricspage.h>
#include <runcomparewindow.h>
#include <samplingpanel.h>
#include <serverbackend.h>
#include <services/servicemapview.h>
#include <services/servicespage.h>
#include <services/tracemapview.h>
#include <settingsdialog.h>
#include <shortcutoverlay.h>
#include <spandetailsview.h>
#include <spantablemodel.h>
#include <traceinsightsview.h>
#include <tracelistmodel.h>
#include <tracelogsview.h>
#include <traceopener.h>
#include <tracespantable.h>
#include <tracestatisticsview.h>
#include <traceview.h>
#include <waterfallview.h>

#include <QApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QImage>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTreeWidget>

#include <functional>
#include <map>

using namespace spanscope;

namespace {

bool waitUntil(const std::function<bool()> &done, int timeoutMs = 20000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    // Let queued repaints and the last poll land.
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return true;
}

storage::TraceId traceId(const std::string &hex)
{
    storage::TraceId id{};
    storage::fromHex(hex, id);
    return id;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "spanscope_screenshots: " << message << '\n';
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // the user's settings stay untouched
    QSettings().clear(); // and the last run's (a saved sampling policy) do not carry over
    const QString output
        = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("screenshots");
    if (!QDir().mkpath(output))
        return fail(QStringLiteral("cannot create %1").arg(output));
    QTemporaryDir dir;
    ingest::IngestConfig config;
    config.databasePath = dir.filePath(QStringLiteral("demo.db")).toStdString();
    config.grpcAddress = "127.0.0.1:0";
    config.httpPort = 0;
    config.remoteSamplingHttp = "127.0.0.1:0";
    config.remoteSamplingGrpc = "127.0.0.1:0";
    auto server = ingest::IngestServer::start(config);
    if (!server)
        return fail(QString::fromStdString(server.error()));
    ingest::IngestServer *running = server->get();

    app::ServerBackend backend(*running);
    ui::MainWindow window(backend);
    window.resize(1400, 900);
    window.show();
    // Every image is told apart by its pixels: two the same mean a scene did not render (the
    // README once showed the welcome page as the failed order).
    std::map<QByteArray, QString> seen;
    QStringList duplicates;
    const auto keep = [&](const QImage &image, const char *name) {
        const QString path = QDir(output).filePath(QString::fromLatin1(name));
        image.save(path);
        const QByteArray digest = QCryptographicHash::hash(
            QByteArrayView(image.constBits(), image.sizeInBytes()), QCryptographicHash::Sha256);
        if (const auto [first, added] = seen.emplace(digest, path); !added)
            duplicates << path + QStringLiteral(" = ") + first->second;
        QTextStream(stdout) << path << '\n';
    };
    const auto save = [&](const char *name) {
        keep(window.grab().toImage(), name);
    };
    waitUntil([] { return false; }, 500);
    save("welcome.png");

    auto sent = ingest::sendDemoTraffic(running->grpcAddress());
    if (!sent)
        return fail(QString::fromStdString(sent.error()));
    if (!waitUntil([&] { return window.traceList()->rowCount() >= sent->traces; }))
        return fail(QStringLiteral("the demo traces did not appear in the list"));

    ui::TraceView *view = window.traceView();
    view->open(traceId(sent->failedTraceId));
    waitUntil([&] { return view->hasTrace(); });
    const auto &trace = view->waterfall()->trace();
    for (int i = 0; i < static_cast<int>(trace->spans.size()); ++i) {
        if (trace->spans[i].span.name == "process_payment")
            view->waterfall()->selectRow(view->waterfall()->layout()->rowOfSpan(i));
    }
    for (int row = 0; row < window.traceList()->rowCount(); ++row) {
        if (storage::toHex(window.traceList()->summary(row).traceId) == sent->failedTraceId)
            window.traceTable()->selectRow(row);
    }
    // The payment's error record, picked under the waterfall.
    const auto &markers = view->waterfall()->logMarkers();
    for (const ui::LogMarker &marker : markers) {
        if (marker.severity >= 17) { // as a click on the marker does
            view->waterfall()->selectRow(marker.row);
            emit view->waterfall()->logMarkerClicked(marker.log);
        }
    }
    waitUntil([] { return false; }, 300);
    save("failed-order.png");

    ui::LogsPane *logs = window.logsPane();
    window.tabs()->setCurrentWidget(logs);
    waitUntil([&] { return logs->model()->rowCount() >= static_cast<int>(sent->logRecords); });
    for (int row = 0; row < logs->model()->rowCount(); ++row) {
        if (logs->model()->row(row).record.severityNumber >= 17)
            logs->table()->selectRow(row);
    }
    waitUntil([] { return false; }, 300);
    save("logs.png");
    ui::InsightsPane *insights = window.insightsPane();
    window.tabs()->setCurrentWidget(insights);
    waitUntil([&] { return insights->table()->rowCount() > 0; });
    insights->table()->selectRow(0);
    waitUntil([] { return false; }, 300);
    save("insights-across.png");

    // The checkout's request durations: percentiles, buckets and exemplars; then the slowest
    // request's exemplar opened in the trace view.
    ui::MetricsPage *metrics = window.metricsPage();
    window.tabs()->setCurrentWidget(metrics);
    const auto durations = [&] {
        return metrics->chart()->chart().unit == "s" && metrics->chart()->exemplarPosition(0);
    };
    waitUntil([&] {
        return metrics->selectInstrument(QStringLiteral("checkout"),
                                         QStringLiteral("http.server.request.duration"));
    });
    if (!waitUntil(durations))
        return fail(QStringLiteral("the metrics chart did not show the demo's exemplars"));
    save("metrics.png");
    // A click on the newest exemplar's diamond, as a user makes it.
    const QPointF diamond = *metrics->chart()->exemplarPosition(0);
    QMouseEvent click(QEvent::MouseButtonPress, diamond, metrics->chart()->mapToGlobal(diamond),
                      Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(metrics->chart(), &click);
    waitUntil([&] { return view->hasTrace() && view->waterfall()->selectedRow() >= 0; });
    waitUntil([] { return false; }, 300);
    save("metrics-exemplar.png");

    // The services from the demo's spans, and their map.
    ui::ServicesPage *services = window.servicesPage();
    window.tabs()->setCurrentWidget(services);
    if (!waitUntil([&] { return services->map()->layout().nodes.size() >= 8; }))
        return fail(QStringLiteral("the service map did not show the demo's services"));
    services->table()->setCurrentItem(services->table()->topLevelItem(0));
    waitUntil([] { return false; }, 300);
    save("services.png");
    window.tabs()->setCurrentIndex(0);

    // The failed order's own map, in the trace view.
    view->open(traceId(sent->failedTraceId));
    view->views()->setCurrentWidget(view->traceMap());
    if (!waitUntil([&] { return view->traceMap()->map()->layout().nodes.size() == 6; }))
        return fail(QStringLiteral("the failed order's map did not show its services"));
    save("trace-map.png");
    view->views()->setCurrentIndex(0);

    // The order history page: its N+1 and sequential calls in the Insights tab, and the N+1's
    // spans shown in the waterfall.
    view->open(traceId(sent->historyTraceId));
    waitUntil([&] {
        return view->hasTrace()
            && storage::toHex(view->waterfall()->trace()->summary.traceId) == sent->historyTraceId;
    });
    waitUntil([&] { return view->insights()->table()->rowCount() > 0; });
    view->views()->setCurrentWidget(view->insights());
    view->insights()->table()->selectRow(0);
    waitUntil([] { return false; }, 300);
    save("insights.png");
    const std::vector<analysis::Insight> historyInsights = view->insights()->analysis()->insights;
    view->views()->setCurrentWidget(view->statistics());
    waitUntil([] { return false; }, 300);
    save("statistics.png");
    view->views()->setCurrentWidget(view->spanTable());
    view->spanTable()->table()->sortByColumn(ui::SpanTableModel::SelfColumn, Qt::DescendingOrder);
    waitUntil([] { return false; }, 300);
    save("spans.png");
    view->views()->setCurrentWidget(view->waterfall());
    // The N+1 folded into one flagged row, selected.
    for (const int row : view->waterfall()->visibleRows()) {
        if (view->waterfall()->foldedRunAt(row) >= 0)
            view->waterfall()->selectRow(row);
    }
    waitUntil([] { return false; }, 300);
    save("folded-n-plus-one.png");
    // The failed checkout across its four services as a flame graph.
    view->open(traceId(sent->failedTraceId));
    view->views()->setCurrentWidget(view->flameGraph());
    waitUntil([&] {
        return view->flameGraph()->graph() != nullptr
            && storage::toHex(view->waterfall()->trace()->summary.traceId) == sent->failedTraceId;
    });
    waitUntil([] { return false; }, 300);
    save("flame-graph.png");
    view->views()->setCurrentWidget(view->waterfall());

    view->open(traceId(sent->largeTraceId));
    waitUntil([&] { return view->hasTrace() && view->waterfall()->trace()->spans.size() > 1000; });
    view->setCriticalPathShown(true);
    view->findField()->setText(QStringLiteral("batch 7"));
    waitUntil([&] { return !view->waterfall()->matches().empty(); });
    view->findNext();
    waitUntil([] { return false; }, 300);
    save("large-trace.png");

    // Zoomed in on one batch of the 20 000-span trace: + keeps the selection in sight, the
    // spans before and after are arrows at the edges.
    view->setCriticalPathShown(false);
    view->findField()->clear();
    const auto &large = view->waterfall()->trace();
    for (int i = 0; i < static_cast<int>(large->spans.size()); ++i) {
        if (large->spans[i].span.name == "index batch 600")
            view->waterfall()->selectRow(view->waterfall()->layout()->rowOfSpan(i));
    }
    for (int i = 0; i < 7; ++i)
        view->waterfall()->zoomKeepingSelection(2);
    waitUntil([] { return false; }, 300);
    save("zoomed.png");

    // Dark, with the failing span selected: its exception block and links in the dark palette.
    window.setTheme(ui::Theme::Dark);
    view->open(traceId(sent->failedTraceId));
    waitUntil([&] { return view->waterfall()->trace()->spans.size() < 1000; });
    const auto &failed = view->waterfall()->trace();
    for (int i = 0; i < static_cast<int>(failed->spans.size()); ++i) {
        if (failed->spans[i].span.name == "PaymentService/Charge")
            view->waterfall()->selectRow(view->waterfall()->layout()->rowOfSpan(i));
    }
    waitUntil([] { return false; }, 300);
    save("dark.png");
    window.tabs()->setCurrentWidget(window.servicesPage());
    waitUntil([] { return false; }, 500);
    save("services-dark.png");
    window.tabs()->setCurrentIndex(0);
    window.setTheme(ui::Theme::Light);

    // The sampling panel with a policy that drops health checks, after the demo's traffic.
    auto policy = ingest::SamplingPolicy::fromJson(
        R"({"ratio": 0.5, "keepErrors": true,
            "dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz"}],
            "remote": {"defaultProbability": 1, "services": {"web-frontend": {"probability": 0.25}}}})");
    ui::SamplingPanel *panel = window.showSamplingPanel();
    panel->jsonEditor()->setPlainText(QString::fromStdString(policy->toJson()));
    panel->apply();
    ingest::sendDemoTraffic(running->grpcAddress(), {}, 200);
    waitUntil([] { return false; }, 1500);
    keep(panel->grab().toImage(), "sampling.png");
    panel->close();

    ui::SettingsDialog *settings = window.showSettings();
    waitUntil([] { return false; }, 300);
    keep(settings->grab().toImage(), "settings.png");
    settings->reject();

    // Export for a bug report: the failed order and the e-mail worker's trace, with what will
    // be masked listed before any file is chosen.
    std::vector<storage::TraceId> exported{traceId(sent->failedTraceId)};
    for (int row = 0; row < window.traceList()->rowCount(); ++row) {
        if (window.traceList()->summary(row).rootService == "notifications")
            exported.push_back(window.traceList()->summary(row).traceId);
    }
    window.bundles()->exportTraces(exported);
    auto *preview = window.findChild<ui::ExportPreviewDialog *>();
    if (!preview || !waitUntil([&] { return !preview->isBusy(); }))
        return fail(QStringLiteral("the export preview did not finish"));
    preview->noteField()->setPlainText(
        QStringLiteral("Checkout fails at payment for order 1045; see the PaymentService span."));
    waitUntil([] { return false; }, 300);
    keep(preview->grab().toImage(), "export-preview.png");
    preview->reject();

    // The failed checkout against the checkout before it.
    ui::CompareWindow *comparing = nullptr;
    for (int row = 0; row < window.traceList()->rowCount(); ++row) {
        if (storage::toHex(window.traceList()->summary(row).traceId) == sent->failedTraceId)
            window.traceTable()->selectRow(row);
    }
    comparing = window.compareSelectedTraces();
    if (!comparing || !waitUntil([&] { return comparing->comparison() != nullptr; }))
        return fail(QStringLiteral("the comparison did not arrive"));
    const auto charge = comparing->tree()->findItems(
        QStringLiteral("payments: PaymentService/Charge"), Qt::MatchExactly | Qt::MatchRecursive);
    if (!charge.isEmpty())
        comparing->tree()->setCurrentItem(charge.front());
    waitUntil([] { return false; }, 300);
    keep(comparing->grab().toImage(), "compare.png");
    comparing->close();

    // The demo as two runs, split at the median start.
    {
        std::vector<std::int64_t> starts;
        for (int row = 0; row < window.traceList()->rowCount(); ++row)
            starts.push_back(window.traceList()->summary(row).startNs);
        std::sort(starts.begin(), starts.end());
        const QString at
            = QDateTime::fromMSecsSinceEpoch(starts[starts.size() / 2] / 1'000'000, Qt::UTC)
                  .toString(Qt::ISODateWithMs);
        ui::RunCompareWindow *runs = window.showRunComparison();
        runs->resize(1200, 420);
        bool done = false;
        QObject::connect(runs, &ui::RunCompareWindow::compared, [&done] { done = true; });
        runs->baseline()->setText(QStringLiteral("until=") + at);
        runs->candidate()->setText(QStringLiteral("since=") + at);
        runs->compare();
        if (!waitUntil([&] { return done; }))
            return fail(QStringLiteral("the runs were not compared"));
        waitUntil([] { return false; }, 300);
        keep(runs->grab().toImage(), "compare-runs.png");
        runs->close();
    }

    // Insight Settings with one problem ignored (its own preferences: the window's stay).
    ui::InsightPreferences tuned;
    tuned.thresholds.slowQueryNs = 250'000'000;
    tuned.ignore(historyInsights.front());
    ui::InsightSettingsDialog tuning(tuned, &window);
    tuning.show();
    waitUntil([] { return false; }, 300);
    keep(tuning.grab().toImage(), "insight-settings.png");
    tuning.reject();

    window.shortcutOverlay()->showOver();
    waitUntil([] { return false; }, 300);
    save("shortcuts.png");
    window.close();
    running->stop();
    if (!duplicates.isEmpty())
        return fail(QStringLiteral("screenshots that are the same image: ")
                    + duplicates.join(QStringLiteral("; ")));
    return 0;
}
