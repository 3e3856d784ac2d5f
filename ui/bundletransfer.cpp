#include "bundletransfer.h"

#include "counted.h"
#include "exportpreviewdialog.h"
#include "tracequerythread.h"

#include "backend.h"
#include <files/bundle.h>

#include <spansource.h>

#include <QFileDialog>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>

namespace spanscope::ui {

namespace {

// Progress of work on another thread: the dialog shows only when the work takes a while, and its
// Cancel sets a flag the work checks between traces or files.
struct Progress
{
    QPointer<QProgressDialog> dialog;
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);

    Progress(QWidget *window, const QString &label, int total)
        : dialog(new QProgressDialog(label, QObject::tr("Cancel"), 0, total, window))
    {
        dialog->setObjectName(QStringLiteral("transferProgress"));
        dialog->setWindowTitle(QStringLiteral("Spanscope"));
        dialog->setWindowModality(Qt::WindowModal);
        dialog->setMinimumDuration(500);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        QObject::connect(dialog, &QProgressDialog::canceled, dialog,
                         [flag = cancelled] { *flag = true; });
        dialog->setValue(0);
    }
    // From the worker thread: false once the user cancelled.
    bool report(std::size_t done) const
    {
        QMetaObject::invokeMethod(
            dialog.data(),
            [target = dialog, done] {
                if (target)
                    target->setValue(int(done));
            },
            Qt::QueuedConnection);
        return !*cancelled;
    }
    // Gone at once, before any message is shown: a deferred delete would wait for the event
    // loop while a message box runs its own, and the dialog's show timer would put it, modal,
    // over the message.
    void finish() const { delete dialog.data(); }
};

// What the rules would mask in the traces and their log records, counted on copies of the data:
// each masked value (the first MaxFindings) and how many there are in all.
struct RedactionPreview
{
    std::vector<ingest::Redactor::Finding> findings;
    int total = 0;
};
using Preview = storage::Result<RedactionPreview>;

Preview previewRedaction(storage::TraceStore &store, const std::vector<storage::TraceId> &traces,
                         const ingest::RedactionRules &rules)
{
    auto redactor = ingest::Redactor::create(rules);
    if (!redactor)
        return storage::Error{redactor.error()};
    (*redactor)->recordFindings();
    for (const storage::TraceId &id : traces) {
        auto trace = store.openTrace(id); // span by span: a trace may be huge
        if (!trace || !*trace)
            return storage::Error{"The trace " + storage::toHex(id) + " is not stored."};
        storage::SpanSource &source = **trace;
        storage::TraceData header = source.header();
        (*redactor)->setPlace("resource or scope");
        (*redactor)->redact(header.resources, header.scopes);
        for (std::size_t i = 0; i < source.places().size(); ++i) {
            const storage::StoredSpan *read = source.span(i);
            if (!read)
                return storage::Error{source.error()};
            storage::Span span = read->span;
            (*redactor)->setPlace(span.name);
            (*redactor)->redact(span);
        }
        storage::LogFilter logs;
        logs.traceId = id;
        logs.limit = 100'000;
        (*redactor)->setPlace("log record");
        if (auto page = store.findLogs(logs))
            (*redactor)->redact(*page);
    }
    RedactionPreview preview{(*redactor)->findings(), 0};
    for (const auto &[pattern, count] : (*redactor)->counts())
        preview.total += count;
    return preview;
}

} // namespace

BundleTransfer::BundleTransfer(Backend &backend, QWidget *window)
    : QObject(window)
    , m_backend(backend)
    , m_window(window)
    , m_queries(new TraceQueryThread(backend.addresses().database, this))
{
    connect(m_queries, &TraceQueryThread::failed, this,
            [this](const QString &text) { emit message(text, 8000); });
}

