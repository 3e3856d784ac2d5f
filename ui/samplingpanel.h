#pragma once

#include <samplingpolicy.h>

#include <QDialog>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace spanscope::ui {

class Backend;

class SamplingRulesEditor;
class TraceQueryThread;

// The sampling controls: the receiver-side policy (ratio and its algorithm, keep errors, keep
// slow traces, a rate limit, and in JSON everything else: per-service ratios, drop rules, the
// strategies served to SDKs), applied live and remembered; what each rule kept and dropped; which
// SDKs polled for their strategies; and the settings to give an SDK.
class SamplingPanel : public QDialog
{
    Q_OBJECT
public:
    explicit SamplingPanel(Backend &backend, QWidget *parent = nullptr);

    // The policy the panel describes now; an error when the JSON does not parse.
    storage::Result<ingest::SamplingPolicy> editedPolicy() const;
    void apply();
    void keepEverything();
    // Replays the edited policy over the stored traces (off the GUI thread); the answer comes
    // as previewReady and in the preview label.
    void preview();
    // Ends the preview: the list shows every trace as stored again. Also when the panel closes.
    void endPreview();
    QLabel *previewLabel() const { return m_previewText; }
    // Rows of the counters table, for tests: rule, kept traces, dropped traces.
    QTableWidget *countersTable() const { return m_counters; }
    SamplingRulesEditor *rulesEditor() const { return m_rules; }
    QPlainTextEdit *jsonEditor() const { return m_json; }
    QLabel *pollsLabel() const { return m_polls; }

    // The SDK settings that mirror the policy's ratio and fetch remote strategies.
    static QString sdkSnippet(const ingest::SamplingPolicy &policy, const QString &samplingHttp,
                              const QString &samplingGrpc);
    // The policy saved by the last Apply, for the next start; keep-everything when none.
    static ingest::SamplingPolicy savedPolicy();

protected:
    void hideEvent(QHideEvent *event) override;

signals:
    void applied(const QString &summary);
    // Trace keys the previewed policy would drop, with the rule; empty clears the preview.
    void previewReady(const std::map<std::int64_t, std::string> &droppedKeys);

private:
    void showPolicy(const ingest::SamplingPolicy &policy);
    void showInForm(const ingest::SamplingPolicy &policy);
    void formEdited();
    void jsonEdited();
    void refresh();

    Backend &m_backend;
    QLabel *m_active;
    QDoubleSpinBox *m_ratio;
    QComboBox *m_algorithm;
    QCheckBox *m_keepErrors;
    QSpinBox *m_keepSlowerMs;
    QDoubleSpinBox *m_rateLimit;
    SamplingRulesEditor *m_rules;
    QPlainTextEdit *m_json;
    QLabel *m_jsonError;
    QPushButton *m_apply;
    QTableWidget *m_counters;
    QLabel *m_polls;
    QLabel *m_previewText;
    TraceQueryThread *m_queries;
    quint64 m_previewGeneration = 0;
    bool m_updating = false; // the form and the JSON are being synchronised
};

} // namespace spanscope::ui
