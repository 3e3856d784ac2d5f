#pragma once

#include <tracestore.h>

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace spanscope::ui {

class AttributeFilterEdit;
class CheckedLineEdit;
class ServiceCombo;
class TimeRangeCombo;

// The log view's filters: minimum severity, service, words of the message, attribute clauses,
// a time range preset and a trace id. Typing is debounced.
class LogFilterBar : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DebounceMs = 250;

    explicit LogFilterBar(QWidget *parent = nullptr);

    storage::LogFilter filter() const;
    void setServices(const QStringList &services);
    void setTraceId(const QString &hex);
    void clear();
    void focusSearch();
    // The owner feeds its completion from the store.
    AttributeFilterEdit *attributeField() const { return m_attributes; }

signals:
    void filterChanged();

private:
    QComboBox *m_order;
    QComboBox *m_severity;
    ServiceCombo *m_service;
    QLineEdit *m_text;
    AttributeFilterEdit *m_attributes;
    TimeRangeCombo *m_timeRange;
    CheckedLineEdit *m_traceId;
    QTimer m_debounce;
};

} // namespace spanscope::ui
