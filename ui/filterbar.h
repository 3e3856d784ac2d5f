#pragma once

#include <tracestore.h>

#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace spanscope::ui {

// The trace list's filters in one row: service, operation, errors only, minimum and maximum
// duration, a time range preset, attribute clauses (`key=value AND key>N`), a trace id, and the
// file traces were imported from. Typing is debounced;
// a field that does not parse is marked and its tooltip says what it expects.
class AttributeFilterEdit;
class CheckedLineEdit;
class ServiceCombo;
class TimeRangeCombo;

class FilterBar : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DebounceMs = 250;

    explicit FilterBar(QWidget *parent = nullptr);

    // The filter the fields describe now; fields that do not parse do not filter.
    storage::TraceFilter filter() const;
    void setServices(const QStringList &services);
    // Files traces were imported from; the source field shows only when there are some.
    void setSources(const QStringList &paths);
    void setOperations(const QString &service, const QStringList &operations);
    void clear();
    // Lists the traces of `service` (all services when empty) with a span named `operation`
    // (any when empty), the other fields cleared: what the Services tab asks.
    void showTraces(const QString &service, const QString &operation);
    // The time range, which the window keeps in step with the other tabs'.
    TimeRangeCombo *timeRange() const { return m_timeRange; }
    // Puts the keyboard focus in the first field (Ctrl+F).
    void focusFirstField();
    // The owner feeds its completion from the store.
    AttributeFilterEdit *attributeField() const { return m_attribute; }

signals:
    void filterChanged();
    void serviceChosen(const QString &service); // empty for all services

private:
    ServiceCombo *m_service;
    QComboBox *m_operation;
    QCheckBox *m_errors;
    CheckedLineEdit *m_minDuration;
    CheckedLineEdit *m_maxDuration;
    TimeRangeCombo *m_timeRange;
    AttributeFilterEdit *m_attribute;
    CheckedLineEdit *m_traceId;
    QComboBox *m_source;
    QTimer m_debounce;
};

} // namespace spanscope::ui
