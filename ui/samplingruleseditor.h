#pragma once

#include <samplingpolicy.h>

#include <QTabWidget>

class QDoubleSpinBox;
class QTableWidget;

namespace spanscope::ui {

// The list-shaped parts of a sampling policy as editable tables: per-service ratios, drop rules,
// and the strategies served to SDKs (per service: a probability or a rate limit, and
// per-operation probabilities).
class SamplingRulesEditor : public QTabWidget
{
    Q_OBJECT
public:
    explicit SamplingRulesEditor(QWidget *parent = nullptr);

    void showPolicy(const ingest::SamplingPolicy &policy);
    // Replaces those parts of `policy` with the tables' contents; a sentence naming the cell
    // when one does not parse.
    storage::Result<bool> readInto(ingest::SamplingPolicy &policy) const;

    QTableWidget *serviceRatios() const { return m_ratios; }
    QTableWidget *dropRules() const { return m_rules; }
    QTableWidget *sdkStrategies() const { return m_strategies; }

signals:
    void edited();

private:
    QWidget *page(QTableWidget *table, const QString &help);

    QTableWidget *m_ratios;
    QTableWidget *m_rules;
    QDoubleSpinBox *m_defaultProbability;
    QTableWidget *m_strategies;
    bool m_filling = false;
};

} // namespace spanscope::ui
