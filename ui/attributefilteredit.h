#pragma once

#include "filterfields.h"

#include <attributefilter.h>

#include <QStringList>

#include <vector>

class QCompleter;
class QStandardItemModel;

namespace spanscope::storage {
enum class AttributeSource;
}

namespace spanscope::ui {

class TraceQueryThread;

// An attribute filter: clauses joined by AND (`http.route=/orders AND http.status_code>=500`),
// checked as typed, with completion of the clause being typed — its key, then the values that
// key takes. The completions come from the store through the owner, which answers keysWanted
// with setKeys and valuesWanted with setValues (on a query thread: the field never waits).
class AttributeFilterEdit : public CheckedLineEdit
{
    Q_OBJECT
public:
    explicit AttributeFilterEdit(QWidget *parent = nullptr);

    // The clauses typed; none while the text is not understood (the field then filters nothing).
    std::vector<storage::AttributeCondition> conditions() const;
    void setKeys(const QStringList &keys);
    void setValues(const QString &key, const QStringList &values);
    QCompleter *completions() const { return m_completer; }

signals:
    void keysWanted();
    void valuesWanted(const QString &key);

protected:
    void focusInEvent(QFocusEvent *event) override;

private:
    // What is being typed: the finished clauses, and the last one taken apart.
    struct Typing
    {
        QString head; // everything before the last clause, with its AND
        QString key;
        QString op; // empty while the key is being typed
    };
    Typing typing() const;
    void offerCompletions();

    QCompleter *m_completer;
    QStandardItemModel *m_model;
    QList<std::pair<QString, QString>> m_entries; // what the model holds: (shown, whole text)
    QStringList m_keys;
    QString m_valuesKey; // whose values m_values are
    QString m_askedKey; // whose values were asked for and have not come yet
    QStringList m_values;
};

// Answers the field's completion requests with keys and values from `source` in the store,
// read on `queries`.
void feedCompletions(AttributeFilterEdit *field, TraceQueryThread *queries,
                     storage::AttributeSource source);

} // namespace spanscope::ui
