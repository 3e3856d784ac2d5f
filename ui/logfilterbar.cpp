#include "logfilterbar.h"

#include "attributefilteredit.h"
#include "filterfields.h"
#include "timerangecombo.h"
#include "traceidtext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace spanscope::ui {

LogFilterBar::LogFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_order(new QComboBox(this))
    , m_severity(new QComboBox(this))
    , m_service(new ServiceCombo(this))
    , m_text(new QLineEdit(this))
    , m_attributes(new AttributeFilterEdit(this))
    , m_timeRange(new TimeRangeCombo(this))
    , m_traceId(
          new CheckedLineEdit([](const QString &text) { return traceIdFromText(text).has_value(); },
                              tr("32 hexadecimal digits"), this))
{
    // Severity numbers start their band: DEBUG is 5-8, INFO 9-12, and so on.
    const std::pair<QString, int> severities[]
        = {{tr("Any severity"), 0}, {tr("Debug and up"), 5},  {tr("Info and up"), 9},
           {tr("Warn and up"), 13}, {tr("Error and up"), 17}, {tr("Fatal"), 21}};
    for (const auto &[label, number] : severities)
        m_severity->addItem(label, number);
    m_severity->setAccessibleName(tr("Minimum severity"));
    m_order->addItem(tr("Newest first"), int(storage::LogOrder::NewestFirst));
    m_order->addItem(tr("Oldest first"), int(storage::LogOrder::OldestFirst));
    m_order->setAccessibleName(tr("Order"));
    m_order->setToolTip(tr("In the order the records were received"));
    m_service->setToolTip(tr("Records of this service"));
    m_text->setPlaceholderText(tr("find text in messages"));
    m_text->setToolTip(tr("Messages containing this text, in any case: \"ed for\" finds "
                          "\"charge failed for order 7\""));
    m_text->setClearButtonEnabled(true);
    m_attributes->setToolTip(
        tr("Record or resource attributes: code.function=charge AND http.status_code>=500; "
           "also !=, <, <=, >, and a key alone (or key exists) for its presence."));
    m_traceId->setPlaceholderText(tr("trace id"));
    m_traceId->setToolTip(tr("Records of this trace (32 hexadecimal digits)"));
    auto *clearButton = new QToolButton(this);
    clearButton->setText(tr("Clear"));
    clearButton->setToolTip(tr("Clear all log filters"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_order);
    layout->addWidget(m_severity);
    layout->addWidget(m_service);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_attributes, 2);
    layout->addWidget(m_timeRange);
    layout->addWidget(m_traceId, 2);
    layout->addWidget(clearButton);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &LogFilterBar::filterChanged);
    connect(clearButton, &QToolButton::clicked, this, &LogFilterBar::clear);
    for (QComboBox *combo : {m_order, m_severity, static_cast<QComboBox *>(m_service),
                             static_cast<QComboBox *>(m_timeRange)})
        connect(combo, &QComboBox::activated, this, &LogFilterBar::filterChanged);
    for (QLineEdit *field : std::initializer_list<QLineEdit *>{m_text, m_attributes, m_traceId})
        connect(field, &QLineEdit::textEdited, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_text, &QLineEdit::returnPressed, this, [this] {
        m_debounce.stop();
        emit filterChanged();
    });
}

storage::LogFilter LogFilterBar::filter() const
{
    storage::LogFilter filter;
    filter.order = static_cast<storage::LogOrder>(m_order->currentData().toInt());
    filter.minSeverity = m_severity->currentData().toInt();
    filter.service = m_service->service().toStdString();
    filter.text = m_text->text().trimmed().toStdString();
    filter.fromNs = m_timeRange->startNs();
    filter.traceId = traceIdFromText(m_traceId->text());
    filter.attributes = m_attributes->conditions();
    return filter;
}

void LogFilterBar::setServices(const QStringList &services)
{
    m_service->setServices(services);
}

void LogFilterBar::setTraceId(const QString &hex)
{
    m_traceId->setText(hex);
    m_debounce.stop();
    emit filterChanged();
}

void LogFilterBar::clear()
{
    m_order->setCurrentIndex(0);
    m_severity->setCurrentIndex(0);
    m_service->setCurrentIndex(0);
    m_text->clear();
    m_timeRange->setCurrentIndex(0);
    m_attributes->clearAndReset();
    m_traceId->clearAndReset();
    m_debounce.stop();
    emit filterChanged();
}

void LogFilterBar::focusSearch()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

} // namespace spanscope::ui
