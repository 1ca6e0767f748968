#include "qml/stickers/StickerCreator.h"

#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>

#include "app/core/Messenger.h"
#include "qml/contacts/ContactDetails.h"

namespace tandem::gui {

using namespace tandem::storage;
using core::CoreResult;
using core::StickerService;

StickerCreator::StickerCreator(QObject* parent)
    : QObject(parent), drafts_(new StickerDraftModel(this)) {
    connect(drafts_, &StickerDraftModel::changed, this, &StickerCreator::changed);
}

void StickerCreator::setCore(AppCore* core) {
    if (core != core_) {
        core_ = core;
        emit coreChanged();
    }
}

void StickerCreator::setTitle(const QString& title) {
    if (title != title_) {
        title_ = title;
        emit changed();
    }
}

void StickerCreator::setAuthor(const QString& author) {
    if (author != author_) {
        author_ = author;
        emit changed();
    }
}

bool StickerCreator::canPublish() const {
    return core_ && state_ != State::Publishing && !title_.trimmed().isEmpty() &&
           title_.size() <= StickerService::kMaxTitleChars && drafts_->complete();
}

void StickerCreator::setState(State state, const QString& error) {
    state_ = state;
    error_ = error;
    emit changed();
}

void StickerCreator::startNew() {
    ++generation_;
    editing_.clear();
    title_.clear();
    author_.clear();
    link_.clear();
    qr_.clear();
    publishedTo_.clear();
    failures_.clear();
    drafts_->clear();
    setState(State::Editing);
}

void StickerCreator::edit(const QString& packId) {
    startNew();
    if (!core_ || !core_->feed()->ready()) {
        return;
    }
    editing_ = packId;
    struct Read {
        StickerPack pack;
        std::vector<Sticker> stickers;
    };
    core_->store().read(
        [pack = QByteArray::fromHex(packId.toLatin1())](Repositories& r) -> StoreResult<Read> {
            Read out;
            TANDEM_TRY_ASSIGN(const auto p, r.stickers.pack(pack));
            if (!p) {
                return storeError(StoreErrorCode::NotFound, QStringLiteral("no such pack"));
            }
            out.pack = *p;
            TANDEM_TRY_ASSIGN(const auto listed, r.stickers.stickers(pack));
            for (const Sticker& s : listed) {
                TANDEM_TRY_ASSIGN(const auto full, r.stickers.sticker(pack, s.stickerId));
                if (full) {
                    out.stickers.push_back(*full);
                }
            }
            return out;
        },
        this,
        [this, generation = generation_](StoreResult<Read> read) {
            if (generation != generation_) {
                return;
            }
            if (!read) {
                setState(State::Failed, read.error().message);
                return;
            }
            title_ = read->pack.title;
            author_ = read->pack.author;
            int cover = 0;
            for (std::size_t i = 0; i < read->stickers.size(); ++i) {
                const Sticker& s = read->stickers[i];
                drafts_->addImage(tr("Sticker %1").arg(i + 1), s.image, s.emoji);
                if (read->pack.coverStickerId == s.stickerId) {
                    cover = static_cast<int>(i);
                }
            }
            drafts_->setCover(cover);
            link_ = StickerService::linkOf(read->pack);
            emit changed();
        });
}

void StickerCreator::publish() {
    if (!canPublish()) {
        return;
    }
    StickerService::Draft draft;
    draft.title = title_.trimmed();
    draft.author = author_.trimmed();
    draft.cover = drafts_->cover();
    for (const StickerDraftModel::Tile& t : drafts_->tiles()) {
        draft.stickers.push_back({t.source, t.emoji.trimmed()});
    }
    setState(State::Publishing);
    const std::uint64_t generation = ++generation_;
    const bool queued = core_->coreThread().call<CoreResult<StickerService::Published>>(
        this,
        [draft = std::move(draft),
         pack = QByteArray::fromHex(editing_.toLatin1())](core::Messenger& m) mutable {
            return pack.isEmpty() ? m.stickers().create(std::move(draft))
                                  : m.stickers().edit(pack, std::move(draft));
        },
        [this, generation](CoreResult<StickerService::Published> result) {
            if (generation != generation_) {
                return;
            }
            if (!result) {
                setState(State::Failed, result.error().message);
                return;
            }
            published(*result);
        });
    if (!queued) {
        setState(State::Failed, tr("Tandem is restarting its connection. Try again in a moment."));
    }
}

void StickerCreator::published(const StickerService::Published& result) {
    editing_ = QString::fromLatin1(result.pack.packId.toHex());
    link_ = result.link;
    const QImage code = qrImage(link_.toUtf8(), 4);
    QBuffer png;
    if (!code.isNull() && png.open(QIODevice::WriteOnly) && code.save(&png, "PNG")) {
        qr_ = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.data().toBase64());
    }
    const auto name = [](Mode mode) {
        return mode == Mode::Signal ? tr("Signal mode") : tr("Session mode");
    };
    publishedTo_.clear();
    failures_.clear();
    for (const Mode mode : result.publishedTo) {
        publishedTo_ << name(mode);
    }
    for (const auto& [mode, why] : result.failed) {
        failures_ << tr("%1: %2").arg(name(mode), why);
    }
    setState(State::Published);
}

void StickerCreator::copyToClipboard(const QString& text) {
    if (QClipboard* clipboard = QGuiApplication::clipboard()) {
        clipboard->setText(text);
    }
}

}  // namespace tandem::gui
