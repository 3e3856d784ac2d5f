#include "connectionsnippet.h"

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

QString connectionSnippet(SdkLanguage language, const QString &grpcAddress,
                          const QString &httpAddress)
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
                              "export OTEL_LOGS_EXPORTER=otlp\n"
                              "java -javaagent:opentelemetry-javaagent.jar -jar app.jar\n")
            .arg(httpAddress);
    }
    return {};
}

} // namespace spanscope::ui
