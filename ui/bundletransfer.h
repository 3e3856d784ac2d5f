#pragma once

#include <files/bundle.h>
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

    // Shows what will be masked (the user may un-mask, mask more and add a note), then asks
    // where to write unless `path` is given, then writes. Without `askFirst`, writes `path` at
    // once with the default redaction.
    void exportTraces(const std::vector<storage::TraceId> &traces, QString path = {},
                      bool askFirst = true);
    void importFiles(const QStringList &paths);
    bool isBusy() const { return m_busy > 0; }

signals:
    void message(const QString &text, int timeoutMs);
    void finished(bool ok); // an export or an import is over

private:
    void writeBundle(const std::vector<storage::TraceId> &traces, const QString &path,
                     ingest::BundleOptions options);
    // Says what failed in a window-modal box that returns at once (the status bar says it too).
    void showProblem(const QString &title, const QString &text);

    Backend &m_backend;
    QWidget *m_window;
    TraceQueryThread *m_queries;
    int m_busy = 0;
    quint64 m_previewGeneration = 0; // the preview of the rules as they are now
};

} // namespace spanscope::ui
