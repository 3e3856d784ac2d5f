#include "exportpreviewdialog.h"

#include "counted.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace spanscope::ui {

ExportPreviewDialog::ExportPreviewDialog(int traces, QWidget *parent)
    : QDialog(parent)
    , m_traces(traces)
    , m_summary(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_table(new QTableWidget(0, 5, this))
    , m_moreKeys(new QLineEdit(this))
    , m_note(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Export for a Bug Report"));
    setObjectName(QStringLiteral("exportPreview"));
    m_summary->setWordWrap(true);
    m_busy->setRange(0, 0); // busy, for as long as it takes
    m_busy->setTextVisible(false);
    m_table->setHorizontalHeaderLabels(
        {tr("Mask"), tr("Span or record"), tr("Attribute"), tr("Will read"), tr("Because of")});
    // The rule is the longest and least read: it takes what room is left, cut with "…" (its
    // tooltip has it whole).
    m_table->horizontalHeader()->setSectionResizeMode(PatternColumn, QHeaderView::Stretch);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_moreKeys->setPlaceholderText(tr("e.g. customer.id, order.address (comma-separated)"));
    m_moreKeys->setAccessibleName(tr("More attribute keys to mask"));
    m_note->setPlaceholderText(tr("What to look at, how to reproduce it (saved in the bundle)"));
    m_note->setMaximumHeight(m_note->fontMetrics().height() * 4);
    m_export = m_buttons->addButton(tr("&Export…"), QDialogButtonBox::AcceptRole);
    m_exportRaw = m_buttons->addButton(tr("Export &Unredacted…"), QDialogButtonBox::AcceptRole);
    m_export->setDefault(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Also &mask attributes:"), m_moreKeys);
    form->addRow(tr("&Note:"), m_note);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_busy);
    layout->addWidget(m_table, 1);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    resize(820, 480);

    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (!m_filling && item->column() == MaskColumn)
            keyToggled(item->row());
    });
    connect(m_moreKeys, &QLineEdit::editingFinished, this, &ExportPreviewDialog::rulesChanged);
    connect(m_export, &QPushButton::clicked, this, [this] {
        m_unredacted = false;
        accept();
    });
    connect(m_exportRaw, &QPushButton::clicked, this, [this] {
        m_unredacted = true;
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    showBusy();
}

ingest::RedactionRules ExportPreviewDialog::rules() const
{
    ingest::RedactionRules rules = ingest::RedactionRules::defaults();
    for (const QString &key : m_moreKeys->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString trimmed = key.trimmed();
        if (!trimmed.isEmpty()) // a key as written, not a pattern: dots are dots
            rules.keyPatterns.push_back("^" + QRegularExpression::escape(trimmed).toStdString()
                                        + "$");
    }
    rules.keepKeys = m_keep;
    return rules;
}

QString ExportPreviewDialog::note() const
{
    return m_note->toPlainText().trimmed();
}

void ExportPreviewDialog::showBusy()
{
    m_summary->setText(tr("Looking through %1 for what to mask…")
                           .arg(counted(m_traces, tr("trace"), tr("traces"))));
    m_busy->show();
    m_export->setEnabled(false);
}

bool ExportPreviewDialog::isBusy() const
{
    return m_busy->isVisible();
}

void ExportPreviewDialog::showFindings(const std::vector<ingest::Redactor::Finding> &findings,
                                       int total)
{
    m_filling = true;
    m_busy->hide();
    m_export->setEnabled(true);
    const int kept = static_cast<int>(m_keep.size());
    m_summary->setText(
        total == 0 ? tr("Nothing in %1 looks like a secret or an e-mail address%2.")
                         .arg(counted(m_traces, tr("trace"), tr("traces")),
                              kept ? tr(" (besides the attributes you un-masked)") : QString())
                   : tr("%1 will be replaced by [REDACTED] in %2%3. Untick a row to keep that "
                        "attribute as it is.")
                         .arg(counted(total, tr("value"), tr("values")),
                              counted(m_traces, tr("trace"), tr("traces")),
                              total > static_cast<int>(findings.size())
                                  ? tr(" (the first %1 listed)").arg(findings.size())
                                  : QString()));
    // Un-masked keys stay listed, unticked, so they can be masked again.
    m_table->setRowCount(0);
    const auto addRow = [this](const QString &place, const QString &key, const QString &value,
                               const QString &pattern, bool masked) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *mask = new QTableWidgetItem;
        mask->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        mask->setCheckState(masked ? Qt::Checked : Qt::Unchecked);
        if (key.isEmpty())
            mask->setFlags(Qt::ItemIsEnabled); // text in a body: masked by its pattern only
        m_table->setItem(row, MaskColumn, mask);
        const QString values[] = {place, key, value, pattern};
        for (int column = PlaceColumn; column <= PatternColumn; ++column) {
            auto *item = new QTableWidgetItem(values[column - PlaceColumn]);
            item->setToolTip(values[column - PlaceColumn]);
            m_table->setItem(row, column, item);
        }
    };
    for (const std::string &key : m_keep)
        addRow(QString(), QString::fromStdString(key), tr("(kept as it is)"), QString(), false);
    for (const auto &finding : findings) {
        addRow(QString::fromStdString(finding.place), QString::fromStdString(finding.key),
               QString::fromStdString(finding.masked), QString::fromStdString(finding.pattern),
               true);
    }
    for (int column = MaskColumn; column < PatternColumn; ++column)
        m_table->resizeColumnToContents(column);
    m_filling = false;
}

void ExportPreviewDialog::showProblem(const QString &text)
{
    m_busy->hide();
    m_summary->setText(text);
}

void ExportPreviewDialog::keyToggled(int row)
{
    const std::string key = m_table->item(row, KeyColumn)->text().toStdString();
    const bool masked = m_table->item(row, MaskColumn)->checkState() == Qt::Checked;
    const auto at = std::find(m_keep.begin(), m_keep.end(), key);
    if (masked && at != m_keep.end())
        m_keep.erase(at);
    else if (!masked && at == m_keep.end())
        m_keep.push_back(key);
    showBusy();
    emit rulesChanged();
}

} // namespace spanscope::ui
