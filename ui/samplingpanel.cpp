#include "samplingpanel.h"

#include "samplingruleseditor.h"
#include "tracequerythread.h"

#include "backend.h"

#include <samplingpreview.h>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

const QString SettingsKey = QStringLiteral("sampling/policy");

} // namespace

SamplingPanel::SamplingPanel(Backend &backend, QWidget *parent)
    : QDialog(parent)
    , m_backend(backend)
    , m_active(new QLabel(this))
    , m_ratio(new QDoubleSpinBox(this))
    , m_algorithm(new QComboBox(this))
    , m_keepErrors(new QCheckBox(tr("Keep every trace with an error"), this))
    , m_keepSlowerMs(new QSpinBox(this))
    , m_rateLimit(new QDoubleSpinBox(this))
    , m_rules(new SamplingRulesEditor(this))
    , m_json(new QPlainTextEdit(this))
    , m_jsonError(new QLabel(this))
    , m_apply(new QPushButton(tr("&Apply"), this))
    , m_counters(new QTableWidget(0, 5, this))
    , m_polls(new QLabel(this))
    , m_previewText(new QLabel(this))
    , m_queries(new TraceQueryThread(backend.addresses().database, this))
{
    setWindowTitle(tr("Sampling — Spanscope"));
    m_active->setWordWrap(true);
    m_ratio->setRange(0, 100);
    m_ratio->setDecimals(2);
    m_ratio->setSuffix(QStringLiteral(" %"));
    m_ratio->setToolTip(tr("The share of traces kept, decided from the trace id"));
    m_algorithm->addItem(tr("Low 64 bits (as the Python and Go SDKs)"),
                         int(ingest::RatioAlgorithm::LowBits64));
    m_algorithm->addItem(tr("W3C consistent probability (low 56 bits)"),
                         int(ingest::RatioAlgorithm::Consistent56));
    m_keepSlowerMs->setRange(0, 3'600'000);
    m_keepSlowerMs->setSuffix(tr(" ms"));
    m_keepSlowerMs->setSpecialValueText(tr("off"));
    m_rateLimit->setRange(0, 1'000'000);
    m_rateLimit->setSuffix(tr(" traces/s per service"));
    m_rateLimit->setSpecialValueText(tr("no limit"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setToolTip(
        tr("The whole policy: also per-service ratios (\"serviceRatios\"), drop rules "
           "(\"dropRules\") and the strategies served to SDKs (\"remote\")"));
    m_jsonError->setStyleSheet(QStringLiteral("color: #dc322f"));
    m_jsonError->setWordWrap(true);
    m_counters->setHorizontalHeaderLabels({tr("Rule"), tr("Kept traces"), tr("Dropped traces"),
                                           tr("Kept spans"), tr("Dropped spans")});
    m_counters->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_counters->verticalHeader()->hide();
    m_counters->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_polls->setWordWrap(true);
    m_polls->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("Keep:"), m_ratio);
    form->addRow(tr("Decided by:"), m_algorithm);
    form->addRow(QString(), m_keepErrors);
    form->addRow(tr("Keep traces slower than:"), m_keepSlowerMs);
    form->addRow(tr("Rate limit:"), m_rateLimit);
    auto *keepAll = new QPushButton(tr("&Keep Everything"), this);
    auto *copySnippet = new QPushButton(tr("Copy &SDK Settings"), this);
    auto *previewButton = new QPushButton(tr("&Preview on Stored Traces"), this);
    previewButton->setToolTip(tr("What this policy would have kept and dropped of the traces "
                                 "already stored; the trace list greys out the dropped ones"));
    auto *clearPreview = new QPushButton(tr("C&lear Preview"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(previewButton);
    buttons->addWidget(clearPreview);
    buttons->addWidget(m_apply);
    buttons->addWidget(keepAll);
    buttons->addWidget(copySnippet);
    buttons->addStretch(1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_active);
    layout->addLayout(form);
    layout->addWidget(m_rules, 2);
    layout->addWidget(
        new QLabel(tr("The whole policy (JSON; edits here and above are the same):"), this));
    layout->addWidget(m_json, 1);
    layout->addWidget(m_jsonError);
    layout->addLayout(buttons);
    m_previewText->setWordWrap(true);
    layout->addWidget(m_previewText);
    layout->addWidget(new QLabel(tr("What each rule decided since the policy was applied:"), this));
    layout->addWidget(m_counters, 1);
    layout->addWidget(m_polls);
    layout->addWidget(close);
    resize(760, 900);

    for (auto *spin : {m_ratio, m_rateLimit})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &SamplingPanel::formEdited);
    connect(m_keepSlowerMs, &QSpinBox::valueChanged, this, &SamplingPanel::formEdited);
    connect(m_algorithm, &QComboBox::currentIndexChanged, this, &SamplingPanel::formEdited);
    connect(m_keepErrors, &QCheckBox::toggled, this, &SamplingPanel::formEdited);
    connect(m_rules, &SamplingRulesEditor::edited, this, &SamplingPanel::formEdited);
    connect(m_json, &QPlainTextEdit::textChanged, this, &SamplingPanel::jsonEdited);
    connect(m_apply, &QPushButton::clicked, this, &SamplingPanel::apply);
    connect(keepAll, &QPushButton::clicked, this, &SamplingPanel::keepEverything);
    connect(copySnippet, &QPushButton::clicked, this, [this] {
        const auto policy = editedPolicy();
        const auto remote = m_backend.remoteSampling();
        QApplication::clipboard()->setText(sdkSnippet(policy ? *policy : m_backend.samplingPolicy(),
                                                      remote ? remote->http : QString(),
                                                      remote ? remote->grpc : QString()));
    });
    connect(previewButton, &QPushButton::clicked, this, &SamplingPanel::preview);
    connect(clearPreview, &QPushButton::clicked, this, &SamplingPanel::endPreview);
    connect(m_queries, &TraceQueryThread::failed, m_previewText, &QLabel::setText);
    // The counters move when sampled spans are committed; the panel follows the commits.
    connect(&m_backend, &Backend::committed, this, &SamplingPanel::refresh);
    showPolicy(m_backend.samplingPolicy());
    refresh();
}

storage::Result<ingest::SamplingPolicy> SamplingPanel::editedPolicy() const
{
    return ingest::SamplingPolicy::fromJson(m_json->toPlainText().toStdString());
}

void SamplingPanel::showInForm(const ingest::SamplingPolicy &policy)
{
    m_ratio->setValue(policy.ratio * 100);
    m_algorithm->setCurrentIndex(m_algorithm->findData(int(policy.algorithm)));
    m_keepErrors->setChecked(policy.keepErrors);
    m_keepSlowerMs->setValue(static_cast<int>(policy.keepSlowerThanNs / 1'000'000));
    m_rateLimit->setValue(policy.maxTracesPerSecond);
    m_rules->showPolicy(policy);
}

void SamplingPanel::showPolicy(const ingest::SamplingPolicy &policy)
{
    m_updating = true;
    showInForm(policy);
    m_json->setPlainText(QString::fromStdString(policy.toJson()));
    m_jsonError->clear();
    m_apply->setEnabled(true);
    m_updating = false;
}

void SamplingPanel::formEdited()
{
    if (m_updating)
        return;
    // The form is a view of the JSON: change those fields and keep everything else.
    auto policy = editedPolicy();
    if (!policy)
        return; // fix the JSON first; its error is shown
    policy->ratio = m_ratio->value() / 100.0;
    policy->algorithm = static_cast<ingest::RatioAlgorithm>(m_algorithm->currentData().toInt());
    policy->keepErrors = m_keepErrors->isChecked();
    policy->keepSlowerThanNs = std::int64_t(m_keepSlowerMs->value()) * 1'000'000;
    policy->maxTracesPerSecond = m_rateLimit->value();
    if (auto read = m_rules->readInto(*policy); !read) {
        m_jsonError->setText(QString::fromStdString(read.error()));
        m_apply->setEnabled(false);
        return;
    }
    // Only the JSON follows: rewriting the tables would disturb the cell being edited.
    m_updating = true;
    m_json->setPlainText(QString::fromStdString(policy->toJson()));
    m_jsonError->clear();
    m_apply->setEnabled(true);
    m_updating = false;
}

void SamplingPanel::jsonEdited()
{
    if (m_updating)
        return;
    const auto policy = editedPolicy();
    m_apply->setEnabled(policy.ok());
    m_jsonError->setText(policy ? QString() : QString::fromStdString(policy.error()));
    if (!policy)
        return;
    m_updating = true;
    showInForm(*policy);
    m_updating = false;
}

void SamplingPanel::apply()
{
    const auto policy = editedPolicy();
    if (!policy) {
        m_jsonError->setText(QString::fromStdString(policy.error()));
        return;
    }
    m_backend.setSamplingPolicy(*policy);
    QSettings().setValue(SettingsKey, QString::fromStdString(policy->toJson()));
    endPreview(); // a preview is about a candidate; this one is live now
    refresh();
    emit applied(QString::fromStdString(policy->summary()));
}

void SamplingPanel::keepEverything()
{
    ingest::SamplingPolicy everything;
    everything.remote = m_backend.samplingPolicy().remote; // what SDKs are told stays
    showPolicy(everything);
    apply();
}

void SamplingPanel::endPreview()
{
    ++m_previewGeneration; // a preview still running is not shown
    m_previewText->clear();
    emit previewReady({});
}

// Greyed rows without the panel that explains them would look like a broken list.
void SamplingPanel::hideEvent(QHideEvent *event)
{
    endPreview();
    QDialog::hideEvent(event);
}

void SamplingPanel::preview()
{
    const auto policy = editedPolicy();
    if (!policy) {
        m_jsonError->setText(QString::fromStdString(policy.error()));
        return;
    }
    m_previewText->setText(tr("Replaying the policy over the stored traces…"));
    const quint64 generation = ++m_previewGeneration;
    using Preview = storage::Result<ingest::SamplingPreview>;
    m_queries->request<Preview>(
        this,
        [candidate = *policy](storage::TraceStore &store) {
            return ingest::previewPolicy(store, candidate);
        },
        [this, generation](Preview result) {
            if (generation != m_previewGeneration)
                return; // cleared, applied or asked again since
            if (!result) {
                m_previewText->setText(QString::fromStdString(result.error()));
                return;
            }
            QString text = tr("Of the newest %1 stored traces, this policy would keep %2 and drop "
                              "%3.")
                               .arg(result->traces)
                               .arg(result->kept)
                               .arg(result->dropped);
            for (const auto &[rule, count] : result->droppedBy)
                text += QLatin1Char('\n')
                    + tr("  %1: %2 dropped").arg(QString::fromStdString(rule)).arg(count);
            m_previewText->setText(text);
            emit previewReady(result->droppedKeys);
        });
}

ingest::SamplingPolicy SamplingPanel::savedPolicy()
{
    const QString json = QSettings().value(SettingsKey).toString();
    auto policy = ingest::SamplingPolicy::fromJson(json.toStdString());
    return policy ? *policy : ingest::SamplingPolicy{};
}

void SamplingPanel::refresh()
{
    const ingest::SamplingPolicy active = m_backend.samplingPolicy();
    m_active->setText(tr("<b>Active policy:</b> %1")
                          .arg(QString::fromStdString(active.summary()).toHtmlEscaped()));
    const QLocale locale;
    const auto counts = m_backend.samplingCounts();
    m_counters->setRowCount(static_cast<int>(counts.size()));
    for (int row = 0; row < static_cast<int>(counts.size()); ++row) {
        const auto &count = counts[row];
        const QString cells[]
            = {QString::fromStdString(count.rule), locale.toString(qulonglong(count.keptTraces)),
               locale.toString(qulonglong(count.droppedTraces)),
               locale.toString(qulonglong(count.keptSpans)),
               locale.toString(qulonglong(count.droppedSpans))};
        for (int column = 0; column < 5; ++column) {
            auto *item = m_counters->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                if (column > 0)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_counters->setItem(row, column, item);
            }
            item->setText(cells[column]);
        }
    }
    const auto remote = m_backend.remoteSampling();
    if (!remote) {
        m_polls->setText(tr("Remote sampling for SDKs is not served (started with --sampling-http "
                            "off --sampling-grpc off)."));
        return;
    }
    QString text = tr("SDKs fetch strategies from http://%1/sampling and gRPC %2.")
                       .arg(remote->http, remote->grpc);
    const auto &polls = remote->polls;
    if (polls.empty())
        text += QLatin1Char(' ') + tr("No SDK has asked yet.");
    for (const auto &poll : polls) {
        text += QLatin1Char('\n')
            + tr("%1 asked %2 times over %3, last at %4")
                  .arg(QString::fromStdString(poll.service))
                  .arg(poll.count)
                  .arg(QString::fromStdString(poll.via),
                       QDateTime::fromSecsSinceEpoch(std::chrono::system_clock::to_time_t(poll.at))
                           .toString(QStringLiteral("HH:mm:ss")));
    }
    m_polls->setText(text);
}

QString SamplingPanel::sdkSnippet(const ingest::SamplingPolicy &policy, const QString &samplingHttp,
                                  const QString &samplingGrpc)
{
    QString text = QStringLiteral("# Mirror the receiver's ratio in an SDK (Python, Go: the same "
                                  "traces as low64)\n"
                                  "export OTEL_TRACES_SAMPLER=parentbased_traceidratio\n"
                                  "export OTEL_TRACES_SAMPLER_ARG=%1\n")
                       .arg(policy.ratio);
    if (!samplingGrpc.isEmpty())
        text += QStringLiteral("\n# Java: take the rates from Spanscope\n"
                               "export OTEL_TRACES_SAMPLER=parentbased_jaeger_remote\n"
                               "export OTEL_TRACES_SAMPLER_ARG=endpoint=http://%1,"
                               "pollingIntervalMs=5000,initialSamplingRate=1\n")
                    .arg(samplingGrpc);
    if (!samplingHttp.isEmpty())
        text += QStringLiteral("\n# Go (contrib jaegerremote) and Node (JaegerRemoteSampler)\n"
                               "# sampling URL: http://%1/sampling   (Node: endpoint http://%1)\n")
                    .arg(samplingHttp);
    return text;
}

} // namespace spanscope::ui
