#include "transport/relay/server/CodeSender.h"

#include <QFile>
#include <QProcess>
#include <QTimer>

#include <tandem/common/Redact.h>

#include "transport/Transport.h"

namespace tandem::relay {

std::optional<CodeSender::Spec> CodeSender::read(const QString& spec) {
    if (spec == QLatin1String("none")) {
        return Spec{Kind::None, {}};
    }
    if (spec.startsWith(QLatin1String("file:")) && spec.size() > 5) {
        return Spec{Kind::File, spec.mid(5)};
    }
    if (spec.startsWith(QLatin1String("command:")) && spec.size() > 8) {
        return Spec{Kind::Command, spec.mid(8)};
    }
    return std::nullopt;
}

std::optional<QString> CodeSender::check(const QString& spec) {
    if (read(spec)) {
        return std::nullopt;
    }
    return QStringLiteral("--verify takes none, file:PATH or command:CMD");
}

std::optional<CodeSender*> CodeSender::parse(const QString& spec, QString* error, QObject* parent) {
    const auto parsed = read(spec);
    if (!parsed) {
        *error = *check(spec);
        return std::nullopt;
    }
    return new CodeSender(parsed->kind, parsed->target, parent);
}

bool CodeSender::reconfigure(const QString& spec) {
    auto parsed = read(spec);
    if (!parsed) {
        return false;
    }
    kind_ = parsed->kind;
    target_ = std::move(parsed->target);
    return true;
}

void CodeSender::send(const QString& phone, const QString& code) {
    switch (kind_) {
        case Kind::None:
            return;
        case Kind::File: {
            QFile file(target_);
            if (!file.open(QIODevice::Append | QIODevice::Text)) {
                qCWarning(lcRelay) << "cannot write verification codes to" << target_;
                return;
            }
            file.write((phone + u' ' + code + u'\n').toUtf8());
            return;
        }
        case Kind::Command: {
            auto* process = new QProcess(this);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("TANDEM_PHONE"), phone);
            env.insert(QStringLiteral("TANDEM_CODE"), code);
            process->setProcessEnvironment(env);
            ++running_;
            connect(process, &QProcess::finished, process,
                    [this, process, phone](int status, QProcess::ExitStatus exit) {
                        if (exit != QProcess::NormalExit || status != 0) {
                            qCWarning(lcRelay) << "the code sender failed for" << redact(phone)
                                               << "status" << status;
                        }
                        --running_;
                        process->deleteLater();
                    });
            connect(process, &QProcess::errorOccurred, process,
                    [this, process](QProcess::ProcessError error) {
                        if (error == QProcess::FailedToStart) {  // no finished() follows
                            qCWarning(lcRelay) << "the code sender did not start";
                            --running_;
                            process->deleteLater();
                        }
                    });
            QTimer::singleShot(15000, process, [process] { process->kill(); });
            process->startCommand(target_);
            return;
        }
    }
}

}  // namespace tandem::relay
