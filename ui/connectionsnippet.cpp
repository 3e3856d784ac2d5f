#include "connectionsnippet.h"

#include <QUrl>

namespace spanscope::ui {

QString languageName(SdkLanguage language)
{
    switch (language) {
    case SdkLanguage::Python:
        return QStringLiteral("Python");
    case SdkLanguage::Node:
        return QStringLiteral("Node.js");
    case SdkLanguage::Go:
        return QStringLiteral("Go");
    case SdkLanguage::Java:
        return QStringLiteral("Java");
    }
    return {};
}

namespace {

QString environment(SdkLanguage language, const QString &grpcAddress, const QString &httpAddress)
{
    switch (language) {
    case SdkLanguage::Python:
        return QStringLiteral("export OTEL_SERVICE_NAME=my-service\n"
                              "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%1\n"
                              "export OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n"
                              "export OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED=true\n")
            .arg(grpcAddress);
    case SdkLanguage::Node:
        return QStringLiteral("export OTEL_SERVICE_NAME=my-service\n"
                              "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%1\n"
                              "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n")
            .arg(httpAddress);
    case SdkLanguage::Go:
        return QStringLiteral("export OTEL_SERVICE_NAME=my-service\n"
                              "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%1\n"
                              "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n")
            .arg(httpAddress);
    case SdkLanguage::Java:
        return QStringLiteral("export OTEL_SERVICE_NAME=my-service\n"
                              "export OTEL_EXPORTER_OTLP_ENDPOINT=http://%1\n"
                              "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n"
                              "export OTEL_LOGS_EXPORTER=otlp\n")
            .arg(httpAddress);
    }
    return {};
}

} // namespace

QString connectionSnippet(SdkLanguage language, const QString &grpcAddress,
                          const QString &httpAddress, const QString &bearerToken)
{
    QString snippet = environment(language, grpcAddress, httpAddress);
    // The variable holds percent-encoded key=value pairs, so the space is written %20.
    if (!bearerToken.isEmpty())
        snippet += QStringLiteral("export OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20%1\n")
                       .arg(QString::fromLatin1(QUrl::toPercentEncoding(bearerToken)));
    if (language == SdkLanguage::Java)
        snippet += QStringLiteral("java -javaagent:opentelemetry-javaagent.jar -jar app.jar\n");
    return snippet;
}

} // namespace spanscope::ui
