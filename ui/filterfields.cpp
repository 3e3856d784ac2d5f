#include "filterfields.h"

namespace spanscope::ui {

CheckedLineEdit::CheckedLineEdit(std::function<bool(const QString &)> accepts, QString expected,
                                 QWidget *parent)
    : CheckedLineEdit(
        [accepts = std::move(accepts), expected = std::move(expected)](const QString &text) {
            return accepts(text) ? QString() : tr("expected %1.").arg(expected);
        },
        parent)
{}

CheckedLineEdit::CheckedLineEdit(std::function<QString(const QString &)> problem, QWidget *parent)
    : QLineEdit(parent)
    , m_problem(std::move(problem))
{
    connect(this, &QLineEdit::textChanged, this, &CheckedLineEdit::check);
}

bool CheckedLineEdit::isAcceptable() const
{
    return text().trimmed().isEmpty() || m_problem(text()).isEmpty();
}

void CheckedLineEdit::clearAndReset()
{
    clear();
    check();
}

void CheckedLineEdit::check()
{
    const QString problem = text().trimmed().isEmpty() ? QString() : m_problem(text());
    const bool valid = problem.isEmpty();
    if (!valid && m_help.isEmpty())
        m_help = toolTip();
    setStyleSheet(valid ? QString() : QStringLiteral("QLineEdit { color: #dc322f; }"));
    setProperty("invalid", !valid);
    setToolTip(valid ? (m_help.isEmpty() ? toolTip() : m_help)
                     : tr("Not understood: %1 This field is ignored.").arg(problem));
}

ServiceCombo::ServiceCombo(QWidget *parent)
    : QComboBox(parent)
{
    setAccessibleName(tr("Service"));
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setServices({});
}

void ServiceCombo::setServices(const QStringList &services)
{
    const QString current = service();
    QStringList items;
    for (int i = 1; i < count(); ++i)
        items << itemData(i).toString();
    if (items == services && count() > 0)
        return; // unchanged: keep the popup and the user's place
    clear();
    addItem(tr("All services"), QString());
    for (const QString &name : services)
        addItem(name, name);
    setCurrentIndex(std::max(findData(current), 0));
}

QString ServiceCombo::service() const
{
    return currentData().toString();
}

} // namespace spanscope::ui
