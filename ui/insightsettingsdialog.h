#pragma once

#include "insightpreferences.h"

#include <QDialog>

class QDoubleSpinBox;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace spanscope::ui {

// Edit ▸ Insight Settings: the detectors' thresholds, and the problems the user chose to ignore
// (Stop Ignoring brings one back). Restore Defaults resets the thresholds, not the ignored list.
class InsightSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit InsightSettingsDialog(const InsightPreferences &preferences,
                                   QWidget *parent = nullptr);

    InsightPreferences preferences() const;
    QListWidget *ignoredList() const { return m_ignored; }

private:
    void showThresholds(const analysis::InsightThresholds &thresholds);

    InsightPreferences m_preferences;
    QSpinBox *m_repeatedSiblings;
    QDoubleSpinBox *m_repeatedTotalMs;
    QSpinBox *m_repeatedSharePercent;
    QSpinBox *m_sequentialCalls;
    QDoubleSpinBox *m_sequentialSavingMs;
    QSpinBox *m_repeatedIdentical;
    QDoubleSpinBox *m_slowQueryMs;
    QListWidget *m_ignored;
    QPushButton *m_stopIgnoring;
};

} // namespace spanscope::ui
