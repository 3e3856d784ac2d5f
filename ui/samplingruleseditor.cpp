#include "samplingruleseditor.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

QString cell(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

void setRow(QTableWidget *table, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column)
        table->setItem(row, column, new QTableWidgetItem(cells[column]));
}

QString percent(double ratio)
{
    return QString::number(ratio * 100, 'g', 6);
}

// A percentage typed in a cell ("25", "25 %", "0.5") as a ratio.
std::optional<double> ratioIn(QString text)
{
    text.remove(QLatin1Char('%'));
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || value < 0 || value > 100)
        return std::nullopt;
    return value / 100.0;
}

} // namespace

SamplingRulesEditor::SamplingRulesEditor(QWidget *parent)
    : QTabWidget(parent)
    , m_ratios(new QTableWidget(0, 2, this))
    , m_rules(new QTableWidget(0, 4, this))
    , m_defaultProbability(new QDoubleSpinBox(this))
    , m_strategies(new QTableWidget(0, 4, this))
{
    m_ratios->setHorizontalHeaderLabels({tr("Service"), tr("Keep %")});
    m_rules->setHorizontalHeaderLabels({tr("Match (name, service or attribute)"),
                                        tr("Attribute key"), tr("Value"),
                                        tr("Drops (trace or span)")});
    m_strategies->setHorizontalHeaderLabels(
        {tr("Service"), tr("Sample %"), tr("Or at most traces/s"), tr("Per operation: name=%, …")});
    addTab(page(m_ratios, tr("A service's own share of traces, instead of the overall ratio.")),
           tr("Service ratios"));
    addTab(page(m_rules,
                tr("Drop whole traces whose root matches, or single spans: e.g. "
                   "attribute, http.route, /healthz, trace.")),
           tr("Drop rules"));
    m_defaultProbability->setRange(0, 100);
    m_defaultProbability->setSuffix(QStringLiteral(" %"));
    m_defaultProbability->setDecimals(3);
    QWidget *strategies = page(m_strategies,
                               tr("What SDKs with a jaeger_remote sampler are told "
                                  "(head sampling, before anything is sent)."));
    auto *defaultRow = new QFormLayout;
    defaultRow->addRow(tr("Other services sample:"), m_defaultProbability);
    static_cast<QVBoxLayout *>(strategies->layout())->insertLayout(0, defaultRow);
    addTab(strategies, tr("SDK strategies"));

    for (QTableWidget *table : {m_ratios, m_rules, m_strategies})
        connect(table, &QTableWidget::itemChanged, this, [this] {
            if (!m_filling)
                emit edited();
        });
    connect(m_defaultProbability, &QDoubleSpinBox::valueChanged, this, [this] {
        if (!m_filling)
            emit edited();
    });
}

QWidget *SamplingRulesEditor::page(QTableWidget *table, const QString &help)
{
    auto *widget = new QWidget(this);
    auto *layout = new QVBoxLayout(widget);
    auto *text = new QLabel(help, widget);
    text->setWordWrap(true);
    layout->addWidget(text);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    layout->addWidget(table, 1);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add"), widget);
    auto *remove = new QPushButton(tr("Remove"), widget);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this, table] {
        m_filling = true;
        table->insertRow(table->rowCount());
        m_filling = false;
        table->setCurrentCell(table->rowCount() - 1, 0);
        table->editItem(table->item(table->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this, table] {
        if (table->currentRow() >= 0) {
            table->removeRow(table->currentRow());
            emit edited();
        }
    });
    return widget;
}

void SamplingRulesEditor::showPolicy(const ingest::SamplingPolicy &policy)
{
    m_filling = true;
    m_ratios->setRowCount(0);
    for (const auto &[service, ratio] : policy.serviceRatios) {
        m_ratios->insertRow(m_ratios->rowCount());
        setRow(m_ratios, m_ratios->rowCount() - 1,
               {QString::fromStdString(service), percent(ratio)});
    }
    m_rules->setRowCount(0);
    for (const ingest::DropRule &rule : policy.dropRules) {
        const char *field = rule.match.field == ingest::SpanMatch::Field::SpanName ? "name"
            : rule.match.field == ingest::SpanMatch::Field::Service                ? "service"
                                                                                   : "attribute";
        m_rules->insertRow(m_rules->rowCount());
        setRow(m_rules, m_rules->rowCount() - 1,
               {QString::fromLatin1(field), QString::fromStdString(rule.match.key),
                QString::fromStdString(rule.match.value),
                rule.wholeTrace ? QStringLiteral("trace") : QStringLiteral("span")});
    }
    m_defaultProbability->setValue(policy.remote.defaultProbability * 100);
    m_strategies->setRowCount(0);
    for (const auto &[service, strategy] : policy.remote.services) {
        QStringList operations;
        for (const auto &[operation, probability] : strategy.operations)
            operations << QString::fromStdString(operation) + QLatin1Char('=')
                    + percent(probability);
        m_strategies->insertRow(m_strategies->rowCount());
        setRow(m_strategies, m_strategies->rowCount() - 1,
               {QString::fromStdString(service),
                strategy.probability ? percent(*strategy.probability) : QString(),
                strategy.maxTracesPerSecond ? QString::number(*strategy.maxTracesPerSecond)
                                            : QString(),
                operations.join(QStringLiteral(", "))});
    }
    m_filling = false;
}

