#pragma once

#include "backend.h"

#include <QWidget>

class QTabWidget;

namespace spanscope::ui {

// What a new user sees while the store is empty: where Spanscope listens, the settings to paste
// into a service for each SDK, and a button that sends demo data.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(const Backend::Addresses &endpoints, QWidget *parent = nullptr);

    // The settings for the SDK whose tab is shown.
    QString currentSnippet() const;

signals:
    void demoRequested();
    void copied(const QString &what);

private:
    QTabWidget *m_tabs;
};

} // namespace spanscope::ui
