#pragma once

#include <QComboBox>
#include <QLineEdit>

#include <functional>

namespace spanscope::ui {

// A text field that checks what is typed: text it does not understand is marked (not refused:
// the user may be half-way through typing) and its tooltip says what is expected.
class CheckedLineEdit : public QLineEdit
{
    Q_OBJECT
public:
    CheckedLineEdit(std::function<bool(const QString &)> accepts, QString expected,
                    QWidget *parent = nullptr);
    // `problem` says what is wrong with a text, empty when it is understood.
    explicit CheckedLineEdit(std::function<QString(const QString &)> problem,
                             QWidget *parent = nullptr);

    bool isAcceptable() const; // empty, or understood
    void clearAndReset();

private:
    void check();

    std::function<QString(const QString &)> m_problem;
    QString m_help;
};

// "All services" and the services seen so far; refreshing keeps the choice.
class ServiceCombo : public QComboBox
{
    Q_OBJECT
public:
    explicit ServiceCombo(QWidget *parent = nullptr);

    void setServices(const QStringList &services);
    QString service() const; // empty for all
};

} // namespace spanscope::ui
