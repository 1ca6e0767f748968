// Attachment commands: save (a file sent or received with a message, decrypted to a path).
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/Messenger.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;

namespace {

int runSave(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    bool ok = args.size() == 1;
    const qint64 messageId = ok ? args.first().toLongLong(&ok) : 0;
    if (!ok || messageId <= 0) {
        return usageError(ctx, QStringLiteral("save"),
                          QStringLiteral("give the message's id (as history --json shows it)"));
    }
    const QString out = ctx.parser.value(QStringLiteral("out"));
    if (out.isEmpty()) {
        return usageError(ctx, QStringLiteral("save"), QStringLiteral("--out PATH is required"));
    }
    const auto wait = intOption(ctx, QStringLiteral("save"), QStringLiteral("wait"), 600, 1,
                                24 * 3600, QStringLiteral("seconds"));
    if (!wait) {
        return kExitUsage;
    }
    const QFileInfo target(out);
    if (target.isDir()) {
        return fail(ctx, QStringLiteral("%1 is a folder; give the file's path").arg(out));
    }
    if (!target.absoluteDir().exists()) {
        return fail(ctx, QStringLiteral("the folder of %1 does not exist").arg(out));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    auto read = [&store, messageId] {
        return awaitFuture(
            store.read([messageId](Repositories& r) { return r.messages.findById(messageId); }));
    };
    auto found = read();
    if (!found) {
        return fail(ctx, found.error().message);
    }
    if (!*found || !(*found)->attachment) {
        return fail(ctx, QStringLiteral("message %1 has no file").arg(messageId));
    }
    Attachment a = *(*found)->attachment;
    core::Messenger messenger(store);
    messenger.setAutoRefreshStickers(false);
    if (!a.complete) {
        // Downloaded first, from where an earlier download stopped.
        if (const auto started = awaitFuture(messenger.start()); !started) {
            return fail(ctx, started.error().message);
        }
        ctx.err << "tandemctl: downloading " << terminalSafe(a.fileName) << " (" << fileSize(a.size)
                << ")";
        if (a.transferred > 0) {
            ctx.err << ", going on from " << fileSize(a.transferred) << " already here";
        }
        ctx.err << "\n";
        ctx.err.flush();
        QObject::connect(&messenger, &core::Messenger::messageUpdated, [&](const Message& m) {
            if (m.id == messageId && m.attachment) {
                a = *m.attachment;
            }
        });
        messenger.attachments().download(messageId);
        core::spinUntil([&] { return a.complete || a.state == TransferState::Failed; },
                        *wait * 1000);
        if (a.state == TransferState::Failed) {
            return fail(ctx, QStringLiteral("the file could not be downloaded: %1").arg(a.error));
        }
        if (!a.complete) {
            return fail(ctx, QStringLiteral("the file was not downloaded within %1 s; what is "
                                            "here is kept, and the next try goes on from it")
                                 .arg(*wait));
        }
    }
    if (auto saved = awaitFuture(messenger.attachments().save(messageId, out)); !saved) {
        return fail(ctx, saved.error().message);
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        QJsonObject o = toJson(a);
        o[QStringLiteral("id")] = static_cast<double>(messageId);
        o[QStringLiteral("path")] = target.absoluteFilePath();
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    } else {
        ctx.out << target.absoluteFilePath() << "\n";
    }
    return kExitOk;
}

}  // namespace

std::vector<Command> attachmentCommands() {
    return {
        {QStringLiteral("save"),
         QStringLiteral("Save the file of a message (downloading what is not here yet)."),
         QStringLiteral("MESSAGE_ID --out PATH [--wait SECONDS] [--json]"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("out"), QStringLiteral("Where to write the file."),
                          QStringLiteral("PATH")});
             p.addOption({QStringLiteral("wait"),
                          QStringLiteral("How long a download may take (default 600)."),
                          QStringLiteral("SECONDS")});
             p.addOption({QStringLiteral("json"),
                          QStringLiteral("Print the file's name, type, size and path as JSON.")});
         },
         runSave, true},
    };
}

}  // namespace tandem::cli
