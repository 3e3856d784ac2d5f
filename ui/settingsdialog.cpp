#include "settingsdialog.h"

#include "editorlauncher.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace spanscope::ui {

namespace {

constexpr qint64 MiB = qint64(1) << 20;

QString randomToken()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / int(sizeof(quint32)));
    return QString::fromLatin1(bytes.toHex());
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, const AppSettings &running,
                               QWidget *parent)
    : QDialog(parent)
    , m_initial(settings)
    , m_running(running)
    , m_grpc(new QLineEdit(settings.grpcAddress, this))
    , m_http(new QLineEdit(settings.httpAddress, this))
    , m_token(new QLineEdit(settings.bearerToken, this))
    , m_database(new QLineEdit(settings.databasePath, this))
    , m_retention(new QSpinBox(this))
    , m_editor(new QLineEdit(settings.editorCommand, this))
    , m_sourceRoots(new QLineEdit(settings.sourceRoots, this))
    , m_theme(new QComboBox(this))
    , m_notify(new QCheckBox(tr("&Notify when a trace with an error arrives"), this))
    , m_problem(new QLabel(this))
    , m_restart(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings"));
    setMinimumWidth(560);

    m_grpc->setObjectName(QStringLiteral("grpcAddress"));
    m_http->setObjectName(QStringLiteral("httpAddress"));
    m_token->setObjectName(QStringLiteral("bearerToken"));
    m_database->setObjectName(QStringLiteral("databasePath"));
    m_editor->setObjectName(QStringLiteral("editorCommand"));
    m_sourceRoots->setObjectName(QStringLiteral("sourceRoots"));
    m_sourceRoots->setPlaceholderText(
        tr("e.g. ~/src/shop%1~/src/payments").arg(QDir::listSeparator()));
    m_sourceRoots->setToolTip(tr("Where your sources are, for stack frames that name a file "
                                 "without its folder (Java, Kotlin): separated by '%1'.")
                                  .arg(QDir::listSeparator()));
    m_grpc->setPlaceholderText(QStringLiteral("127.0.0.1:4317"));
    m_http->setPlaceholderText(QStringLiteral("127.0.0.1:4318"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("none (loopback only)"));
    QAction *reveal = m_token->addAction(QIcon::fromTheme(QStringLiteral("view-visible")),
                                         QLineEdit::TrailingPosition);
    reveal->setCheckable(true);
    reveal->setToolTip(tr("Show the token"));
    connect(reveal, &QAction::toggled, m_token, [this](bool shown) {
        m_token->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
    });
    auto *generate = new QPushButton(tr("&Generate"), this);
    generate->setObjectName(QStringLiteral("generateToken"));
    connect(generate, &QPushButton::clicked, this, [this] { m_token->setText(randomToken()); });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(generate);

    m_database->setPlaceholderText(AppSettings::defaultDatabasePath());
    auto *choose = new QPushButton(tr("C&hoose…"), this);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Database File"), m_database->text(), tr("SQLite databases (*.db)"), nullptr,
            QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_database->setText(path);
    });
    auto *databaseRow = new QHBoxLayout;
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(choose);

    m_retention->setObjectName(QStringLiteral("retention"));
    m_retention->setRange(1, 1 << 20); // 1 MiB to 1 TiB
    m_retention->setSuffix(tr(" MiB"));
    m_retention->setValue(int(std::clamp<qint64>(settings.retentionBytes / MiB, 1, 1 << 20)));
    m_retention->setToolTip(tr("The oldest traces are evicted when the database grows past this."));

    m_editor->setPlaceholderText(EditorLauncher::defaultCommand());
    m_editor->setToolTip(
        tr("{file} and {line} are replaced. Examples: code --goto "
           "{file}:{line} · kate {file} --line {line} · idea --line {line} {file}"));
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("As the desktop"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(settings.theme)));
    m_notify->setChecked(settings.notifyErrorTraces);

    auto *receivers = new QGroupBox(tr("Receivers"), this);
    auto *receiversForm = new QFormLayout(receivers);
    receiversForm->addRow(tr("OTLP/&gRPC address:"), m_grpc);
    receiversForm->addRow(tr("OTLP/&HTTP address:"), m_http);
    // Rows holding a field and a button need their label's buddy set by hand.
    const auto labelFor = [this](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text, this);
        label->setBuddy(buddy);
        return label;
    };
    receiversForm->addRow(labelFor(tr("&Bearer token:"), m_token), tokenRow);
    auto *storage = new QGroupBox(tr("Storage"), this);
    auto *storageForm = new QFormLayout(storage);
    storageForm->addRow(labelFor(tr("&Database file:"), m_database), databaseRow);
    storageForm->addRow(tr("&Retention budget:"), m_retention);
    auto *desktop = new QGroupBox(tr("Desktop"), this);
    auto *desktopForm = new QFormLayout(desktop);
    desktopForm->addRow(tr("&Editor command:"), m_editor);
    desktopForm->addRow(tr("&Source folders:"), m_sourceRoots);
    desktopForm->addRow(tr("&Theme:"), m_theme);
    desktopForm->addRow(m_notify);

    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_problem->setWordWrap(true);
    m_restart->setObjectName(QStringLiteral("restartNote"));
    m_restart->setWordWrap(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(receivers);
    layout->addWidget(storage);
    layout->addWidget(desktop);
    layout->addWidget(m_problem);
    layout->addWidget(m_restart);
    layout->addWidget(m_buttons);

    for (QLineEdit *edit : {m_grpc, m_http, m_token, m_database, m_editor, m_sourceRoots})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::showState);
    connect(m_retention, &QSpinBox::valueChanged, this, &SettingsDialog::showState);
    showState();
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_initial;
    s.grpcAddress = m_grpc->text().trimmed();
    s.httpAddress = m_http->text().trimmed();
    s.bearerToken = m_token->text().trimmed();
    s.databasePath = m_database->text().trimmed();
    // Kept to the byte when the field was not touched, so a budget set elsewhere is not rounded.
    if (m_retention->value() != m_initial.retentionBytes / MiB)
        s.retentionBytes = m_retention->value() * MiB;
    s.editorCommand = m_editor->text().trimmed();
    s.sourceRoots = m_sourceRoots->text().trimmed();
    s.theme = m_theme->currentData().toString();
    s.notifyErrorTraces = m_notify->isChecked();
    return s;
}

