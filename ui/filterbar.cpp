#include "filterbar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QToolButton>

#include <cmath>

namespace spanscope::ui {

namespace {

// Time range presets: label and length in minutes (0: any time).
const std::pair<const char *, int> TimeRanges[] = {
    {QT_TRANSLATE_NOOP("FilterBar", "Any time"), 0},
    {QT_TRANSLATE_NOOP("FilterBar", "Last 5 minutes"), 5},
    {QT_TRANSLATE_NOOP("FilterBar", "Last 15 minutes"), 15},
    {QT_TRANSLATE_NOOP("FilterBar", "Last hour"), 60},
    {QT_TRANSLATE_NOOP("FilterBar", "Last 24 hours"), 24 * 60},
};

std::optional<storage::TraceId> parseTraceId(const QString &text)
{
    storage::TraceId id{};
    const QByteArray hex = text.trimmed().toLatin1();
    if (!storage::fromHex(std::string_view(hex.constData(), hex.size()), id))
        return std::nullopt;
    return id;
}

} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_service(new QComboBox(this))
    , m_operation(new QComboBox(this))
    , m_errors(new QCheckBox(tr("&Errors only"), this))
    , m_minDuration(new QLineEdit(this))
    , m_maxDuration(new QLineEdit(this))
    , m_timeRange(new QComboBox(this))
    , m_attribute(new QLineEdit(this))
    , m_traceId(new QLineEdit(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_service->setAccessibleName(tr("Service"));
    m_service->setToolTip(tr("Traces that involve this service"));
    m_service->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_operation->setEditable(true);
    m_operation->setAccessibleName(tr("Operation"));
    m_operation->setToolTip(tr("Traces with a span of this name"));
    m_operation->lineEdit()->setPlaceholderText(tr("any operation"));
    m_operation->setMinimumContentsLength(14);
    m_minDuration->setPlaceholderText(tr("min, e.g. 100ms"));
    m_maxDuration->setPlaceholderText(tr("max, e.g. 2s"));
    for (QLineEdit *field : {m_minDuration, m_maxDuration}) {
        field->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('m')) * 9);
        field->setToolTip(tr("Trace duration: 250ms, 1.5s, 300us, 2m (a bare number is ms)"));
    }
    for (const auto &[label, minutes] : TimeRanges)
        m_timeRange->addItem(tr(label), minutes);
    m_timeRange->setAccessibleName(tr("Time range"));
    m_attribute->setPlaceholderText(tr("attribute key=value"));
    m_attribute->setToolTip(
        tr("A span or resource attribute: http.route=/orders, or a key alone for its presence"));
    m_traceId->setPlaceholderText(tr("trace id"));
    m_traceId->setToolTip(tr("32 hexadecimal digits"));
    m_traceId->setMaxLength(40);
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
    layout->addWidget(clearButton);
    setServices({});

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::filterChanged);
    connect(m_service, &QComboBox::activated, this, [this] {
        emit serviceChosen(m_service->currentData().toString());
        emit filterChanged();
    });
    connect(m_operation, &QComboBox::currentTextChanged, this, &FilterBar::fieldEdited);
    connect(m_errors, &QCheckBox::toggled, this, &FilterBar::filterChanged);
    connect(m_timeRange, &QComboBox::activated, this, &FilterBar::filterChanged);
    for (QLineEdit *field : {m_minDuration, m_maxDuration, m_attribute, m_traceId})
        connect(field, &QLineEdit::textEdited, this, &FilterBar::fieldEdited);
}

void FilterBar::focusFirstField()
{
    m_operation->setFocus(Qt::ShortcutFocusReason);
    m_operation->lineEdit()->selectAll();
}

void FilterBar::setServices(const QStringList &services)
{
    const QString current = m_service->currentData().toString();
    QStringList items;
    for (int i = 1; i < m_service->count(); ++i)
        items << m_service->itemData(i).toString();
    if (items == services && m_service->count() > 0)
        return; // unchanged: keep the popup and the user's place
    m_service->clear();
    m_service->addItem(tr("All services"), QString());
    for (const QString &service : services)
        m_service->addItem(service, service);
    const int index = m_service->findData(current);
    m_service->setCurrentIndex(std::max(index, 0));
}

