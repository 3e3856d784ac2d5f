#pragma once

#include <telemetry.h>

#include <QObject>
#include <QStringList>

#include <vector>

class QWidget;

namespace spanscope::ui {

class Backend;

class TraceQueryThread;

// Bundles from the window: exporting traces to a `.spanscope` file (with a preview of what the
// redaction will mask, asked before anything is written) and importing bundles and OTLP-JSON
// files into the store, in the background.
class BundleTransfer : public QObject
{
    Q_OBJECT
public:
    BundleTransfer(Backend &backend, QWidget *window);

    // Asks where to write (unless `path` is given) and what to mask, then writes.
    void exportTraces(const std::vector<storage::TraceId> &traces, QString path = {},
                      bool askFirst = true);
    void importFiles(const QStringList &paths);
    bool isBusy() const { return m_busy > 0; }

signals:
    void message(const QString &text, int timeoutMs);
    void finished(bool ok); // an export or an import is over

private:
    void writeBundle(const std::vector<storage::TraceId> &traces, const QString &path, bool redact);
    // Says what failed in a window-modal box that returns at once (the status bar says it too).
    void showProblem(const QString &title, const QString &text);

    Backend &m_backend;
    QWidget *m_window;
    TraceQueryThread *m_queries;
    int m_busy = 0;
};

} // namespace spanscope::ui
