// Bundles' zip files: what is written unpacks with the standard tool and reads back; hostile
// archives (escaping paths, lying sizes, damage, truncation) are refused with the entry named.

#include <files/ziparchive.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;
using ingest::ZipReader;
using ingest::ZipWriter;

class TestZipArchive : public QObject
{
    Q_OBJECT
private slots:
    void roundTripAndTheStandardTool()
    {
        ZipWriter writer;
        const std::string big(200'000, 'x');
        writer.add("manifest.json", R"({"format": 1})");
        writer.add("traces.json", big);
        const std::string zip = writer.finish();
        QVERIFY(zip.size() < big.size() / 10); // deflated

        auto entries = ZipReader::read(zip);
        QVERIFY2(entries, entries ? "" : entries.error().c_str());
        QCOMPARE(entries->size(), size_t(2));
        QCOMPARE((*entries)[0].name, std::string("manifest.json"));
        QCOMPARE((*entries)[1].data, big);

        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("b.spanscope")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(zip.data(), static_cast<qint64>(zip.size()));
        file.close();
        QProcess unzip;
        unzip.start(QStringLiteral("unzip"), {QStringLiteral("-t"), file.fileName()});
        QVERIFY(unzip.waitForFinished(10000));
        QCOMPARE(unzip.exitCode(), 0);
    }

    void entriesStreamIntoAFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("s.spanscope")).toStdString();
        ZipWriter writer(path);
        writer.begin("traces.json");
        std::string expected;
        for (int i = 0; i < 5000; ++i) {
            const std::string piece = "{\"span\": " + std::to_string(i) + "},";
            writer.write(piece);
            expected += piece;
        }
        writer.end();
        writer.add("manifest.json", "{}");
        QVERIFY(writer.finish().empty());
        QVERIFY2(writer.error().empty(), writer.error().c_str());

        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray zip = file.readAll();
        auto entries = ZipReader::read(std::string_view(zip.constData(), size_t(zip.size())));
        QVERIFY2(entries, entries ? "" : entries.error().c_str());
        QCOMPARE(entries->size(), size_t(2));
        QCOMPARE((*entries)[0].data, expected);
        QProcess unzip;
        unzip.start(QStringLiteral("unzip"), {QStringLiteral("-t"), file.fileName()});
        QVERIFY(unzip.waitForFinished(10000));
        QCOMPARE(unzip.exitCode(), 0);
    }

    void bombsAndCrowdsStopEarly()
    {
        // 64 MiB of zeros deflate to ~64 KiB; reading stops at the cap, not after inflating.
        ZipWriter bomb;
        bomb.begin("traces.json");
        const std::string zeros(1 << 20, '\0');
        for (int i = 0; i < 64; ++i)
            bomb.write(zeros);
        bomb.end();
        const std::string packed = bomb.finish();
        QVERIFY(packed.size() < 1 << 20);
        auto capped = ZipReader::read(packed, 4 << 20);
        QVERIFY(!capped);
        QVERIFY2(capped.error().find("too large") != std::string::npos, capped.error().c_str());

        ZipWriter crowd;
        for (std::size_t i = 0; i <= ZipReader::MaxEntries; ++i)
            crowd.add("e" + std::to_string(i), "x");
        auto many = ZipReader::read(crowd.finish());
        QVERIFY(!many);
        QVERIFY2(many.error().find("more than") != std::string::npos, many.error().c_str());
    }

    void hostileArchivesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error");
        QTest::newRow("parent path") << QStringLiteral("../evil.sh") << QStringLiteral("outside");
        QTest::newRow("nested parent") << QStringLiteral("a/../../b") << QStringLiteral("outside");
        QTest::newRow("absolute") << QStringLiteral("/etc/passwd") << QStringLiteral("outside");
        QTest::newRow("backslash") << QStringLiteral("..\\\\x") << QStringLiteral("outside");
    }

    void hostileArchivesAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, error);
        ZipWriter writer;
        writer.add(name.toStdString(), "boom");
        const auto read = ZipReader::read(writer.finish());
        QVERIFY(!read);
        QVERIFY2(QString::fromStdString(read.error()).contains(error), read.error().c_str());
    }

    void lyingSizesDamageAndTruncation()
    {
        ZipWriter writer;
        writer.add("traces.json", std::string(100'000, 'a'));
        std::string zip = writer.finish();
        // Over the size cap (a bomb's declared size or its real one).
        auto capped = ZipReader::read(zip, 50'000);
        QVERIFY(!capped);
        QVERIFY(capped.error().find("too large") != std::string::npos);
        // A declared size smaller than the data: it must not unpack past it.
        std::string lying = zip;
        const std::size_t central = lying.rfind(std::string("\x50\x4b\x01\x02", 4));
        lying[central + 24] = 0x10;
        lying[central + 25] = 0x00;
        lying[central + 26] = 0x00;
        auto small = ZipReader::read(lying);
        QVERIFY(!small);
        QVERIFY2(small.error().find("size") != std::string::npos, small.error().c_str());
        // Found by fuzz_zip: a local-header offset near 4 GiB wrapped the bounds check.
        std::string farOffset = zip;
        for (int i = 42; i < 46; ++i)
            farOffset[central + i] = static_cast<char>(0xF0 | (i == 42 ? 0x0F : 0xFF));
        auto far = ZipReader::read(farOffset);
        QVERIFY(!far);
        QVERIFY(far.error().find("is damaged") != std::string::npos);
        // Flipped data bits.
        std::string damaged = zip;
        const auto field = [&zip](std::size_t at) {
            return std::size_t(static_cast<unsigned char>(zip[at]))
                | std::size_t(static_cast<unsigned char>(zip[at + 1])) << 8;
        };
        const std::size_t data = 30 + field(26) + field(28); // after the local header
        damaged[data + 10] = static_cast<char>(damaged[data + 10] ^ 0x40);
        QVERIFY(!ZipReader::read(damaged));
        // Cut in half, and not a zip at all.
        QVERIFY(!ZipReader::read(std::string_view(zip).substr(0, zip.size() / 2)));
        QVERIFY(!ZipReader::read("{\"resourceSpans\": []}"));
    }
};

QTEST_GUILESS_MAIN(TestZipArchive)
#include "tst_ziparchive.moc"
