// stickers: sticker packs from the command line (docs/stickers.md) —
//   stickers create DIR --title T [--author A] [--cover FILE] [--emoji FILE:EMOJI …]
//   stickers edit PACK_ID DIR …   (the same options; publishes the pack's next version)
//   stickers install LINK|PACK_ID [--mode signal|session]   (PACK_ID: one a received
//                                                             sticker came from)
//   stickers refresh [--mode M]   (new versions of installed packs)
//   stickers list [--json]
//   stickers export PACK_ID DIR   (the decrypted WebP files)
//   stickers remove PACK_ID
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "app/cli/Commands.h"
#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "media/StickerEncoder.h"

namespace tandem::cli {

using namespace tandem::storage;
using core::awaitFuture;
using core::StickerService;

namespace {

const QString kCommand = QStringLiteral("stickers");
const QString kDefaultEmoji = QStringLiteral("🙂");

std::optional<Mode> parseMode(const QString& s) {
    if (s == QLatin1String("signal")) {
        return Mode::Signal;
    }
    if (s == QLatin1String("session")) {
        return Mode::Session;
    }
    return std::nullopt;
}

// Connects and waits (bounded) until every mode with an account is connected.
void waitConnected(core::Messenger& messenger, int seconds) {
    core::spinUntil(
        [&] {
            for (const Mode m : {Mode::Signal, Mode::Session}) {
                if (messenger.hasAccount(m) && !messenger.isConnected(m)) {
                    return false;
                }
            }
            return true;
        },
        seconds * 1000);
}

// The draft a folder of images makes: its files in name order, each with the emoji --emoji
// gave it (kDefaultEmoji otherwise).
std::optional<StickerService::Draft> draftOf(CommandContext& ctx, const QString& dirPath) {
    const QDir dir(dirPath);
    if (!dir.exists()) {
        fail(ctx, QStringLiteral("no such folder: %1").arg(dirPath));
        return std::nullopt;
    }
    std::map<QString, QString> emoji;
    for (const QString& given : ctx.parser.values(QStringLiteral("emoji"))) {
        const qsizetype colon = given.lastIndexOf(u':');
        if (colon <= 0 || colon == given.size() - 1) {
            usageError(ctx, kCommand, QStringLiteral("--emoji takes FILE:EMOJI"));
            return std::nullopt;
        }
        emoji[QFileInfo(given.left(colon)).fileName()] = given.mid(colon + 1);
    }
    StickerService::Draft draft;
    draft.title = ctx.parser.value(QStringLiteral("title"));
    draft.author = ctx.parser.value(QStringLiteral("author"));
    const QString cover = QFileInfo(ctx.parser.value(QStringLiteral("cover"))).fileName();
    const QStringList files =
        dir.entryList({QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"),
                       QStringLiteral("*.webp"), QStringLiteral("*.gif"), QStringLiteral("*.PNG"),
                       QStringLiteral("*.JPG"), QStringLiteral("*.JPEG"), QStringLiteral("*.WEBP"),
                       QStringLiteral("*.GIF")},
                      QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        fail(ctx, QStringLiteral("%1 holds no PNG, JPEG, WebP or GIF images").arg(dirPath));
        return std::nullopt;
    }
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        if (file.size() > media::kMaxSourceBytes) {
            fail(ctx, QStringLiteral("%1 is too large (%2 bytes; an image may have %3)")
                          .arg(name)
                          .arg(file.size())
                          .arg(media::kMaxSourceBytes));
            return std::nullopt;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            fail(ctx, QStringLiteral("cannot read %1: %2").arg(name, file.errorString()));
            return std::nullopt;
        }
        if (!cover.isEmpty() && name == cover) {
            draft.cover = static_cast<int>(draft.stickers.size());
        }
        const auto e = emoji.find(name);
        draft.stickers.push_back({file.readAll(), e != emoji.end() ? e->second : kDefaultEmoji});
        if (e != emoji.end()) {
            emoji.erase(e);
        }
    }
    if (!emoji.empty()) {
        fail(ctx, QStringLiteral("--emoji names %1, which is not an image in %2")
                      .arg(emoji.begin()->first, dirPath));
        return std::nullopt;
    }
    if (!cover.isEmpty() && !files.contains(cover)) {
        fail(ctx,
             QStringLiteral("--cover names %1, which is not an image in %2").arg(cover, dirPath));
        return std::nullopt;
    }
    return draft;
}

int printPublished(CommandContext& ctx, const StickerService::Published& p) {
    for (const auto& [mode, why] : p.failed) {
        ctx.err << "tandemctl: not published in " << modeKey(mode) << " mode: " << why << "\n";
    }
    if (p.publishedTo.empty()) {
        ctx.err << "tandemctl: the pack is kept on this device; 'stickers edit' publishes it "
                   "again once connected\n";
    }
    if (ctx.parser.isSet(QStringLiteral("json"))) {
        QJsonArray modes;
        for (const Mode m : p.publishedTo) {
            modes.append(modeKey(m));
        }
        ctx.out << QJsonDocument(
                       QJsonObject{
                           {QStringLiteral("pack_id"), QString::fromLatin1(p.pack.packId.toHex())},
                           {QStringLiteral("version"), static_cast<double>(p.pack.version)},
                           {QStringLiteral("link"), p.link},
                           {QStringLiteral("published"), modes}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
    } else {
        ctx.out << p.link << "\n";
    }
    return p.publishedTo.empty() ? kExitFailure : kExitOk;
}

int runCreateOrEdit(CommandContext& ctx, const QStringList& args, bool edit) {
    const qsizetype want = edit ? 3 : 2;
    if (args.size() != want) {
        return usageError(
            ctx, kCommand,
            edit ? QStringLiteral("edit takes PACK_ID DIR") : QStringLiteral("create takes DIR"));
    }
    QByteArray packId;
    if (edit) {
        packId = QByteArray::fromHex(args[1].toLatin1());
        if (packId.size() < 16 || packId.toHex() != args[1]) {
            return usageError(ctx, kCommand, QStringLiteral("PACK_ID is the pack's hex id"));
        }
    }
    if (!ctx.parser.isSet(QStringLiteral("title"))) {
        return usageError(ctx, kCommand, QStringLiteral("--title is required"));
    }
    auto draft = draftOf(ctx, args.back());
    if (!draft) {
        return kExitFailure;
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    messenger.setAutoRefreshStickers(false);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    waitConnected(messenger, 20);
    const auto published = awaitFuture(edit ? messenger.stickers().edit(packId, std::move(*draft))
                                            : messenger.stickers().create(std::move(*draft)));
    if (!published) {
        return fail(ctx, published.error().message);
    }
    return printPublished(ctx, *published);
}

// The mode to fetch with: --mode, or Session mode where there is an account (the fetch then
// goes through onion paths), else Signal mode.
std::optional<Mode> fetchMode(CommandContext& ctx, const core::Messenger& messenger) {
    std::optional<Mode> mode;
    if (ctx.parser.isSet(QStringLiteral("mode"))) {
        mode = parseMode(ctx.parser.value(QStringLiteral("mode")));
        if (!mode) {
            usageError(ctx, kCommand, QStringLiteral("--mode is signal or session"));
            return std::nullopt;
        }
    } else {
        mode = messenger.hasAccount(Mode::Session) ? Mode::Session : Mode::Signal;
    }
    if (!messenger.hasAccount(*mode)) {
        fail(ctx, QStringLiteral("this profile has no %1-mode account to fetch with")
                      .arg(modeKey(*mode)));
        return std::nullopt;
    }
    return mode;
}

bool isPackId(const QString& s) {
    const QByteArray id = QByteArray::fromHex(s.toLatin1());
    return id.size() >= 16 && id.size() <= 32 && id.toHex() == s;
}

int runInstall(CommandContext& ctx, const QStringList& args) {
    if (args.size() != 2) {
        return usageError(ctx, kCommand, QStringLiteral("install takes a LINK or a PACK_ID"));
    }
    // A pack id: a pack known from a received sticker, installed from what it carried.
    const bool known = isPackId(args[1]);
    if (!known) {
        if (auto id = StickerService::packIdOfLink(args[1]); !id) {
            return fail(ctx, id.error().message);
        }
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    messenger.setAutoRefreshStickers(false);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    const auto mode = fetchMode(ctx, messenger);
    if (!mode) {
        return kExitFailure;
    }
    waitConnected(messenger, 20);
    const auto installed = awaitFuture(
        known ? messenger.stickers().installKnown(QByteArray::fromHex(args[1].toLatin1()), *mode)
              : messenger.stickers().install(args[1], *mode));
    if (!installed) {
        return fail(ctx, installed.error().message);
    }
    ctx.out << installed->packId.toHex() << "  " << terminalSafe(installed->title) << "\n";
    return kExitOk;
}

int runList(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const core::Channels none;  // no network: the store only
    core::StickerService service(store, none);
    if (auto builtins = awaitFuture(service.installBuiltins()); !builtins) {
        return fail(ctx, builtins.error().message);
    }
    struct Listed {
        StickerPack pack;
        std::vector<Sticker> stickers;
    };
    const auto listed =
        awaitFuture(store.read([](Repositories& r) -> StoreResult<std::vector<Listed>> {
            std::vector<Listed> out;
            TANDEM_TRY_ASSIGN(const auto packs, r.stickers.packs(true));
            for (const StickerPack& p : packs) {
                TANDEM_TRY_ASSIGN(auto stickers, r.stickers.stickers(p.packId));
                out.push_back({p, std::move(stickers)});
            }
            return out;
        }));
    if (!listed) {
        return fail(ctx, listed.error().message);
    }
    const bool json = ctx.parser.isSet(QStringLiteral("json"));
    for (const Listed& l : *listed) {
        const QString id = QString::fromLatin1(l.pack.packId.toHex());
        const QString origin = l.pack.builtin       ? QStringLiteral("built-in")
                               : l.pack.ownerSecret ? QStringLiteral("created")
                                                    : QStringLiteral("installed");
        if (json) {
            QJsonArray stickers;
            for (const Sticker& s : l.stickers) {
                stickers.append(
                    QJsonObject{{QStringLiteral("id"), static_cast<double>(s.stickerId)},
                                {QStringLiteral("emoji"), s.emoji},
                                {QStringLiteral("downloaded"), s.hasImage}});
            }
            QJsonObject o{{QStringLiteral("pack_id"), id},
                          {QStringLiteral("title"), l.pack.title},
                          {QStringLiteral("author"), l.pack.author},
                          {QStringLiteral("origin"), origin},
                          {QStringLiteral("hidden"), l.pack.hidden},
                          {QStringLiteral("version"), static_cast<double>(l.pack.version)},
                          {QStringLiteral("stickers"), stickers}};
            if (!l.pack.builtin) {
                o[QStringLiteral("link")] = StickerService::linkOf(l.pack);
            }
            ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        } else {
            QString emojis;
            for (const Sticker& s : l.stickers) {
                emojis += s.emoji;
            }
            ctx.out << id << "  " << terminalSafe(l.pack.title) << "  (" << origin << ", "
                    << l.stickers.size() << " stickers" << (l.pack.hidden ? ", hidden" : "")
                    << ")  " << terminalSafe(emojis) << "\n";
        }
    }
    return kExitOk;
}

int runExport(CommandContext& ctx, const QStringList& args) {
    if (args.size() != 3) {
        return usageError(ctx, kCommand, QStringLiteral("export takes PACK_ID DIR"));
    }
    const QByteArray packId = QByteArray::fromHex(args[1].toLatin1());
    if (packId.size() < 16 || packId.toHex() != args[1]) {
        return usageError(ctx, kCommand, QStringLiteral("PACK_ID is the pack's hex id"));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const core::Channels none;  // no network: the store only
    core::StickerService service(store, none);
    if (auto builtins = awaitFuture(service.installBuiltins()); !builtins) {
        return fail(ctx, builtins.error().message);
    }
    const auto stickers =
        awaitFuture(store.read([packId](Repositories& r) -> StoreResult<std::vector<Sticker>> {
            TANDEM_TRY_ASSIGN(const auto listed, r.stickers.stickers(packId));
            std::vector<Sticker> out;
            for (const Sticker& s : listed) {
                TANDEM_TRY_ASSIGN(const auto full, r.stickers.sticker(packId, s.stickerId));
                if (full && full->hasImage) {
                    out.push_back(*full);
                }
            }
            return out;
        }));
    if (!stickers) {
        return fail(ctx, stickers.error().message);
    }
    if (stickers->empty()) {
        return fail(ctx,
                    QStringLiteral("no sticker pack %1 with images on this device").arg(args[1]));
    }
    if (!QDir().mkpath(args[2])) {
        return fail(ctx, QStringLiteral("cannot create %1").arg(args[2]));
    }
    for (const Sticker& s : *stickers) {
        QSaveFile file(QDir(args[2]).filePath(QStringLiteral("%1.webp").arg(s.stickerId)));
        if (!file.open(QIODevice::WriteOnly) || file.write(s.image) != s.image.size() ||
            !file.commit()) {
            return fail(
                ctx,
                QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
        }
        ctx.out << file.fileName() << "\n";
    }
    return kExitOk;
}

int runRemove(CommandContext& ctx, const QStringList& args) {
    if (args.size() != 2) {
        return usageError(ctx, kCommand, QStringLiteral("remove takes PACK_ID"));
    }
    const QByteArray packId = QByteArray::fromHex(args[1].toLatin1());
    if (packId.size() < 16 || packId.toHex() != args[1]) {
        return usageError(ctx, kCommand, QStringLiteral("PACK_ID is the pack's hex id"));
    }
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    const core::Channels none;  // no network: the store only
    core::StickerService service(store, none);
    if (auto removed = awaitFuture(service.uninstall(packId)); !removed) {
        return fail(ctx, removed.error().message);
    }
    return kExitOk;
}

int runRefresh(CommandContext& ctx) {
    Store store;
    if (auto opened = openProfile(ctx, store); !opened) {
        return fail(ctx, opened.error().message);
    }
    core::Messenger messenger(store);
    messenger.setAutoRefreshStickers(false);
    if (const auto started = awaitFuture(messenger.start()); !started) {
        return fail(ctx, started.error().message);
    }
    const auto mode = fetchMode(ctx, messenger);
    if (!mode) {
        return kExitFailure;
    }
    waitConnected(messenger, 20);
    const auto updated = awaitFuture(messenger.stickers().refreshInstalled(*mode, true));
    if (!updated) {
        return fail(ctx, updated.error().message);
    }
    ctx.out << *updated << " pack(s) updated\n";
    return kExitOk;
}

int runStickers(CommandContext& ctx) {
    const QStringList args = ctx.parser.positionalArguments();
    const QString what = args.value(0);
    if (what == QLatin1String("create")) {
        return runCreateOrEdit(ctx, args, false);
    }
    if (what == QLatin1String("edit")) {
        return runCreateOrEdit(ctx, args, true);
    }
    if (what == QLatin1String("install")) {
        return runInstall(ctx, args);
    }
    if (what == QLatin1String("refresh")) {
        return runRefresh(ctx);
    }
    if (what == QLatin1String("list")) {
        return runList(ctx);
    }
    if (what == QLatin1String("export")) {
        return runExport(ctx, args);
    }
    if (what == QLatin1String("remove")) {
        return runRemove(ctx, args);
    }
    return usageError(ctx, kCommand,
                      QStringLiteral("say create, edit, install, refresh, list, export or remove"));
}

}  // namespace

std::vector<Command> stickerCommands() {
    return {
        {kCommand, QStringLiteral("Sticker packs: create, edit, install, list, export, remove."),
         QStringLiteral(
             "create DIR --title T [--author A] [--cover FILE] [--emoji FILE:EMOJI …] | "
             "edit PACK_ID DIR … | install LINK|PACK_ID [--mode M] | refresh [--mode M] | "
             "list [--json] | "
             "export PACK_ID DIR | remove PACK_ID"),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("title"), QStringLiteral("The pack's title."),
                          QStringLiteral("T")});
             p.addOption({QStringLiteral("author"), QStringLiteral("The pack's author."),
                          QStringLiteral("A")});
             p.addOption({QStringLiteral("cover"),
                          QStringLiteral("The image that shows the pack (default: the first)."),
                          QStringLiteral("FILE")});
             p.addOption({QStringLiteral("emoji"),
                          QStringLiteral("The emoji of one image (repeat; default 🙂)."),
                          QStringLiteral("FILE:EMOJI")});
             p.addOption({QStringLiteral("mode"),
                          QStringLiteral("install: the network to fetch from (signal or "
                                         "session; default session when there is an account)."),
                          QStringLiteral("M")});
             p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
         },
         runStickers, true},
    };
}

}  // namespace tandem::cli
