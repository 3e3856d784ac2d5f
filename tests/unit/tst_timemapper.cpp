// The waterfall's time <-> pixel mapping: exact at nanosecond zoom on long traces, zoom keeps the
// anchor still, ticks follow 1-2-5 steps.

#include <timemapper.h>

#include <QTest>

using spanscope::ui::TimeMapper;

class TestTimeMapper : public QObject
{
    Q_OBJECT
private slots:
    // Neighbouring ticks never read the same: the step decides the decimals.
    void tickLabels_data()
    {
        QTest::addColumn<qint64>("tick");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("label");
        QTest::newRow("zero") << qint64(0) << qint64(50'000'000) << QStringLiteral("0");
        QTest::newRow("50 ms steps past 14 s")
            << qint64(14'350'000'000) << qint64(50'000'000) << QStringLiteral("14.35 s");
        QTest::newRow("and the next")
            << qint64(14'400'000'000) << qint64(50'000'000) << QStringLiteral("14.40 s");
        QTest::newRow("whole seconds")
            << qint64(3'000'000'000) << qint64(1'000'000'000) << QStringLiteral("3 s");
        QTest::newRow("ms") << qint64(150'000'000) << qint64(50'000'000)
                            << QStringLiteral("150 ms");
        QTest::newRow("fine ms") << qint64(1'500'000) << qint64(500'000)
                                 << QStringLiteral("1.5 ms");
        QTest::newRow("µs") << qint64(200'000) << qint64(100'000) << QStringLiteral("200 µs");
    }

    void tickLabels()
    {
        QFETCH(qint64, tick);
        QFETCH(qint64, step);
        QFETCH(QString, label);
        QCOMPARE(TimeMapper::tickLabel(tick, step), label);
    }

    void mapping_data()
    {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<int>("width");
        QTest::addColumn<qint64>("time");
        QTest::addColumn<double>("x");
        QTest::newRow("start of view") << qint64(0) << qint64(1000) << 100 << qint64(0) << 0.0;
        QTest::newRow("middle") << qint64(0) << qint64(1000) << 100 << qint64(500) << 50.0;
        QTest::newRow("end") << qint64(0) << qint64(1000) << 100 << qint64(1000) << 100.0;
        QTest::newRow("left of view")
            << qint64(1000) << qint64(1000) << 100 << qint64(500) << -50.0;
        // An hour into a trace, zoomed to 100 ns over 1000 px: each nanosecond is 10 px.
        QTest::newRow("nanoseconds an hour in") << qint64(3'600'000'000'000) << qint64(100) << 1000
                                                << qint64(3'600'000'000'037) << 370.0;
        QTest::newRow("a day over 1920 px") << qint64(0) << qint64(86'400'000'000'000) << 1920
                                            << qint64(43'200'000'000'000) << 960.0;
    }

    void mapping()
    {
        QFETCH(qint64, start);
        QFETCH(qint64, duration);
        QFETCH(int, width);
        QFETCH(qint64, time);
        QFETCH(double, x);
        const TimeMapper mapper(start, duration, width);
        QCOMPARE(mapper.toX(time), x);
        QCOMPARE(mapper.toTime(x), time);
    }

    void zoomKeepsTheAnchorStill_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<double>("anchorX");
        QTest::newRow("in at the left edge") << 2.0 << 0.0;
        QTest::newRow("in at the centre") << 4.0 << 500.0;
        QTest::newRow("out near the right") << 0.5 << 900.0;
        QTest::newRow("deep in") << 1e6 << 250.0;
    }

    void zoomKeepsTheAnchorStill()
    {
        QFETCH(double, factor);
        QFETCH(double, anchorX);
        const TimeMapper mapper(1'000'000, 2'000'000'000, 1000);
        const TimeMapper zoomed = mapper.zoomed(factor, anchorX);
        QVERIFY(std::abs(zoomed.toTime(anchorX) - mapper.toTime(anchorX)) <= 1);
        QCOMPARE(zoomed.viewDuration(),
                 std::max<qint64>(TimeMapper::MinVisibleNs, qint64(2'000'000'000 / factor)));
    }

    void zoomStopsAtTheMinimum()
    {
        TimeMapper mapper(0, 1000, 800);
        for (int i = 0; i < 20; ++i)
            mapper = mapper.zoomed(10, 400);
        QCOMPARE(mapper.viewDuration(), TimeMapper::MinVisibleNs);
    }

    void panShowAndClamp()
    {
        const TimeMapper mapper(0, 1000, 100);
        QCOMPARE(mapper.panned(-10).viewStart(), qint64(100)); // dragging left moves later
        QCOMPARE(mapper.panned(25).viewStart(), qint64(-250));
        const TimeMapper range = mapper.showing(700, 300);
        QCOMPARE(range.viewStart(), qint64(300));
        QCOMPARE(range.viewDuration(), qint64(400));
        QCOMPARE(TimeMapper(-50, 100, 10).clampedTo(1000).viewStart(), qint64(0));
        QCOMPARE(TimeMapper(950, 100, 10).clampedTo(1000).viewStart(), qint64(900));
        const TimeMapper wide = TimeMapper(-500, 5000, 10).clampedTo(1000);
        QCOMPARE(wide.viewStart(), qint64(0));
        QCOMPARE(wide.viewDuration(), qint64(1000));
    }

    void ticks_data()
    {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<qint64>("firstTick");
        // 1000 px wide, ticks at least 100 px apart: about ten ticks.
        QTest::newRow("1 s") << qint64(0) << qint64(1'000'000'000) << qint64(100'000'000)
                             << qint64(0);
        QTest::newRow("3 ms, offset")
            << qint64(1'234'567) << qint64(3'000'000) << qint64(500'000) << qint64(1'500'000);
        QTest::newRow("70 ns") << qint64(5) << qint64(70) << qint64(10) << qint64(10);
        QTest::newRow("negative start")
            << qint64(-250) << qint64(1000) << qint64(100) << qint64(-200);
    }

    void ticks()
    {
        QFETCH(qint64, start);
        QFETCH(qint64, duration);
        QFETCH(qint64, step);
        QFETCH(qint64, firstTick);
        const TimeMapper mapper(start, duration, 1000);
        QCOMPARE(mapper.tickStep(100), step);
        const auto ticks = mapper.ticks(100);
        QVERIFY(!ticks.empty());
        QCOMPARE(ticks.front(), firstTick);
        for (std::size_t i = 1; i < ticks.size(); ++i) {
            QCOMPARE(ticks[i] - ticks[i - 1], step);
            QVERIFY(mapper.toX(ticks[i]) - mapper.toX(ticks[i - 1]) >= 100 - 1e-9);
        }
        QVERIFY(ticks.back() <= mapper.viewEnd());
    }
};

QTEST_GUILESS_MAIN(TestTimeMapper)
#include "tst_timemapper.moc"
