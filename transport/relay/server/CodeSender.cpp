#include "transport/relay/server/CodeSender.h"

#include <QFile>
#include <QProcess>
#include <QTimer>

#include <tandem/common/Redact.h>

#include "transport/Transport.h"

namespace tandem::relay {

std::optional<CodeSender*> CodeSender::parse(const QString& spec, QString* error, QObject* parent) {
    if (spec == QLatin1String("none")) {
        return new CodeSender(Kind::None, {}, parent);
    }
    if (spec.startsWith(QLatin1String("file:")) && spec.size() > 5) {
        return new CodeSender(Kind::File, spec.mid(5), parent);
    }
    if (spec.startsWith(QLatin1String("command:")) && spec.size() > 8) {
        return new CodeSender(Kind::Command, spec.mid(8), parent);
    }
    *error = QStringLiteral("--verify takes none, file:PATH or command:CMD");
    return std::nullopt;
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
