#pragma once

#include "refreshgate.h"

#include <QTimer>
#include <QWidget>

#include <functional>

namespace spanscope::ui {

// When a page that reads the store reads again: at once when asked (shown, a control changed),
// or once new data has settled for `settleMs` while the page is visible; one read at a time,
// none lost (RefreshGate). The page calls finished() when its read's answer is applied.
class LiveRefresh
{
public:
    LiveRefresh(QWidget *page, int settleMs, std::function<void()> read)
        : m_page(page)
        , m_read(std::move(read))
    {
        m_settle.setSingleShot(true);
        m_settle.setInterval(settleMs);
        QObject::connect(&m_settle, &QTimer::timeout, page, [this] { now(); });
    }

    void now()
    {
        if (m_gate.ask())
            m_read();
    }
    void soon()
    {
        if (m_page->isVisible())
            m_settle.start();
    }
    void finished()
    {
        if (m_gate.done())
            m_read();
    }

private:
    QWidget *m_page;
    std::function<void()> m_read;
    QTimer m_settle;
    RefreshGate m_gate;
};

} // namespace spanscope::ui
