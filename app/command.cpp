#include "command.h"

#include "options.h"

#include <cstdio>

namespace spanscope::app {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void writeOut(std::string_view text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
}

int fail(const std::string &message)
{
    QTextStream(stderr) << "spanscope: " << QString::fromStdString(message) << '\n';
    return 1;
}

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

bool parseTraceId(const QString &text, storage::TraceId &id)
{
    return storage::fromHex(text.trimmed().toStdString(), id);
}

int Command::prepare(const QStringList &arguments, const QString &name, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    addDatabaseOption(parser);
    addJsonOption(parser);
    parser.addOption(
        {QStringLiteral("utc"), QStringLiteral("Print times in UTC instead of local time.")});
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out().flush();
        printHelp(parser, name);
        return 0;
    }
    return -1;
}

int Command::open()
{
    auto opened = storage::TraceStore::open(databasePath(parser).toStdString());
    if (!opened)
        return fail(opened.error());
    store = std::move(*opened);
    return -1;
}

bool Command::json() const
{
    return wantsJson(parser);
}

storage::TimeZone Command::zone() const
{
    return parser.isSet(QStringLiteral("utc")) ? storage::TimeZone::Utc : storage::TimeZone::Local;
}

std::optional<storage::TraceData> loadStoredTrace(storage::TraceStore &store,
                                                  const storage::TraceId &id, int &code)
{
    auto loaded = store.loadTrace(id);
    if (!loaded || !*loaded) {
        code = fail(loaded ? "No trace " + storage::toHex(id) + " is stored." : loaded.error());
        return std::nullopt;
    }
    return std::move(**loaded);
}

} // namespace spanscope::app
