#pragma once

#include <tracestore.h>

#include <QElapsedTimer>
#include <QWidget>

#include <deque>
#include <functional>
#include <string>

class QLabel;
class QToolButton;

namespace spanscope::ingest {
class IngestServer;
}

namespace spanscope::ui {

// What the window needs to know about the running receivers.
struct Endpoints
{
    QString grpc; // host:port
    QString http; // host:port
    QString database; // file path
    QString bearerToken; // what senders must present; empty when none is asked
    std::int64_t retentionBytes = 0; // the database's budget; 0 when unknown
    // The reasons of the latest rejected requests (newest last); may be empty.
    std::function<std::deque<std::string>()> recentRejections;
    // Why the latest commit failed (a full disk); empty while storing works.
    std::function<std::string()> storageProblem;
    // The receiver-side sampling policy in a few words; empty when everything is kept.
    std::function<std::string()> samplingSummary;
    // The running server, for the sampling panel; null when the window has none.
    ingest::IngestServer *server = nullptr;

    // Those of a running server; it must outlive the window.
    static Endpoints of(ingest::IngestServer &server);
};

// The status bar's permanent part: the endpoints (click to copy the settings for an SDK), the
// ingest rate, stored counts, the database size against its budget, evictions, and rejected
// requests (click for the reasons).
class StatusPanel : public QWidget
{
    Q_OBJECT
public:
    explicit StatusPanel(const Endpoints &endpoints, QWidget *parent = nullptr);

    void showStatistics(const storage::StoreStatistics &statistics);
    // Shown from the next statistics on.
    void setRetentionBytes(std::int64_t bytes) { m_endpoints.retentionBytes = bytes; }
    QString rateText() const;
    QString countsText() const;
    QString sizeText() const;
    // The reasons shown when the rejected-requests button is clicked.
    QString rejectionReport() const;

signals:
    void copied(const QString &what);

private:
    void showRejections();

    Endpoints m_endpoints;
    QToolButton *m_endpointsButton;
    QLabel *m_rate;
    QLabel *m_counts;
    QLabel *m_size;
    QLabel *m_evictions;
    QLabel *m_sampling;
    QLabel *m_storageProblem;
    QToolButton *m_rejected;
    QElapsedTimer m_sinceLast;
    std::uint64_t m_lastAccepted = 0;
    bool m_haveLast = false;
    std::uint64_t m_rejectedCount = 0;
};

} // namespace spanscope::ui
