#pragma once

#include <tracestore.h>

#include <QMainWindow>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QTableView;

namespace spanscope::ui {

class WaterfallView;

struct Endpoints
{
    QString grpc; // host:port
    QString http; // host:port
    QString database; // file path
};

// The first window: where the receivers listen, what has arrived, the settings to paste into a
// service, and the live trace list. The full trace browser replaces its centre later.
class StatusWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit StatusWindow(const Endpoints &endpoints, QWidget *parent = nullptr);
    ~StatusWindow() override;

    // The environment snippet shown and copied; exposed for tests.
    static QString environmentSnippet(const Endpoints &endpoints);

private:
    void showStatistics(const storage::StoreStatistics &statistics);

    Endpoints m_endpoints;
    QLabel *m_counts = nullptr;
    QPlainTextEdit *m_snippet = nullptr;
    QTableView *m_traces = nullptr;
    WaterfallView *m_waterfall = nullptr;
    std::shared_ptr<const storage::TraceData> m_trace; // the trace in the waterfall
};

} // namespace spanscope::ui
