#include "welcomepage.h"

#include "connectionsnippet.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace spanscope::ui {

WelcomePage::WelcomePage(const Backend::Addresses &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
{
    auto *outer = new QHBoxLayout(this);
    auto *column = new QVBoxLayout;
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);

    auto *heading
        = new QLabel(tr("<h2>No traces yet</h2>"
                        "<p>Spanscope is receiving OpenTelemetry on "
                        "<b>%1</b> (OTLP/gRPC) and <b>%2</b> (OTLP/HTTP, protobuf and "
                        "JSON). Point a service at it:</p>"
                        "<ol><li>Copy the settings for your SDK below.</li>"
                        "<li>Paste them into the shell (or the service's environment) "
                        "and start the service.</li>"
                        "<li>Use the service: its traces appear here within a second.</li>"
                        "</ol>")
                         .arg(endpoints.grpc.toHtmlEscaped(), endpoints.http.toHtmlEscaped()),
                     this);
    heading->setWordWrap(true);
    heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addStretch(1);
    column->addWidget(heading);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const SdkLanguage language : AllLanguages) {
        auto *snippet = new QPlainTextEdit(
            connectionSnippet(language, endpoints.grpc, endpoints.http, endpoints.bearerToken),
            m_tabs);
        snippet->setReadOnly(true);
        snippet->setFont(fixed);
        snippet->setFixedHeight(QFontMetrics(fixed).lineSpacing() * 7);
        m_tabs->addTab(snippet, languageName(language));
    }
    m_tabs->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    column->addWidget(m_tabs);

    auto *buttons = new QHBoxLayout;
    auto *copy = new QPushButton(tr("&Copy Settings"), this);
    auto *demo = new QPushButton(tr("Send &Demo Data"), this);
    demo->setToolTip(tr("Sends a realistic set of traces and logs to the receivers, as an SDK "
                        "would: an order flow across four services, a failing payment, and a "
                        "trace of 20 000 spans"));
    buttons->addWidget(copy);
    buttons->addWidget(demo);
    buttons->addStretch(1);
    column->addLayout(buttons);
    auto *database = new QLabel(
        tr("<small>Everything is stored in %1.</small>").arg(endpoints.database.toHtmlEscaped()),
        this);
    database->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(database);
    column->addStretch(2);

    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(currentSnippet());
        emit copied(tr("settings for %1").arg(m_tabs->tabText(m_tabs->currentIndex())));
    });
    connect(demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
}

QString WelcomePage::currentSnippet() const
{
    const auto *snippet = qobject_cast<const QPlainTextEdit *>(m_tabs->currentWidget());
    return snippet ? snippet->toPlainText() : QString();
}

} // namespace spanscope::ui
