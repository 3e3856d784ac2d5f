#pragma once

#include "appsettings.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace spanscope::ui {

// Edit ▸ Settings: receivers, storage, editor and appearance. Shows what is wrong while it is
// typed (OK stays disabled until it is fixed) and which changes wait for a restart.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // `running`: what the receivers use now, to tell which edits need a restart.
    SettingsDialog(const AppSettings &settings, const AppSettings &running,
                   QWidget *parent = nullptr);

    AppSettings settings() const;

    // The stored settings with the receivers and database as they run now (options may have
    // overridden the stored ones), so that a restart changes only what the user edits.
    static AppSettings shownFor(const AppSettings &running);
    // Asks whether to restart now for settings that need it; `restart` runs on "Restart Now".
    static void offerRestart(QWidget *parent, std::function<void()> restart);

private:
    void showState();

    AppSettings m_initial; // what was loaded: fields the dialog does not show are kept
    AppSettings m_running;
    QLineEdit *m_grpc;
    QLineEdit *m_http;
    QLineEdit *m_token;
    QLineEdit *m_database;
    QSpinBox *m_retention; // MiB
    QLineEdit *m_editor;
    QLineEdit *m_sourceRoots;
    QComboBox *m_theme;
    QCheckBox *m_notify;
    QLabel *m_problem;
    QLabel *m_restart;
    QDialogButtonBox *m_buttons;
};

} // namespace spanscope::ui
