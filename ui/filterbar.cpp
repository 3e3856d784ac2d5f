#include "filterbar.h"

#include "attributefilteredit.h"
#include "filterfields.h"
#include "timerangecombo.h"
#include "traceidtext.h"

#include <tracetext.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace spanscope::ui {

namespace {

std::optional<std::int64_t> durationOf(const QString &text)
{
    return storage::parseDuration(text.toStdString());
}

} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_service(new ServiceCombo(this))
    , m_operation(new QComboBox(this))
    , m_errors(new QCheckBox(tr("&Errors only"), this))
    , m_minDuration(new CheckedLineEdit([](const QString &t) { return durationOf(t).has_value(); },
                                        tr("a duration such as 100ms"), this))
    , m_maxDuration(new CheckedLineEdit([](const QString &t) { return durationOf(t).has_value(); },
                                        tr("a duration such as 2s"), this))
    , m_timeRange(new TimeRangeCombo(this))
    , m_attribute(new AttributeFilterEdit(this))
    , m_traceId(new CheckedLineEdit([](const QString &t) { return traceIdFromText(t).has_value(); },
                                    tr("32 hexadecimal digits"), this))
    , m_source(new QComboBox(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_service->setToolTip(tr("Traces that involve this service"));
    m_operation->setEditable(true);
    m_operation->setAccessibleName(tr("Operation"));
    m_operation->setToolTip(tr("Traces with a span of this name"));
    m_operation->lineEdit()->setPlaceholderText(tr("any operation"));
    m_operation->setMinimumContentsLength(14);
    m_minDuration->setPlaceholderText(tr("min, e.g. 100ms"));
    m_maxDuration->setPlaceholderText(tr("max, e.g. 2s"));
    for (CheckedLineEdit *field : {m_minDuration, m_maxDuration}) {
        field->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('m')) * 9);
        field->setToolTip(tr("Trace duration: 250ms, 1.5s, 300us, 2m (a bare number is ms)"));
    }
    m_attribute->setToolTip(
        tr("Span or resource attributes: http.route=/orders AND http.status_code>=500; also !=, "
           "<, <=, >, and a key alone (or key exists) for its presence. Each clause holds for "
           "some span of the trace."));
    m_traceId->setPlaceholderText(tr("trace id"));
    m_traceId->setToolTip(tr("32 hexadecimal digits"));
    m_traceId->setMaxLength(40);
    m_source->setAccessibleName(tr("Source"));
    m_source->setToolTip(tr("Traces imported from this file"));
    m_source->addItem(tr("Any source"));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_source->setVisible(false);
    auto *clearButton = new QToolButton(this);
    clearButton->setText(tr("Clear"));
    clearButton->setToolTip(tr("Clear all filters"));
    connect(clearButton, &QToolButton::clicked, this, &FilterBar::clear);

    layout->addWidget(m_service);
    layout->addWidget(m_operation, 2);
    layout->addWidget(m_errors);
    layout->addWidget(m_minDuration);
    layout->addWidget(m_maxDuration);
    layout->addWidget(m_timeRange);
    layout->addWidget(m_attribute, 2);
    layout->addWidget(m_traceId, 2);
    layout->addWidget(m_source);
    layout->addWidget(clearButton);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::filterChanged);
    connect(m_service, &QComboBox::activated, this, [this] {
        emit serviceChosen(m_service->service());
        emit filterChanged();
    });
    connect(m_operation, &QComboBox::currentTextChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_errors, &QCheckBox::toggled, this, &FilterBar::filterChanged);
    connect(m_timeRange, &QComboBox::activated, this, &FilterBar::filterChanged);
    connect(m_source, &QComboBox::activated, this, &FilterBar::filterChanged);
    for (QLineEdit *field :
         std::initializer_list<QLineEdit *>{m_minDuration, m_maxDuration, m_attribute, m_traceId})
        connect(field, &QLineEdit::textEdited, &m_debounce, qOverload<>(&QTimer::start));
}

void FilterBar::focusFirstField()
{
    m_operation->setFocus(Qt::ShortcutFocusReason);
    m_operation->lineEdit()->selectAll();
}

void FilterBar::setServices(const QStringList &services)
{
    m_service->setServices(services);
}

void FilterBar::setSources(const QStringList &paths)
{
    const QString chosen = m_source->currentData().toString();
    const QSignalBlocker blocker(m_source);
    while (m_source->count() > 1)
        m_source->removeItem(1);
    for (const QString &path : paths) {
        m_source->addItem(QFileInfo(path).fileName(), path);
        m_source->setItemData(m_source->count() - 1, path, Qt::ToolTipRole);
    }
    m_source->setCurrentIndex(std::max(0, m_source->findData(chosen)));
    m_source->setVisible(!paths.isEmpty());
}

void FilterBar::setOperations(const QString &service, const QStringList &operations)
{
    if (service != m_service->service())
        return; // an answer for a service no longer chosen
    const QString typed = m_operation->currentText();
    const QSignalBlocker blocker(m_operation);
    m_operation->clear();
    m_operation->addItems(operations);
    m_operation->setCurrentText(typed);
}

void FilterBar::showTraces(const QString &service, const QString &operation)
{
    const int range = m_timeRange->currentIndex(); // shared with the other tabs: kept
    clear();
    {
        const QSignalBlocker blockers[] = {QSignalBlocker(m_service), QSignalBlocker(m_operation)};
        int index = service.isEmpty() ? 0 : m_service->findText(service);
        if (index < 0) {
            m_service->addItem(service);
            index = m_service->count() - 1;
        }
        m_service->setCurrentIndex(index);
        m_operation->setCurrentText(operation);
        m_timeRange->setCurrentIndex(range);
    }
    m_debounce.stop();
    emit serviceChosen(service);
    emit filterChanged();
}

void FilterBar::clear()
{
    {
        const QSignalBlocker blockers[] = {QSignalBlocker(m_operation), QSignalBlocker(m_errors)};
        m_service->setCurrentIndex(0);
        m_operation->setCurrentText(QString());
        m_errors->setChecked(false);
        m_timeRange->setCurrentIndex(0);
        m_source->setCurrentIndex(0);
        for (CheckedLineEdit *field : std::initializer_list<CheckedLineEdit *>{
                 m_minDuration, m_maxDuration, m_attribute, m_traceId})
            field->clearAndReset();
    }
    m_debounce.stop();
    emit serviceChosen(QString());
    emit filterChanged();
}

storage::TraceFilter FilterBar::filter() const
{
    storage::TraceFilter filter;
    filter.service = m_service->service().toStdString();
    filter.spanName = m_operation->currentText().trimmed().toStdString();
    filter.errorsOnly = m_errors->isChecked();
    filter.minDurationNs = durationOf(m_minDuration->text());
    filter.maxDurationNs = durationOf(m_maxDuration->text());
    filter.startFromNs = m_timeRange->startNs();
    filter.attributes = m_attribute->conditions();
    filter.traceId = traceIdFromText(m_traceId->text());
    filter.source = m_source->currentData().toString().toStdString();
    return filter;
}

} // namespace spanscope::ui
