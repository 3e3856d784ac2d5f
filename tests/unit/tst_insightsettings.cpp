// The insight preferences as QSettings keeps them (thresholds, ignored problems, values edited
// into nonsense), and the Insight Settings dialog that edits them.

#include <insightpreferences.h>
#include <insightsettingsdialog.h>

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;

namespace {

analysis::Insight nPlusOne()
{
    analysis::Insight insight;
    insight.kind = analysis::InsightKind::NPlusOneDb;
    insight.fingerprint = "0123456789abcdef";
    insight.pattern = "SELECT * FROM items WHERE id = ?";
    insight.parentOperation = "shop: GET /orders";
    return insight;
}

} // namespace

class TestInsightSettings : public QObject
{
    Q_OBJECT
private slots:
    void roundTripThroughTheSettingsFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("spanscope.conf"));
        ui::InsightPreferences chosen;
        chosen.thresholds.repeatedSiblings = 8;
        chosen.thresholds.repeatedTotalNs = 0;
        chosen.thresholds.repeatedShareOfParent = 0.25;
        chosen.thresholds.slowQueryNs = 250'000'000;
        chosen.ignore(nPlusOne());
        {
            QSettings settings(path, QSettings::IniFormat);
            chosen.save(settings);
        }
        const QSettings settings(path, QSettings::IniFormat);
        const ui::InsightPreferences read = ui::InsightPreferences::load(settings);
        QVERIFY(read == chosen);
        QCOMPARE(read.ignored.at("0123456789abcdef"),
                 QStringLiteral("N+1 queries: SELECT * FROM items WHERE id = ? under shop: GET "
                                "/orders"));
        QCOMPARE(read.ignoredFingerprints(), std::set<std::string>{"0123456789abcdef"});

        // Saving fewer ignored problems forgets the others.
        ui::InsightPreferences fewer = read;
        fewer.ignored.clear();
        {
            QSettings again(path, QSettings::IniFormat);
            fewer.save(again);
        }
        QVERIFY(
            ui::InsightPreferences::load(QSettings(path, QSettings::IniFormat)).ignored.empty());
    }

    void nonsenseFallsBackToDefaults()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("spanscope.conf"));
        {
            QSettings settings(path, QSettings::IniFormat);
            settings.setValue(QStringLiteral("insights/repeatedSiblings"), QStringLiteral("many"));
            settings.setValue(QStringLiteral("insights/slowQueryNs"), -5);
            settings.setValue(QStringLiteral("insights/sequentialCalls"), 1);
            settings.setValue(QStringLiteral("insights/repeatedSharePercent"), 400);
        }
        const auto read = ui::InsightPreferences::load(QSettings(path, QSettings::IniFormat));
        const analysis::InsightThresholds defaults;
        QCOMPARE(read.thresholds.repeatedSiblings, defaults.repeatedSiblings);
        QCOMPARE(read.thresholds.slowQueryNs, defaults.slowQueryNs);
        QCOMPARE(read.thresholds.sequentialCalls, 2); // one call is no run
        QCOMPARE(read.thresholds.repeatedShareOfParent, defaults.repeatedShareOfParent);
    }

    void theDialogEditsThresholdsAndTheIgnoredList()
    {
        ui::InsightPreferences start;
        start.ignore(nPlusOne());
        ui::InsightSettingsDialog dialog(start);
        QVERIFY(dialog.preferences() == start); // unchanged when nothing is edited

        dialog.findChild<QSpinBox *>(QStringLiteral("repeatedSiblings"))->setValue(10);
        dialog.findChild<QDoubleSpinBox *>(QStringLiteral("slowQuery"))->setValue(42.5);
        ui::InsightPreferences edited = dialog.preferences();
        QCOMPARE(edited.thresholds.repeatedSiblings, 10);
        QCOMPARE(edited.thresholds.slowQueryNs, std::int64_t(42'500'000));
        QCOMPARE(edited.ignored.size(), std::size_t(1));

        QListWidget *list = dialog.ignoredList();
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->toolTip().contains(QStringLiteral("GET /orders")));
        auto *stop = dialog.findChild<QPushButton *>();
        QVERIFY(!stop->isEnabled()); // nothing selected
        list->item(0)->setSelected(true);
        QVERIFY(stop->isEnabled());
        stop->click();
        QVERIFY(dialog.preferences().ignored.empty());

        auto *buttons = dialog.findChild<QDialogButtonBox *>();
        buttons->button(QDialogButtonBox::RestoreDefaults)->click();
        QVERIFY(dialog.preferences().thresholds == analysis::InsightThresholds{});
    }
};

QTEST_MAIN(TestInsightSettings)
#include "tst_insightsettings.moc"
