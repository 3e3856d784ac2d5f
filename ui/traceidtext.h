#pragma once

#include <telemetry.h>

#include <QString>

#include <optional>

namespace spanscope::ui {

// A trace id typed or pasted by the user (32 hex digits, either case, surrounding space ignored).
inline std::optional<storage::TraceId> traceIdFromText(const QString &text)
{
    storage::TraceId id{};
    const QByteArray hex = text.trimmed().toLatin1();
    if (!storage::fromHex(std::string_view(hex.constData(), hex.size()), id))
        return std::nullopt;
    return id;
}

} // namespace spanscope::ui
