#pragma once

#include "detailsbrowser.h"
#include "logrowsmodel.h"

#include <optional>

namespace spanscope::ui {

// One log record in full: time, severity, service, the whole body, its exception (rendered like
// a span's, with linked frames), attributes, and a link to the span that wrote it.
class LogDetailsView : public DetailsBrowser
{
    Q_OBJECT
public:
    explicit LogDetailsView(QWidget *parent = nullptr);

    void showLog(const LogRow &row);
    void clearLog();

    static QString html(const LogRow &row, QStringList *copyValues = nullptr);

protected:
    void render() override;

private:
    std::optional<LogRow> m_row;
};

} // namespace spanscope::ui
