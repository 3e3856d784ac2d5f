// Service colours: each service of a session gets a colour of its own while the palette lasts,
// keeps it, and every colour stands apart from the others, from the error red, and from both
// themes' backgrounds.

#include "colourdistance.h"

#include <servicecolour.h>

#include <QTest>

#include <set>
#include <string>
#include <vector>

using namespace spanscope;

class TestServiceColour : public QObject
{
    Q_OBJECT
private slots:
    void everyServiceOfASessionGetsItsOwnColour()
    {
        // The demo's services and the user guide's, then more up to the palette's size.
        const std::vector<std::string> services{
            "web-frontend", "checkout", "inventory", "payments", "notifications", "checkout-py",
            "orders-api",   "worker",   "redis",     "postgres", "celery",        "gateway"};
        QCOMPARE(int(services.size()), ui::ServicePaletteSize);
        std::set<QRgb> colours;
        for (const std::string &service : services)
            colours.insert(ui::serviceColour(service).rgb());
        QCOMPARE(int(colours.size()), ui::ServicePaletteSize);
        // A service keeps its colour.
        QCOMPARE(ui::serviceColour("checkout").rgb(), ui::serviceColour("checkout").rgb());
        // Past the palette colours repeat, but each is still one of the palette's.
        QVERIFY(colours.count(ui::serviceColour("one-service-too-many").rgb()));
    }

    void theColoursStandApart()
    {
        std::vector<QColor> palette;
        for (int i = 0; i < ui::ServicePaletteSize; ++i)
            palette.push_back(ui::serviceColour("palette-" + std::to_string(i)));
        const QColor red(220, 50, 47), light(255, 255, 255), dark(30, 30, 32);
        double closest = 1e9;
        for (std::size_t i = 0; i < palette.size(); ++i) {
            for (std::size_t j = i + 1; j < palette.size(); ++j)
                closest = std::min(closest, deltaE(palette[i], palette[j]));
            QVERIFY2(deltaE(palette[i], red) >= 25, qPrintable(palette[i].name()));
            QVERIFY2(deltaE(palette[i], light) >= 15, qPrintable(palette[i].name()));
            QVERIFY2(deltaE(palette[i], dark) >= 40, qPrintable(palette[i].name()));
        }
        QVERIFY2(closest >= 15, qPrintable(QString::number(closest)));
    }

    // A trace of a few services gets the strong colours, which stand further apart.
    void aFewServicesGetTheStrongColours()
    {
        std::vector<QColor> few;
        for (const char *service : {"svc-a", "svc-b", "svc-c", "svc-d", "svc-e", "svc-f"})
            few.push_back(ui::serviceColour(std::string("few-") + service));
        for (std::size_t i = 0; i < few.size(); ++i) {
            for (std::size_t j = i + 1; j < few.size(); ++j)
                QVERIFY2(deltaE(few[i], few[j]) >= 25,
                         qPrintable(few[i].name() + QLatin1Char(' ') + few[j].name()));
        }
    }

    void chipTextReadsOnEveryColour()
    {
        for (int i = 0; i < ui::ServicePaletteSize; ++i) {
            const QColor fill = ui::serviceColour("chip-" + std::to_string(i));
            QVERIFY2(deltaE(fill, ui::textColourOn(fill)) >= 45, qPrintable(fill.name()));
        }
    }
};

QTEST_APPLESS_MAIN(TestServiceColour)
#include "tst_servicecolour.moc"
