#pragma once

#include <tracestore.h>

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <cstdint>

class QLabel;
class QToolButton;

namespace spanscope::ui {

class Backend;

// The status bar's permanent part: the endpoints (click to copy the settings for an SDK), the
// ingest rate, stored counts, the database size against its budget, evictions, and rejected
// requests (click for the reasons).
class StatusPanel : public QWidget
{
    Q_OBJECT
public:
    explicit StatusPanel(Backend &backend, QWidget *parent = nullptr);

    void showStatistics(const storage::StoreStatistics &statistics);
    QString rateText() const;
    QString countsText() const;
    QString sizeText() const;
    // The reasons shown when the rejected-requests button is clicked.
    QString rejectionReport() const;

signals:
    void copied(const QString &what);

private:
    void showRejections();

    Backend &m_backend;
    QToolButton *m_endpointsButton;
    QLabel *m_rate;
    QLabel *m_counts;
    QLabel *m_size;
    QLabel *m_evictions;
    QLabel *m_sampling;
    QLabel *m_storageProblem;
    QToolButton *m_rejected;
    QElapsedTimer m_sinceLast; // since the rate's last sample
    QTimer m_idle; // statistics come with commits: none for a while means nothing arrives
    std::uint64_t m_lastAccepted = 0;
    bool m_haveLast = false;
    std::uint64_t m_rejectedCount = 0;
};

} // namespace spanscope::ui