void FilterBar::setOperations(const QString &service, const QStringList &operations)
{
    if (service != m_service->currentData().toString())
        return; // an answer for a service no longer chosen
    const QString typed = m_operation->currentText();
    const QSignalBlocker blocker(m_operation);
    m_operation->clear();
    m_operation->addItems(operations);
    m_operation->setCurrentText(typed);
}

void FilterBar::clear()
{
    {
        const QSignalBlocker blockers[] = {QSignalBlocker(m_operation), QSignalBlocker(m_errors)};
        m_service->setCurrentIndex(0);
        m_operation->setCurrentText(QString());
        m_errors->setChecked(false);
        m_timeRange->setCurrentIndex(0);
        for (QLineEdit *field : {m_minDuration, m_maxDuration, m_attribute, m_traceId}) {
            field->clear();
            validate(field, true, QString());
        }
    }
    m_debounce.stop();
    emit serviceChosen(QString());
    emit filterChanged();
}

void FilterBar::fieldEdited()
{
    validate(m_minDuration,
             m_minDuration->text().trimmed().isEmpty()
                 || parseDuration(m_minDuration->text()).has_value(),
             tr("a duration such as 100ms"));
    validate(m_maxDuration,
             m_maxDuration->text().trimmed().isEmpty()
                 || parseDuration(m_maxDuration->text()).has_value(),
             tr("a duration such as 2s"));
    validate(m_traceId,
             m_traceId->text().trimmed().isEmpty() || parseTraceId(m_traceId->text()).has_value(),
             tr("32 hexadecimal digits"));
    m_debounce.start();
}

void FilterBar::validate(QLineEdit *field, bool valid, const QString &expected)
{
    // Marked, not refused: the user may be half-way through typing.
    field->setStyleSheet(valid ? QString() : QStringLiteral("QLineEdit { color: #dc322f; }"));
    field->setProperty("invalid", !valid);
    if (!valid)
        field->setToolTip(tr("Not understood: expected %1; this field is ignored.").arg(expected));
}

storage::TraceFilter FilterBar::filter() const
{
    storage::TraceFilter filter;
    filter.service = m_service->currentData().toString().toStdString();
    filter.spanName = m_operation->currentText().trimmed().toStdString();
    filter.errorsOnly = m_errors->isChecked();
    filter.minDurationNs = parseDuration(m_minDuration->text());
    filter.maxDurationNs = parseDuration(m_maxDuration->text());
    if (const int minutes = m_timeRange->currentData().toInt(); minutes > 0) {
        filter.startFromNs
            = (QDateTime::currentMSecsSinceEpoch() - qint64(minutes) * 60'000) * 1'000'000;
    }
    const QString attribute = m_attribute->text().trimmed();
    if (!attribute.isEmpty()) {
        const qsizetype equals = attribute.indexOf(QLatin1Char('='));
        filter.attributeKey = attribute.left(equals).trimmed().toStdString();
        if (equals >= 0)
            filter.attributeValue = attribute.mid(equals + 1).trimmed().toStdString();
    }
    filter.traceId = parseTraceId(m_traceId->text());
    return filter;
}

std::optional<std::int64_t> FilterBar::parseDuration(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|min|h)?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const QString unit = match.captured(2);
    double scale = 1e6; // milliseconds by default
    if (unit == QLatin1String("ns"))
        scale = 1;
    else if (unit == QLatin1String("us") || unit == QStringLiteral("µs"))
        scale = 1e3;
    else if (unit == QLatin1String("s"))
        scale = 1e9;
    else if (unit == QLatin1String("m") || unit == QLatin1String("min"))
        scale = 60e9;
    else if (unit == QLatin1String("h"))
        scale = 3600e9;
    const double nanos = match.captured(1).toDouble() * scale;
    if (nanos > 9.2e18)
        return std::nullopt;
    return static_cast<std::int64_t>(std::llround(nanos));
}

} // namespace spanscope::ui