storage::Result<bool> SamplingRulesEditor::readInto(ingest::SamplingPolicy &policy) const
{
    const auto where = [](const QString &table, int row, const QString &column) {
        return QObject::tr("%1, row %2, %3: ").arg(table).arg(row + 1).arg(column).toStdString();
    };
    policy.serviceRatios.clear();
    for (int row = 0; row < m_ratios->rowCount(); ++row) {
        const QString service = cell(m_ratios, row, 0);
        if (service.isEmpty())
            continue; // a row being typed
        const auto ratio = ratioIn(cell(m_ratios, row, 1));
        if (!ratio)
            return storage::Error{where(tr("Service ratios"), row, tr("keep %"))
                                  + "a percentage from 0 to 100."};
        policy.serviceRatios[service.toStdString()] = *ratio;
    }
    policy.dropRules.clear();
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        const QString field = cell(m_rules, row, 0).toLower();
        const QString value = cell(m_rules, row, 2);
        if (field.isEmpty() && value.isEmpty())
            continue;
        ingest::DropRule rule;
        if (field == QLatin1String("name"))
            rule.match.field = ingest::SpanMatch::Field::SpanName;
        else if (field == QLatin1String("service"))
            rule.match.field = ingest::SpanMatch::Field::Service;
        else if (field == QLatin1String("attribute") && !cell(m_rules, row, 1).isEmpty())
            rule.match.field = ingest::SpanMatch::Field::Attribute;
        else
            return storage::Error{where(tr("Drop rules"), row, tr("match"))
                                  + "name, service, or attribute with a key."};
        rule.match.key = cell(m_rules, row, 1).toStdString();
        rule.match.value = value.toStdString();
        const QString scope = cell(m_rules, row, 3).toLower();
        if (scope != QLatin1String("trace") && scope != QLatin1String("span") && !scope.isEmpty())
            return storage::Error{where(tr("Drop rules"), row, tr("drops")) + "trace or span."};
        rule.wholeTrace = scope != QLatin1String("span");
        policy.dropRules.push_back(std::move(rule));
    }
    policy.remote.defaultProbability = m_defaultProbability->value() / 100.0;
    policy.remote.services.clear();
    for (int row = 0; row < m_strategies->rowCount(); ++row) {
        const QString service = cell(m_strategies, row, 0);
        if (service.isEmpty())
            continue;
        ingest::RemoteSamplingConfig::Service strategy;
        if (!cell(m_strategies, row, 1).isEmpty()) {
            strategy.probability = ratioIn(cell(m_strategies, row, 1));
            if (!strategy.probability)
                return storage::Error{where(tr("SDK strategies"), row, tr("sample %"))
                                      + "a percentage from 0 to 100."};
        }
        if (!cell(m_strategies, row, 2).isEmpty()) {
            bool ok = false;
            const int limit = cell(m_strategies, row, 2).toInt(&ok);
            if (!ok || limit < 0)
                return storage::Error{where(tr("SDK strategies"), row, tr("traces/s"))
                                      + "a whole number."};
            strategy.maxTracesPerSecond = limit;
        }
        for (const QString &entry :
             cell(m_strategies, row, 3).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const qsizetype equals = entry.lastIndexOf(QLatin1Char('='));
            const auto probability = equals > 0 ? ratioIn(entry.mid(equals + 1)) : std::nullopt;
            if (!probability)
                return storage::Error{where(tr("SDK strategies"), row, tr("per operation"))
                                      + "name=percentage pairs separated by commas."};
            strategy.operations[entry.left(equals).trimmed().toStdString()] = *probability;
        }
        policy.remote.services[service.toStdString()] = std::move(strategy);
    }
    return true;
}

} // namespace spanscope::ui
