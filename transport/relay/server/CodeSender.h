// How the relay delivers registration codes (--verify): `none` (local use: no code needed),
// `file:PATH` (appends "PHONE CODE" lines, for tests and demos), `command:CMD` (runs an
// operator's script, e.g. an SMS gateway, with TANDEM_PHONE and TANDEM_CODE in its
// environment; bounded to 15 s).
#pragma once

#include <optional>

#include <QObject>
#include <QString>

namespace tandem::relay {

class CodeSender : public QObject {
    Q_OBJECT
public:
    enum class Kind { None, File, Command };
    static std::optional<CodeSender*> parse(const QString& spec, QString* error, QObject* parent);
    // What is wrong with `spec`, or nullopt if parse() takes it.
    static std::optional<QString> check(const QString& spec);
    // Delivers by `spec` from now on (a reload); commands still running finish. False (and
    // nothing changed) if check() refuses it.
    bool reconfigure(const QString& spec);

    // At most this many `command:` senders run at once (each is bounded to 15 s).
    static constexpr int kMaxRunning = 8;

    [[nodiscard]] bool required() const { return kind_ != Kind::None; }
    // All kMaxRunning commands are still running: a request must wait.
    [[nodiscard]] bool busy() const { return running_ >= kMaxRunning; }
    // Delivers asynchronously; failures are logged (the user can ask for a new code).
    void send(const QString& phone, const QString& code);

private:
    struct Spec {
        Kind kind;
        QString target;
    };
    static std::optional<Spec> read(const QString& spec);
    CodeSender(Kind kind, QString target, QObject* parent)
        : QObject(parent), kind_(kind), target_(std::move(target)) {}
    Kind kind_;
    QString target_;
    int running_ = 0;
};

}  // namespace tandem::relay
