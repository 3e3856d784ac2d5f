#pragma once

#include <files/redaction.h>

#include <QDialog>

#include <vector>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace spanscope::ui {

// Export for a Bug Report, before anything is written or a file is chosen: what redaction will
// mask in the chosen traces, value by value (span, attribute, the value as it will read, the
// rule), with a box per row to un-mask that attribute, a field to mask more attribute keys, and
// a note for whoever receives the bundle. Busy while the preview is computed; every change of
// the rules asks for it again (rulesChanged), and showFindings() fills it in.
class ExportPreviewDialog : public QDialog
{
    Q_OBJECT
public:
    ExportPreviewDialog(int traces, QWidget *parent = nullptr);

    // The rules as the user has made them: the defaults, plus the keys to mask, minus the keys
    // un-masked.
    ingest::RedactionRules rules() const;
    QString note() const;
    // Export was chosen without redaction.
    bool unredacted() const { return m_unredacted; }

    // A preview is being computed for the current rules.
    void showBusy();
    void showFindings(const std::vector<ingest::Redactor::Finding> &findings, int total);
    void showProblem(const QString &text);
    bool isBusy() const;

    QTableWidget *findingsTable() const { return m_table; }
    QLineEdit *moreKeys() const { return m_moreKeys; }
    QPlainTextEdit *noteField() const { return m_note; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *unredactedButton() const { return m_exportRaw; }

    static constexpr int MaskColumn = 0, PlaceColumn = 1, KeyColumn = 2, ValueColumn = 3,
                         PatternColumn = 4;

signals:
    void rulesChanged();

private:
    void keyToggled(int row);

    int m_traces;
    QLabel *m_summary;
    QProgressBar *m_busy;
    QTableWidget *m_table;
    QLineEdit *m_moreKeys;
    QPlainTextEdit *m_note;
    QDialogButtonBox *m_buttons;
    QPushButton *m_export;
    QPushButton *m_exportRaw;
    std::vector<std::string> m_keep; // attribute keys the user un-masked
    bool m_unredacted = false;
    bool m_filling = false; // showFindings() is filling the table: not the user's doing
};

} // namespace spanscope::ui