void SettingsDialog::showState()
{
    const AppSettings s = settings();
    const QString problem = s.problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    m_restart->setText(s.needsRestartFrom(m_running)
                           ? tr("The receivers and the database change when Spanscope restarts; "
                                "you will be offered to restart now.")
                           : tr("Changes apply at once."));
}

AppSettings SettingsDialog::shownFor(const AppSettings &running)
{
    AppSettings shown = AppSettings::load(QSettings());
    shown.grpcAddress = running.grpcAddress;
    shown.httpAddress = running.httpAddress;
    shown.bearerToken = running.bearerToken;
    shown.databasePath = running.databasePath;
    return shown;
}

void SettingsDialog::offerRestart(QWidget *parent, std::function<void()> restart)
{
    auto *question = new QMessageBox(
        QMessageBox::Question, tr("Restart Spanscope?"),
        tr("The new receiver addresses, token or database are used after a restart. Restart "
           "now? Everything received so far is kept."),
        QMessageBox::NoButton, parent);
    question->setObjectName(QStringLiteral("restartQuestion"));
    QPushButton *now = question->addButton(tr("&Restart Now"), QMessageBox::AcceptRole);
    question->addButton(tr("&Later"), QMessageBox::RejectRole);
    question->setAttribute(Qt::WA_DeleteOnClose);
    connect(question, &QMessageBox::finished, question, [question, now, restart] {
        if (question->clickedButton() == now)
            restart();
    });
    question->open();
}

} // namespace spanscope::ui
