#include "attributefilteredit.h"

#include "tracequerythread.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QRegularExpression>
#include <QStandardItemModel>

namespace spanscope::ui {

namespace {

// What a completion gives the field; the popup shows only the key or value it adds.
constexpr int WholeTextRole = Qt::UserRole + 1;

QString problemOf(const QString &text)
{
    const auto parsed = storage::parseAttributeConditions(text.toStdString());
    return parsed ? QString() : QString::fromStdString(parsed.error());
}

} // namespace

AttributeFilterEdit::AttributeFilterEdit(QWidget *parent)
    : CheckedLineEdit(problemOf, parent)
    , m_completer(new QCompleter(this))
    , m_model(new QStandardItemModel(this))
{
    setPlaceholderText(tr("attributes: key=value AND …"));
    setClearButtonEnabled(true);
    m_completer->setModel(m_model);
    m_completer->setCompletionRole(WholeTextRole);
    m_completer->setWidget(this);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setMaxVisibleItems(12);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            [this](const QString &chosen) {
                setText(chosen);
                emit textEdited(chosen);
            });
    connect(this, &QLineEdit::textEdited, this, &AttributeFilterEdit::offerCompletions);
}

std::vector<storage::AttributeCondition> AttributeFilterEdit::conditions() const
{
    auto parsed = storage::parseAttributeConditions(text().toStdString());
    return parsed ? std::move(*parsed) : std::vector<storage::AttributeCondition>{};
}

void AttributeFilterEdit::setKeys(const QStringList &keys)
{
    m_keys = keys;
    if (hasFocus())
        offerCompletions();
}

void AttributeFilterEdit::setValues(const QString &key, const QStringList &values)
{
    if (key != typing().key)
        return; // an answer for a key no longer typed
    m_valuesKey = key;
    m_askedKey.clear();
    m_values = values;
    if (hasFocus())
        offerCompletions();
}

void AttributeFilterEdit::focusInEvent(QFocusEvent *event)
{
    CheckedLineEdit::focusInEvent(event);
    m_valuesKey.clear(); // values and keys seen since the last look
    emit keysWanted();
}

AttributeFilterEdit::Typing AttributeFilterEdit::typing() const
{
    static const QRegularExpression separator(QStringLiteral("\\s+and\\s+"),
                                              QRegularExpression::CaseInsensitiveOption);
    const QString all = text();
    Typing out;
    qsizetype clauseStart = 0;
    for (auto it = separator.globalMatch(all); it.hasNext();)
        clauseStart = it.next().capturedEnd();
    out.head = all.left(clauseStart);
    const QString clause = all.mid(clauseStart);
    static const QRegularExpression keyAndOperator(
        QStringLiteral("^\\s*([^\\s=!<>]+)\\s*([=!<>]+)?"));
    const auto match = keyAndOperator.match(clause);
    out.key = match.captured(1);
    out.op = match.captured(2);
    return out;
}

void AttributeFilterEdit::offerCompletions()
{
    const Typing now = typing();
    // The popup shows what the clause gets (a key, a value); choosing it gives the whole text.
    QList<std::pair<QString, QString>> entries; // (shown, whole text)
    if (now.op.isEmpty()) {
        if (m_keys.isEmpty())
            emit keysWanted();
        for (const QString &key : m_keys)
            entries.append({key, now.head + key});
    } else if (now.key != m_valuesKey) {
        m_values.clear();
        if (now.key != m_askedKey) {
            m_askedKey = now.key;
            emit valuesWanted(now.key);
        }
    } else {
        for (const QString &value : m_values)
            entries.append({value,
                            now.head + now.key + now.op
                                + QString::fromStdString(storage::valueText(value.toStdString()))});
    }
    if (entries != m_entries) { // a reset while the popup shows would blank it
        m_entries = entries;
        m_model->clear();
        for (const auto &[shown, whole] : entries) {
            auto *item = new QStandardItem(shown);
            item->setData(whole, WholeTextRole);
            item->setToolTip(whole);
            m_model->appendRow(item);
        }
    }
    m_completer->setCompletionPrefix(text());
    const bool offer = hasFocus() && !text().trimmed().isEmpty()
        && m_completer->completionCount() > 0
        && !(m_completer->completionCount() == 1 && m_completer->currentCompletion() == text());
    if (offer)
        m_completer->complete();
    else if (m_completer->popup()->isVisible())
        m_completer->popup()->hide();
}

namespace {

QStringList listOf(const storage::Result<std::vector<std::string>> &found)
{
    QStringList out;
    if (found) {
        for (const std::string &text : *found)
            out << QString::fromStdString(text);
    }
    return out;
}

} // namespace

void feedCompletions(AttributeFilterEdit *field, TraceQueryThread *queries,
                     storage::AttributeSource source)
{
    QObject::connect(field, &AttributeFilterEdit::keysWanted, field, [=] {
        queries->request<QStringList>(
            field,
            [source](storage::TraceStore &store) { return listOf(store.attributeKeys(source)); },
            [field](QStringList keys) { field->setKeys(keys); });
    });
    QObject::connect(field, &AttributeFilterEdit::valuesWanted, field, [=](const QString &key) {
        queries->request<QStringList>(
            field,
            [source, key = key.toStdString()](storage::TraceStore &store) {
                return listOf(store.attributeValues(source, key));
            },
            [field, key](QStringList values) { field->setValues(key, values); });
    });
}

} // namespace spanscope::ui
