#include "filterfields.h"

namespace spanscope::ui {

CheckedLineEdit::CheckedLineEdit(std::function<bool(const QString &)> accepts, QString expected,
                                 QWidget *parent)
    : QLineEdit(parent)
    , m_accepts(std::move(accepts))
    , m_expected(std::move(expected))
{
    connect(this, &QLineEdit::textChanged, this, &CheckedLineEdit::check);
}

bool CheckedLineEdit::isAcceptable() const
{
    return text().trimmed().isEmpty() || m_accepts(text());
}

void CheckedLineEdit::clearAndReset()
{
    clear();
    check();
}

void CheckedLineEdit::check()
{
    const bool valid = isAcceptable();
    if (!valid && m_help.isEmpty())
        m_help = toolTip();
    setStyleSheet(valid ? QString() : QStringLiteral("QLineEdit { color: #dc322f; }"));
    setProperty("invalid", !valid);
    setToolTip(valid ? (m_help.isEmpty() ? toolTip() : m_help)
                     : tr("Not understood: expected %1; this field is ignored.").arg(m_expected));
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