void BundleTransfer::exportTraces(const std::vector<storage::TraceId> &traces, QString path,
                                  bool askFirst)
{
    if (traces.empty()) {
        emit message(tr("Open or select a trace to export."), 4000);
        return;
    }
    if (!askFirst)
        return writeBundle(traces, path, {});
    // The preview comes first: what will be masked, value by value, before a file is chosen.
    auto *dialog = new ExportPreviewDialog(static_cast<int>(traces.size()), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const auto preview = [this, dialog, traces] {
        dialog->showBusy();
        const quint64 generation = ++m_previewGeneration;
        QPointer<ExportPreviewDialog> shown(dialog);
        m_queries->request<Preview>(
            this,
            [traces, rules = dialog->rules()](storage::TraceStore &store) {
                return previewRedaction(store, traces, rules);
            },
            [this, shown, generation](Preview preview) {
                if (!shown || generation != m_previewGeneration)
                    return; // closed, or the rules changed since
                if (!preview)
                    return shown->showProblem(QString::fromStdString(preview.error()));
                shown->showFindings(preview->findings, preview->total);
            });
    };
    connect(dialog, &ExportPreviewDialog::rulesChanged, dialog, preview);
    connect(dialog, &QDialog::accepted, this, [this, dialog, traces, path] {
        ingest::BundleOptions options;
        options.note = dialog->note().toStdString();
        if (dialog->unredacted())
            options.redaction.reset();
        else
            options.redaction = dialog->rules();
        QString target = path;
        if (target.isEmpty())
            target = QFileDialog::getSaveFileName(
                m_window, tr("Export for a Bug Report"),
                traces.size() == 1
                    ? QStringLiteral("trace-%1.spanscope")
                          .arg(QString::fromStdString(storage::toHex(traces.front()).substr(0, 8)))
                    : QStringLiteral("%1-traces.spanscope").arg(traces.size()),
                tr("Spanscope bundles (*.spanscope)"));
        if (!target.isEmpty())
            writeBundle(traces, target, std::move(options));
    });
    dialog->open();
    preview();
}

void BundleTransfer::writeBundle(const std::vector<storage::TraceId> &traces, const QString &path,
                                 ingest::BundleOptions options)
{
    ++m_busy;
    emit message(tr("Writing %1…").arg(path), 0);
    const Progress progress(
        m_window,
        tr("Exporting %1…").arg(counted(qint64(traces.size()), tr("trace"), tr("traces"))),
        int(traces.size()));
    using Written = storage::Result<ingest::BundleSummary>;
    m_queries->request<Written>(
        this,
        [traces, path, options, progress](storage::TraceStore &store) mutable {
            options.appVersion = SPANSCOPE_VERSION;
            options.progress = [&progress](std::size_t done, std::size_t) {
                return progress.report(done);
            };
            return ingest::writeBundle(store, traces, options, path.toStdString());
        },
        [this, path, progress](Written written) {
            --m_busy;
            progress.finish();
            if (!written && *progress.cancelled) {
                emit message(tr("Export cancelled; %1 was not written.").arg(path), 6000);
                emit finished(false);
                return;
            }
            if (!written) {
                showProblem(tr("Export"), QString::fromStdString(written.error()));
                emit finished(false);
                return;
            }
            emit message(
                tr("Wrote %1: %2, %3, %4.")
                    .arg(path, counted(qint64(written->traces), tr("trace"), tr("traces")),
                         counted(qint64(written->spans), tr("span"), tr("spans")),
                         counted(qint64(written->logs), tr("log record"), tr("log records"))),
                8000);
            emit finished(true);
        });
}

void BundleTransfer::showProblem(const QString &title, const QString &text)
{
    emit message(tr("%1 failed.").arg(title), 10000); // not "Importing…" any more
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("transferProblem"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void BundleTransfer::importFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    ++m_busy;
    const QString importing
        = tr("Importing %1…").arg(counted(paths.size(), tr("file"), tr("files")));
    emit message(importing, 0);
    const Progress progress(m_window, importing, int(paths.size()));
    storage::BatchSink *sink = &m_backend.importSink();
    QPointer<BundleTransfer> self(this);
    QtConcurrent::run([paths, sink, progress] {
        QStringList report, errors;
        for (qsizetype i = 0; i < paths.size(); ++i) {
            // Files are imported whole or not at all, so cancelling takes effect between them.
            if (!progress.report(std::size_t(i))) {
                errors << tr("Cancelled: %1 not imported.")
                              .arg(counted(paths.size() - i, tr("file"), tr("files")));
                break;
            }
            const QString &path = paths.at(i);
            auto imported = ingest::importFile(path.toStdString(), *sink);
            if (imported)
                report << tr("%1: %2, %3")
                              .arg(path, counted(qint64(imported->spans), tr("span"), tr("spans")),
                                   counted(qint64(imported->logs), tr("log record"),
                                           tr("log records")));
            else
                errors << QString::fromStdString(imported.error());
        }
        return std::pair{report, errors};
    }).then(this, [self, progress](std::pair<QStringList, QStringList> done) {
        progress.finish();
        if (!self)
            return;
        --self->m_busy;
        const auto &[report, errors] = done;
        if (!report.isEmpty())
            emit self->message(tr("Imported %1.").arg(report.join(QStringLiteral("; "))), 10000);
        if (!errors.isEmpty())
            self->showProblem(tr("Import"),
                              tr("Not imported (nothing of these files was stored):\n%1")
                                  .arg(errors.join(QLatin1Char('\n'))));
        emit self->finished(errors.isEmpty());
    });
}

} // namespace spanscope::ui
