// The trace view's history: places visited, Back and Forward as in a browser, the current
// place's span following the selection, forward places dropped by a new visit, and the bound.

#include <navigationhistory.h>

#include <QTest>

using namespace spanscope;
using spanscope::ui::NavigationHistory;

namespace {

NavigationHistory::Place place(std::uint8_t trace, std::optional<std::uint8_t> span = {})
{
    NavigationHistory::Place out;
    out.trace[0] = trace;
    if (span) {
        out.span = storage::SpanId{};
        (*out.span)[0] = *span;
    }
    return out;
}

storage::SpanId spanId(std::uint8_t id)
{
    storage::SpanId out{};
    out[0] = id;
    return out;
}

} // namespace

class TestNavigationHistory : public QObject
{
    Q_OBJECT
private slots:
    void backAndForwardWalkThePlaces()
    {
        NavigationHistory history;
        QVERIFY(!history.canGoBack() && !history.canGoForward());
        QVERIFY(!history.back());
        history.visit(place(1, 1));
        history.visit(place(2, 7));
        history.visit(place(2, 7)); // the same place again is not a step
        history.visit(place(3));
        QCOMPARE(history.back()->trace[0], 2);
        const auto first = history.back();
        QCOMPARE(first->trace[0], 1);
        QVERIFY(!history.canGoBack());
        QCOMPARE(history.forward()->span, spanId(7));
        QCOMPARE(history.forward()->trace[0], 3);
        QVERIFY(!history.canGoForward());
    }

    void theCurrentPlaceKeepsTheSelectedSpan()
    {
        NavigationHistory history;
        history.visit(place(1, 1));
        history.selectSpan(place(1).trace, spanId(5));
        history.selectSpan(place(9).trace, spanId(6)); // another trace: not this place's
        history.visit(place(2));
        QCOMPARE(history.back()->span, spanId(5));
    }

    void aVisitAfterGoingBackDropsThePlacesAhead()
    {
        NavigationHistory history;
        history.visit(place(1));
        history.visit(place(2));
        history.back();
        history.visit(place(3));
        QVERIFY(!history.canGoForward());
        QCOMPARE(history.back()->trace[0], 1);
    }

    void theOldestPlacesGoFirst()
    {
        NavigationHistory history;
        for (std::size_t i = 0; i < NavigationHistory::MaxPlaces + 10; ++i)
            history.visit(place(std::uint8_t(i % 250), std::uint8_t(i / 250)));
        std::size_t steps = 0;
        std::optional<NavigationHistory::Place> oldest;
        while (const auto previous = history.back()) {
            oldest = previous;
            ++steps;
        }
        QCOMPARE(steps, NavigationHistory::MaxPlaces - 1);
        QCOMPARE(oldest->trace[0], 10);
    }
};

QTEST_APPLESS_MAIN(TestNavigationHistory)
#include "tst_navigationhistory.moc"
