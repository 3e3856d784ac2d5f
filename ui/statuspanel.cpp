#include "statuspanel.h"

#include "backend.h"

#include "connectionsnippet.h"

#include <counters.h>

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>

namespace spanscope::ui {

namespace {

std::uint64_t counter(const storage::StoreStatistics &statistics, const std::string &name)
{
    const auto it = statistics.counters.find(name);
    return it == statistics.counters.end() ? 0 : it->second;
}

std::uint64_t sumOver(const storage::StoreStatistics &statistics,
                      std::string (*name)(storage::Signal))
{
    std::uint64_t total = 0;
    for (const auto signal :
         {storage::Signal::Traces, storage::Signal::Logs, storage::Signal::Metrics})
        total += counter(statistics, name(signal));
    return total;
}

} // namespace

StatusPanel::StatusPanel(Backend &backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
    , m_endpointsButton(new QToolButton(this))
    , m_rate(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_size(new QLabel(this))
    , m_evictions(new QLabel(this))
    , m_sampling(new QLabel(this))
    , m_storageProblem(new QLabel(this))
    , m_rejected(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    const Backend::Addresses addresses = backend.addresses();
    m_endpointsButton->setText(tr("gRPC %1 · HTTP %2").arg(addresses.grpc, addresses.http));
    m_endpointsButton->setToolTip(tr("Where the OTLP receivers listen; click to copy the "
                                     "settings for a service"));
    m_endpointsButton->setPopupMode(QToolButton::InstantPopup);
    m_endpointsButton->setAutoRaise(true);
    auto *menu = new QMenu(m_endpointsButton);
    for (const SdkLanguage language : AllLanguages) {
        menu->addAction(tr("Copy Settings for %1").arg(languageName(language)), this,
                        [this, language] {
                            const Backend::Addresses addresses = m_backend.addresses();
                            QGuiApplication::clipboard()->setText(connectionSnippet(
                                language, addresses.grpc, addresses.http, addresses.bearerToken));
                            emit copied(tr("settings for %1").arg(languageName(language)));
                        });
    }
    m_endpointsButton->setMenu(menu);
    m_rejected->setAutoRaise(true);
    m_rejected->setToolTip(tr("Requests refused as malformed or too large; click for the reasons"));
    m_rejected->setStyleSheet(QStringLiteral("QToolButton { color: #dc322f; }"));
    m_rejected->hide();
    m_evictions->hide();
    m_evictions->setToolTip(
        tr("Oldest traces removed to keep the database within its size budget"));
    connect(m_rejected, &QToolButton::clicked, this, &StatusPanel::showRejections);
    m_sampling->hide();
    m_storageProblem->setObjectName(QStringLiteral("storageProblem"));
    m_storageProblem->setStyleSheet(
        QStringLiteral("QLabel { color: #dc322f; font-weight: bold; }"));
    m_storageProblem->hide();
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_endpointsButton, m_rate, m_counts, m_size, m_evictions,
                                          m_sampling, m_storageProblem, m_rejected})
        layout->addWidget(w);
    m_rate->setText(tr("0 spans/s"));
    m_idle.setSingleShot(true);
    m_idle.setInterval(2000);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        m_rate->setText(tr("0 spans/s"));
        m_haveLast = false;
    });
}

void StatusPanel::showStatistics(const storage::StoreStatistics &statistics)
{
    const QLocale locale;
    // The rate is the change of the accepted-spans counter over at least a second (statistics
    // come with commits, up to five a second); two seconds without any mean none arrive.
    const std::uint64_t accepted = counter(statistics, storage::counters::SpansAccepted);
    if (!m_haveLast) {
        m_lastAccepted = accepted;
        m_haveLast = true;
        m_sinceLast.restart();
    } else if (m_sinceLast.elapsed() >= 1000) {
        const double perSecond = double(accepted - std::min(accepted, m_lastAccepted)) * 1000.0
            / double(m_sinceLast.elapsed());
        m_rate->setText(tr("%1 spans/s").arg(locale.toString(qRound64(perSecond))));
        m_lastAccepted = accepted;
        m_sinceLast.restart();
    }
    m_idle.start();

    m_counts->setText(tr("%1 traces · %2 spans · %3 logs")
                          .arg(locale.toString(statistics.traces),
                               locale.toString(statistics.spans),
                               locale.toString(statistics.logs)));
    const std::int64_t budget = m_backend.retentionBytes();
    const QString database = m_backend.addresses().database;
    m_size->setText(budget > 0 ? tr("%1 of %2")
                                     .arg(locale.formattedDataSize(statistics.usedBytes),
                                          locale.formattedDataSize(budget))
                               : locale.formattedDataSize(statistics.usedBytes));
    m_size->setToolTip(tr("Database %1 (%2 on disk)")
                           .arg(database, locale.formattedDataSize(statistics.fileBytes)));
    const std::uint64_t evicted = counter(statistics, storage::counters::TracesEvicted);
    m_evictions->setVisible(evicted > 0);
    m_evictions->setText(tr("%1 traces evicted").arg(locale.toString(qulonglong(evicted))));
    // An active sampling policy is always visible, with what it dropped.
    const std::string policy = m_backend.samplingSummary();
    m_sampling->setVisible(!policy.empty());
    m_sampling->setText(tr("Sampling: %1 spans dropped")
                            .arg(locale.toString(qulonglong(
                                counter(statistics, storage::counters::SpansSampledOut)))));
    m_sampling->setToolTip(tr("Sampling policy: %1").arg(QString::fromStdString(policy)));
    // Nothing can be stored (a full disk): said loudly, until a commit succeeds again.
    const QString problem = QString::fromStdString(m_backend.storageProblem());
    m_storageProblem->setVisible(!problem.isEmpty());
    m_storageProblem->setText(tr("Not storing: %1").arg(problem));
    m_storageProblem->setToolTip(
        tr("Senders are told to retry, so nothing is lost while this lasts. Free space on the "
           "disk of %1, or lower the retention budget in Settings.")
            .arg(database));
    m_rejectedCount = sumOver(statistics, storage::counters::rejectedRequests);
    m_rejected->setVisible(m_rejectedCount > 0);
    m_rejected->setText(
        tr("%1 rejected requests").arg(locale.toString(qulonglong(m_rejectedCount))));
}

QString StatusPanel::rateText() const
{
    return m_rate->text();
}

QString StatusPanel::countsText() const
{
    return m_counts->text();
}

QString StatusPanel::sizeText() const
{
    return m_size->text();
}

QString StatusPanel::rejectionReport() const
{
    QString report
        = tr("%1 requests were rejected since the database was created.").arg(m_rejectedCount);
    const std::deque<std::string> reasons = m_backend.recentRejections();
    if (reasons.empty())
        return report + QLatin1Char('\n') + tr("No reasons were recorded since Spanscope started.");
    report += QLatin1Char('\n') + tr("The latest, newest last:") + QLatin1Char('\n');
    for (const std::string &reason : reasons)
        report += QStringLiteral("• ") + QString::fromStdString(reason) + QLatin1Char('\n');
    return report;
}

void StatusPanel::showRejections()
{
    QMessageBox box(QMessageBox::Warning, tr("Rejected requests"), rejectionReport(),
                    QMessageBox::Close, window());
    box.exec();
}

} // namespace spanscope::ui
