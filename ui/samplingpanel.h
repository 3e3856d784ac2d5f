#pragma once

#include <samplingpolicy.h>

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace spanscope::ingest {
class IngestServer;
}

namespace spanscope::ui {

// The sampling controls: the receiver-side policy (ratio and its algorithm, keep errors, keep
// slow traces, a rate limit, and in JSON everything else: per-service ratios, drop rules, the
// strategies served to SDKs), applied live and remembered; what each rule kept and dropped; which
// SDKs polled for their strategies; and the settings to give an SDK.
class SamplingPanel : public QDialog
{
    Q_OBJECT
public:
    static constexpr int RefreshMs = 1000;

    explicit SamplingPanel(ingest::IngestServer &server, QWidget *parent = nullptr);

    // The policy the panel describes now; an error when the JSON does not parse.
    storage::Result<ingest::SamplingPolicy> editedPolicy() const;
    void apply();
    void keepEverything();
    // Rows of the counters table, for tests: rule, kept traces, dropped traces.
    QTableWidget *countersTable() const { return m_counters; }
    QPlainTextEdit *jsonEditor() const { return m_json; }
    QLabel *pollsLabel() const { return m_polls; }

    // The SDK settings that mirror the policy's ratio and fetch remote strategies.
    static QString sdkSnippet(const ingest::SamplingPolicy &policy, const QString &samplingHttp,
                              const QString &samplingGrpc);
    // The policy saved by the last Apply, for the next start; keep-everything when none.
    static ingest::SamplingPolicy savedPolicy();

signals:
    void applied(const QString &summary);

private:
    void showPolicy(const ingest::SamplingPolicy &policy);
    void formEdited();
    void jsonEdited();
    void refresh();

    ingest::IngestServer &m_server;
    QLabel *m_active;
    QDoubleSpinBox *m_ratio;
    QComboBox *m_algorithm;
    QCheckBox *m_keepErrors;
    QSpinBox *m_keepSlowerMs;
    QDoubleSpinBox *m_rateLimit;
    QPlainTextEdit *m_json;
    QLabel *m_jsonError;
    QPushButton *m_apply;
    QTableWidget *m_counters;
    QLabel *m_polls;
    QTimer m_refresh;
    bool m_updating = false; // the form and the JSON are being synchronised
};

} // namespace spanscope::ui
