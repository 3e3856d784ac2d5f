#pragma once

#include <QString>
#include <QStringList>

namespace spanscope::ui {

// The environment a service needs to send to this Spanscope, per SDK, using each SDK's default
// protocol: gRPC for Python, HTTP/protobuf for Node.js, Go (autoexport) and the Java agent 2.x.
enum class SdkLanguage { Python, Node, Go, Java };

QString languageName(SdkLanguage language);
// With a bearer token, the snippet also sets the header every SDK sends with its exports.
QString connectionSnippet(SdkLanguage language, const QString &grpcAddress,
                          const QString &httpAddress, const QString &bearerToken = {});
inline constexpr SdkLanguage AllLanguages[]
    = {SdkLanguage::Python, SdkLanguage::Node, SdkLanguage::Go, SdkLanguage::Java};

} // namespace spanscope::ui
