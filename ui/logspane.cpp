#include "logspane.h"

#include "attributefilteredit.h"
#include "logdetailsview.h"
#include "logfilterbar.h"
#include "loglistmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace spanscope::ui {

LogsPane::LogsPane(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_filters(new LogFilterBar(this))
    , m_model(new LogListModel(databasePath, 200, this))
    , m_table(new QTableView(this))
    , m_details(new LogDetailsView(this))
    , m_split(new QSplitter(Qt::Horizontal, this))
    , m_pause(new QToolButton(this))
    , m_info(new QLabel(this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(LogRowsModel::BodyColumn,
                                                      QHeaderView::Stretch);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setAccessibleName(tr("Log records"));
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Freeze the list while you read it"));

    auto *listPane = new QWidget(m_split);
    auto *listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_table, 1);
    auto *footer = new QHBoxLayout;
    footer->addWidget(m_pause);
    footer->addWidget(m_info, 1);
    listLayout->addLayout(footer);
    m_split->addWidget(listPane);
    m_split->addWidget(m_details);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_filters);
    layout->addWidget(m_split, 1);
    m_info->setText(tr("Live: new records appear at the top."));

    auto *copyLine = new QAction(tr("Copy Line"), m_table);
    copyLine->setShortcut(QKeySequence::Copy);
    copyLine->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(copyLine);
    connect(copyLine, &QAction::triggered, this, [this] { copyCurrent(false); });
    connect(m_table, &QTableView::customContextMenuRequested, this, [this, copyLine](QPoint at) {
        if (!m_table->indexAt(at).isValid())
            return;
        QMenu menu(this);
        menu.addAction(copyLine);
        menu.addAction(tr("Copy as OTLP-&JSON"), this, [this] { copyCurrent(true); });
        QAction *show = menu.addAction(tr("&Show Span"), this, &LogsPane::openCurrent);
        show->setEnabled(
            storage::isValid(m_model->row(m_table->currentIndex().row()).record.traceId));
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
    connect(m_table, &QAbstractItemView::activated, this, &LogsPane::openCurrent);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_details->showLog(m_model->row(current.row()));
                else
                    m_details->clearLog();
            });
    connect(m_filters, &LogFilterBar::filterChanged, this,
            [this] { m_model->setFilter(m_filters->filter()); });
    feedCompletions(m_filters->attributeField(), m_model->queries(),
                    storage::AttributeSource::Logs);
    connect(m_model, &QAbstractItemModel::modelReset, m_details, &LogDetailsView::clearLog);
    connect(m_pause, &QToolButton::toggled, m_model, &LogListModel::setPaused);
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        m_info->setText(paused ? tr("Paused: new records wait until you resume.")
                               : tr("Live: new records appear at the top."));
    });
    connect(m_model, &LogListModel::failed, this,
            [this](const QString &text) { emit message(text, 8000); });
    connect(m_details, &DetailsBrowser::followLink, this, &LogsPane::openSpan);
    connect(m_details, &DetailsBrowser::openFrame, this, &LogsPane::openFrame);
    connect(m_details, &DetailsBrowser::copied, this,
            [this](const QString &what) { emit message(tr("Copied the %1.").arg(what), 3000); });
}

void LogsPane::setServices(const QStringList &services)
{
    m_filters->setServices(services);
}

void LogsPane::openCurrent()
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid())
        return;
    const storage::LogRecord &record = m_model->row(index.row()).record;
    if (!storage::isValid(record.traceId)) {
        emit message(tr("This record is not linked to a trace."), 3000);
        return;
    }
    emit openSpan(record.traceId, record.spanId);
}

void LogsPane::copyCurrent(bool asJson)
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid())
        return;
    QApplication::clipboard()->setText(asJson ? m_model->otlpJson(index.row())
                                              : m_model->lineText(index.row()));
    emit message(asJson ? tr("Copied the record as OTLP-JSON.") : tr("Copied the line."), 3000);
}

} // namespace spanscope::ui
