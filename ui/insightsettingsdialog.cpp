#include "insightsettingsdialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

constexpr double NsPerMs = 1e6;

QSpinBox *countBox(QWidget *parent, int minimum, const QString &suffix, const char *name)
{
    auto *box = new QSpinBox(parent);
    box->setRange(minimum, 100'000);
    box->setSuffix(suffix);
    box->setObjectName(QLatin1String(name));
    return box;
}

QDoubleSpinBox *millisecondsBox(QWidget *parent, const char *name)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, 3'600'000);
    box->setDecimals(1);
    box->setSuffix(QObject::tr(" ms"));
    box->setObjectName(QLatin1String(name));
    return box;
}

} // namespace

InsightSettingsDialog::InsightSettingsDialog(const InsightPreferences &preferences, QWidget *parent)
    : QDialog(parent)
    , m_preferences(preferences)
    , m_repeatedSiblings(countBox(this, 2, tr(" calls"), "repeatedSiblings"))
    , m_repeatedTotalMs(millisecondsBox(this, "repeatedTotal"))
    , m_repeatedSharePercent(countBox(this, 1, tr(" %"), "repeatedShare"))
    , m_sequentialCalls(countBox(this, 2, tr(" calls"), "sequentialCalls"))
    , m_sequentialSavingMs(millisecondsBox(this, "sequentialSaving"))
    , m_repeatedIdentical(countBox(this, 2, tr(" times"), "repeatedIdentical"))
    , m_slowQueryMs(millisecondsBox(this, "slowQuery"))
    , m_ignored(new QListWidget(this))
    , m_stopIgnoring(new QPushButton(tr("&Stop Ignoring"), this))
{
    setWindowTitle(tr("Insight Settings"));
    setMinimumWidth(560);
    m_repeatedSharePercent->setMaximum(100);

    auto *thresholds = new QGroupBox(tr("Thresholds"), this);
    auto *form = new QFormLayout(thresholds);
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(tr("N+1: &repeated siblings, at least"), m_repeatedSiblings);
    auto *repeatedCost = new QHBoxLayout;
    repeatedCost->addWidget(m_repeatedTotalMs);
    repeatedCost->addWidget(new QLabel(tr("or"), this));
    repeatedCost->addWidget(m_repeatedSharePercent);
    repeatedCost->addWidget(new QLabel(tr("of their parent"), this), 1);
    auto *together = new QLabel(tr("N+1: taking &together at least"), this);
    together->setBuddy(m_repeatedTotalMs);
    form->addRow(together, repeatedCost);
    form->addRow(tr("Se&quential calls in a row, at least"), m_sequentialCalls);
    form->addRow(tr("Sequential: saving side by side at &least"), m_sequentialSavingMs);
    form->addRow(tr("Re&peated identical call, at least"), m_repeatedIdentical);
    form->addRow(tr("Slow &query from"), m_slowQueryMs);
    showThresholds(preferences.thresholds);

    auto *ignoredBox = new QGroupBox(tr("Ignored problems"), this);
    auto *ignoredLayout = new QVBoxLayout(ignoredBox);
    m_ignored->setObjectName(QStringLiteral("ignoredList"));
    m_ignored->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_ignored->setTextElideMode(Qt::ElideMiddle); // the tooltip has all of it
    m_ignored->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (const auto &[fingerprint, description] : preferences.ignored) {
        auto *item = new QListWidgetItem(description, m_ignored);
        item->setToolTip(description);
        item->setData(Qt::UserRole, QString::fromStdString(fingerprint));
    }
    auto *none
        = new QLabel(tr("None. Right-click a finding in an Insights table to ignore it."), this);
    none->setWordWrap(true);
    none->setVisible(preferences.ignored.empty());
    m_ignored->setVisible(!preferences.ignored.empty());
    m_stopIgnoring->setEnabled(false);
    connect(m_ignored, &QListWidget::itemSelectionChanged, this,
            [this] { m_stopIgnoring->setEnabled(!m_ignored->selectedItems().isEmpty()); });
    connect(m_stopIgnoring, &QPushButton::clicked, this,
            [this] { qDeleteAll(m_ignored->selectedItems()); });
    ignoredLayout->addWidget(none);
    ignoredLayout->addWidget(m_ignored);
    ignoredLayout->addWidget(m_stopIgnoring, 0, Qt::AlignLeft);

    auto *buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { showThresholds({}); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(thresholds);
    layout->addWidget(ignoredBox, 1);
    layout->addWidget(buttons);
}

void InsightSettingsDialog::showThresholds(const analysis::InsightThresholds &t)
{
    m_repeatedSiblings->setValue(t.repeatedSiblings);
    m_repeatedTotalMs->setValue(static_cast<double>(t.repeatedTotalNs) / NsPerMs);
    m_repeatedSharePercent->setValue(qRound(t.repeatedShareOfParent * 100));
    m_sequentialCalls->setValue(t.sequentialCalls);
    m_sequentialSavingMs->setValue(static_cast<double>(t.sequentialSavingNs) / NsPerMs);
    m_repeatedIdentical->setValue(t.repeatedIdentical);
    m_slowQueryMs->setValue(static_cast<double>(t.slowQueryNs) / NsPerMs);
}

InsightPreferences InsightSettingsDialog::preferences() const
{
    InsightPreferences out;
    analysis::InsightThresholds &t = out.thresholds;
    t.repeatedSiblings = m_repeatedSiblings->value();
    t.repeatedTotalNs = std::llround(m_repeatedTotalMs->value() * NsPerMs);
    t.repeatedShareOfParent = m_repeatedSharePercent->value() / 100.0;
    t.sequentialCalls = m_sequentialCalls->value();
    t.sequentialSavingNs = std::llround(m_sequentialSavingMs->value() * NsPerMs);
    t.repeatedIdentical = m_repeatedIdentical->value();
    t.slowQueryNs = std::llround(m_slowQueryMs->value() * NsPerMs);
    for (int row = 0; row < m_ignored->count(); ++row) {
        const QListWidgetItem *item = m_ignored->item(row);
        out.ignored[item->data(Qt::UserRole).toString().toStdString()] = item->text();
    }
    return out;
}

} // namespace spanscope::ui
