// The trace filters: the filter the fields describe, marking
// fields that do not parse, and one debounced change per burst of typing.

#include <filterbar.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using spanscope::ui::FilterBar;

class TestFilterBar : public QObject
{
    Q_OBJECT
private slots:
    void fieldsMakeTheFilter()
    {
        FilterBar bar;
        bar.setServices({QStringLiteral("checkout"), QStringLiteral("payments")});
        auto *service = bar.findChild<QComboBox *>();
        QCOMPARE(service->count(), 3); // "All services" first
        service->setCurrentIndex(2);
        bar.findChild<QCheckBox *>()->setChecked(true);
        const auto edits = bar.findChildren<QLineEdit *>();
        const auto field = [&](const char *placeholder) {
            for (QLineEdit *edit : edits) {
                if (edit->placeholderText().startsWith(QLatin1String(placeholder)))
                    return edit;
            }
            return static_cast<QLineEdit *>(nullptr);
        };
        QTest::keyClicks(field("min"), QStringLiteral("100ms"));
        QTest::keyClicks(field("attributes"),
                         QStringLiteral("http.route = /orders AND http.status_code>=500"));
        QTest::keyClicks(field("trace id"), QStringLiteral("4BF92F3577B34DA6A3CE929D0E0E4736"));
        QTest::keyClicks(field("any operation"), QStringLiteral("GET /stock"));

        const auto filter = bar.filter();
        QCOMPARE(filter.service, std::string("payments"));
        QCOMPARE(filter.spanName, std::string("GET /stock"));
        QVERIFY(filter.errorsOnly);
        QCOMPARE(filter.minDurationNs.value_or(0), 100'000'000);
        QVERIFY(!filter.maxDurationNs);
        QCOMPARE(filter.attributes.size(), std::size_t(2));
        QCOMPARE(filter.attributes[0].key, std::string("http.route"));
        QCOMPARE(filter.attributes[0].value, std::string("/orders"));
        QCOMPARE(int(filter.attributes[1].op),
                 int(spanscope::storage::AttributeOp::GreaterOrEqual));
        QCOMPARE(filter.attributes[1].number, 500.0);
        QVERIFY(filter.traceId);
        QCOMPARE(filter.traceId->at(0), std::uint8_t(0x4b));

        bar.clear();
        const auto cleared = bar.filter();
        QVERIFY(cleared.service.empty() && cleared.spanName.empty() && !cleared.errorsOnly);
        QVERIFY(!cleared.minDurationNs && !cleared.traceId && cleared.attributes.empty());
    }

    void sourceFieldShowsImportedFiles()
    {
        FilterBar bar;
        bar.show();
        const auto sourceCombo = [&bar] {
            for (auto *combo : bar.findChildren<QComboBox *>()) {
                if (combo->accessibleName() == QLatin1String("Source"))
                    return combo;
            }
            return static_cast<QComboBox *>(nullptr);
        };
        QComboBox *source = sourceCombo();
        QVERIFY(source);
        QVERIFY(!source->isVisible()); // nothing imported: no field
        bar.setSources(
            {QStringLiteral("/tmp/a/jaeger.json"), QStringLiteral("/tmp/b/bug.spanscope")});
        QVERIFY(source->isVisible());
        QCOMPARE(source->itemText(2), QStringLiteral("bug.spanscope"));
        QSignalSpy changed(&bar, &FilterBar::filterChanged);
        source->setCurrentIndex(2);
        emit source->activated(2);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(bar.filter().source, std::string("/tmp/b/bug.spanscope"));
        // A refreshed list keeps the choice.
        bar.setSources(
            {QStringLiteral("/tmp/b/bug.spanscope"), QStringLiteral("/tmp/c/more.json")});
        QCOMPARE(bar.filter().source, std::string("/tmp/b/bug.spanscope"));
        bar.clear();
        QCOMPARE(bar.filter().source, std::string());
    }

    void badFieldsAreMarkedAndIgnored()
    {
        FilterBar bar;
        QLineEdit *max = nullptr;
        for (QLineEdit *edit : bar.findChildren<QLineEdit *>()) {
            if (edit->placeholderText().startsWith(QLatin1String("max")))
                max = edit;
        }
        QVERIFY(max);
        QTest::keyClicks(max, QStringLiteral("soon"));
        QVERIFY(max->property("invalid").toBool());
        QVERIFY(max->toolTip().contains(QLatin1String("Not understood")));
        QVERIFY(!bar.filter().maxDurationNs);
        max->clear();
        QTest::keyClicks(max, QStringLiteral("2s"));
        QVERIFY(!max->property("invalid").toBool());
        QCOMPARE(bar.filter().maxDurationNs.value_or(0), 2'000'000'000);
    }

    void typingIsDebouncedIntoOneChange()
    {
        FilterBar bar;
        QSignalSpy changed(&bar, &FilterBar::filterChanged);
        QLineEdit *attribute = nullptr;
        for (QLineEdit *edit : bar.findChildren<QLineEdit *>()) {
            if (edit->placeholderText().startsWith(QLatin1String("attributes")))
                attribute = edit;
        }
        QTest::keyClicks(attribute, QStringLiteral("service.version=1.2"));
        QCOMPARE(changed.count(), 0);
        QVERIFY(changed.wait(4 * FilterBar::DebounceMs));
        QTest::qWait(2 * FilterBar::DebounceMs);
        QCOMPARE(changed.count(), 1);
    }
};

QTEST_MAIN(TestFilterBar)
#include "tst_filterbar.moc"
