#include "runcomparewindow.h"

#include "runselector.h"
#include "sortkeyitem.h"
#include "tracequerythread.h"

#include <tracetext.h>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

constexpr int ChangeRole = Qt::UserRole + 1; // the change, whatever the sort

QString duration(std::int64_t ns)
{
    return QString::fromStdString(storage::formatDuration(ns));
}

QString arrow(const QString &a, const QString &b)
{
    return a + QStringLiteral(" → ") + b;
}

} // namespace

struct RunCompareWindow::Result
{
    QString error;
    std::vector<analysis::EndpointChange> changes;
};

RunCompareWindow::RunCompareWindow(const QString &databasePath, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_baseline(new QLineEdit(this))
    , m_candidate(new QLineEdit(this))
    , m_compare(new QPushButton(tr("&Compare"), this))
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    setWindowTitle(tr("Compare Runs"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1200, 640);
    const QString hint
        = tr("mark=NAME, attr=service.version=1.4.2, restart=SERVICE, since=1h,until=30m");
    m_baseline->setPlaceholderText(hint);
    m_candidate->setPlaceholderText(hint);
    m_baseline->setToolTip(tr("The run to compare with. Marks come from View ▸ Start a New Run "
                              "or spanscope mark NAME."));
    m_candidate->setToolTip(tr("The run compared with the baseline."));
    auto *form = new QFormLayout;
    form->addRow(tr("&Baseline (A):"), m_baseline);
    form->addRow(tr("C&andidate (B):"), m_candidate);
    auto *top = new QHBoxLayout;
    top->addLayout(form, 1);
    top->addWidget(m_compare, 0, Qt::AlignBottom);
    m_compare->setDefault(true);

    m_table->setHorizontalHeaderLabels({tr("Endpoint"), tr("Traces A → B"), tr("p50 A → B"),
                                        tr("p95 A → B"), tr("Errors A → B"),
                                        tr("Calls per trace A → B"), tr("New in B")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(NewColumn, QHeaderView::Stretch);
    m_table->setTextElideMode(Qt::ElideRight); // the New column's tooltip has all of it
    m_table->setAccessibleName(tr("Endpoints of the two runs"));
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Name two runs and press Compare."));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);

    connect(m_compare, &QPushButton::clicked, this, &RunCompareWindow::compare);
    for (QLineEdit *edit : {m_baseline, m_candidate})
        connect(edit, &QLineEdit::returnPressed, this, &RunCompareWindow::compare);
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { choose(row); });
    connect(m_queries, &TraceQueryThread::failed, this, [this](const QString &message) {
        m_summary->setText(message);
        emit compared();
    });
}

RunCompareWindow::~RunCompareWindow() = default;

void RunCompareWindow::compare()
{
    const QString baseline = m_baseline->text().trimmed();
    const QString candidate = m_candidate->text().trimmed();
    if (baseline.isEmpty() || candidate.isEmpty()) {
        m_summary->setText(tr("Name both runs."));
        emit compared();
        return;
    }
    m_compare->setEnabled(false);
    m_summary->setText(tr("Reading both runs…"));
    m_queries->request<Result>(
        this,
        [baseline, candidate](storage::TraceStore &store) {
            Result out;
            storage::TraceFilter a, b;
            if (!runSelectorFilter(baseline, store, a, out.error)
                || !runSelectorFilter(candidate, store, b, out.error))
                return out;
            auto changes = analysis::compareRuns(store, a, b);
            if (!changes)
                out.error = QString::fromStdString(changes.error());
            else
                out.changes = std::move(*changes);
            return out;
        },
        [this](Result result) {
            m_compare->setEnabled(true);
            display(result);
            emit compared();
        });
}

void RunCompareWindow::display(const Result &result)
{
    if (!result.error.isEmpty()) {
        m_summary->setText(result.error);
        return;
    }
    m_changes = result.changes;
    // Thousands of distinct root operations list the biggest MaxAnalysisRows.
    const std::size_t all = m_changes.size();
    if (m_changes.size() > std::size_t(MaxAnalysisRows))
        m_changes.resize(MaxAnalysisRows);
    m_table->setSortingEnabled(false);
    m_table->setRowCount(static_cast<int>(m_changes.size()));
    const QLocale locale;
    int traces[2] = {0, 0};
    for (int row = 0; row < static_cast<int>(m_changes.size()); ++row) {
        const analysis::EndpointChange &change = m_changes[row];
        const analysis::EndpointRun &a = change.runs[0];
        const analysis::EndpointRun &b = change.runs[1];
        traces[0] += a.traces;
        traces[1] += b.traces;
        auto *endpoint = new SortKeyItem(QString::fromStdString(change.endpoint),
                                         qint64(std::llabs(change.impactNs)));
        endpoint->setData(ChangeRole, row);
        const auto percent = [](double rate) -> QString { // not a QStringBuilder of a temporary
            return QString::number(rate * 100, 'f', 0) + QLatin1Char('%');
        };
        QStringList fresh;
        for (const std::string &operation : change.newOperations)
            fresh << tr("operation: %1").arg(QString::fromStdString(operation));
        for (const std::string &error : change.newErrors)
            fresh << tr("error: %1").arg(QString::fromStdString(error));
        for (const std::string &insight : change.newInsights)
            fresh << tr("insight: %1").arg(QString::fromStdString(insight));
        for (const std::string &operation : change.missingOperations)
            fresh << tr("gone: %1").arg(QString::fromStdString(operation));
        QStringList slowHave;
        for (const auto &separating : change.separating)
            slowHave << tr("%1 (%2 % of the slow traces, %3 % of the others)")
                            .arg(QString::fromStdString(separating.attribute))
                            .arg(qRound(separating.slowShare * 100))
                            .arg(qRound(separating.fastShare * 100));
        m_table->setItem(row, EndpointColumn, endpoint);
        m_table->setItem(
            row, TracesColumn,
            new QTableWidgetItem(arrow(locale.toString(a.traces), locale.toString(b.traces))));
        // A run without the endpoint shows a dash, not zeros.
        const auto side = [](const analysis::EndpointRun &run, const QString &text) -> QString {
            return run.traces > 0 ? text : QStringLiteral("—");
        };
        const auto calls = [](double perTrace) {
            return QString::number(perTrace, 'f', 1);
        };
        m_table->setItem(
            row, P50Column,
            new SortKeyItem(arrow(side(a, duration(a.p50Ns)), side(b, duration(b.p50Ns))),
                            qint64(b.p50Ns - a.p50Ns)));
        m_table->setItem(
            row, P95Column,
            new SortKeyItem(arrow(side(a, duration(a.p95Ns)), side(b, duration(b.p95Ns))),
                            qint64(b.p95Ns - a.p95Ns)));
        m_table->setItem(row, ErrorsColumn,
                         new QTableWidgetItem(arrow(side(a, percent(a.errorRate())),
                                                    side(b, percent(b.errorRate())))));
        m_table->setItem(row, CallsColumn,
                         new QTableWidgetItem(arrow(side(a, calls(a.callsPerTrace)),
                                                    side(b, calls(b.callsPerTrace)))));
        auto *newItem
            = new QTableWidgetItem(fresh.isEmpty() ? QStringLiteral("—")
                                                   : tr("%n new", nullptr, int(fresh.size()))
                                           + QStringLiteral(": ") + fresh.front());
        newItem->setToolTip(fresh.join(QLatin1Char('\n'))
                            + (slowHave.isEmpty() ? QString()
                                                  : tr("\n\nSlow traces have:\n")
                                       + slowHave.join(QLatin1Char('\n'))));
        m_table->setItem(row, NewColumn, newItem);
        const QString tip = tr("%1\nEnter opens the traces nearest each run's median.")
                                .arg(QString::fromStdString(change.endpoint));
        for (const int column :
             {EndpointColumn, TracesColumn, P50Column, P95Column, ErrorsColumn, CallsColumn})
            m_table->item(row, column)->setToolTip(tip);
        for (const int column : {TracesColumn, P50Column, P95Column, ErrorsColumn, CallsColumn})
            m_table->item(row, column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (b.p50Ns > a.p50Ns && change.impactNs > 0 && a.traces > 0) {
            QFont font = endpoint->font();
            font.setBold(true);
            endpoint->setFont(font);
            m_table->item(row, P50Column)->setForeground(QColor(214, 69, 65));
        }
    }
    m_table->setSortingEnabled(true);
    m_table->sortItems(EndpointColumn, Qt::DescendingOrder); // biggest impact first
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(NewColumn, QHeaderView::Stretch);
    m_summary->setText(tr("%1 endpoints; baseline %2 traces, candidate %3. Biggest impact first; "
                          "Enter opens an endpoint's typical pair of traces.")
                           .arg(all == m_changes.size()
                                    ? QLocale().toString(qsizetype(all))
                                    : tr("%1 of %2")
                                          .arg(QLocale().toString(MaxAnalysisRows),
                                               QLocale().toString(qsizetype(all))))
                           .arg(traces[0])
                           .arg(traces[1]));
    if (m_table->rowCount() > 0)
        m_table->selectRow(0);
}

void RunCompareWindow::choose(int row)
{
    const QTableWidgetItem *endpoint = m_table->item(row, EndpointColumn);
    if (!endpoint)
        return;
    const analysis::EndpointChange &change = m_changes.at(endpoint->data(ChangeRole).toInt());
    if (change.runs[0].traces == 0 || change.runs[1].traces == 0) {
        m_summary->setText(tr("%1 is in one run only: there is no pair to compare.")
                               .arg(QString::fromStdString(change.endpoint)));
        return;
    }
    emit tracesChosen(change.runs[0].typicalTrace, change.runs[1].typicalTrace);
}

} // namespace spanscope::ui
