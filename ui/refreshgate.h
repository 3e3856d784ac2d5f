#pragma once

namespace spanscope::ui {

// One refresh at a time, none lost: asked while one runs, exactly one more follows it. For
// views that re-read the store when the backend says new data was committed.
class RefreshGate
{
public:
    // Whether the caller should start a refresh now (otherwise one follows the running one).
    bool ask()
    {
        if (m_running) {
            m_again = true;
            return false;
        }
        m_running = true;
        return true;
    }
    // The running refresh ended; true when another was asked for meanwhile and should start.
    bool done()
    {
        m_running = m_again;
        m_again = false;
        return m_running;
    }
    bool running() const { return m_running; }

private:
    bool m_running = false;
    bool m_again = false;
};

} // namespace spanscope::ui
