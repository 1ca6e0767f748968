#include "qml/stickers/StickerInstall.h"

#include <QRegularExpression>

#include "app/core/Messenger.h"

namespace tandem::gui {

using core::CoreResult;
using core::StickerService;

bool StickerInstall::isLink(const QString& text) {
    const QString t = text.trimmed();
    // A malformed one counts too: the dialog it opens says what is wrong with it.
    return t.startsWith(QLatin1String("tandem://stickers"), Qt::CaseInsensitive) &&
           !t.contains(QRegularExpression(QStringLiteral("\\s")));
}

void StickerInstall::setCore(AppCore* core) {
    if (core != core_) {
        core_ = core;
        emit coreChanged();
        load();
    }
}

void StickerInstall::setLink(const QString& link) {
    if (link.trimmed() != link_) {
        link_ = link.trimmed();
        emit linkChanged();
        load();
    }
}

void StickerInstall::fail(const QString& why) {
    state_ = State::Failed;
    error_ = why;
    emit changed();
}

void StickerInstall::load() {
    const std::uint64_t generation = ++generation_;
    preview_ = {};
    error_.clear();
    if (link_.isEmpty() || !core_) {
        state_ = State::Idle;
        emit changed();
        return;
    }
    if (const auto id = StickerService::packIdOfLink(link_); !id) {
        fail(tr("This is not a sticker pack link: %1").arg(id.error().message));
        return;
    }
    state_ = State::Loading;
    emit changed();
    const bool queued = core_->coreThread().call<CoreResult<StickerService::Preview>>(
        this,
        [link = link_, mode = core_->currentMode()](core::Messenger& m) {
            return m.stickers().preview(link, mode);
        },
        [this, generation](CoreResult<StickerService::Preview> preview) {
            if (generation != generation_) {
                return;
            }
            if (!preview) {
                fail(preview.error().message);
                return;
            }
            preview_ = *preview;
            state_ = State::Ready;
            emit changed();
        });
    if (!queued) {
        fail(tr("Tandem is not connected yet. Try again in a moment."));
    }
}

void StickerInstall::install() {
    if (!core_ || state_ != State::Ready) {
        return;
    }
    const std::uint64_t generation = generation_;
    state_ = State::Installing;
    emit changed();
    const bool queued = core_->coreThread().call<CoreResult<storage::StickerPack>>(
        this,
        [link = link_, mode = core_->currentMode()](core::Messenger& m) {
            return m.stickers().install(link, mode);
        },
        [this, generation](CoreResult<storage::StickerPack> pack) {
            if (generation != generation_) {
                return;
            }
            if (!pack) {
                fail(pack.error().message);
                return;
            }
            state_ = State::Installed;
            emit changed();
        });
    if (!queued) {
        fail(tr("Tandem is not connected yet. Try again in a moment."));
    }
}

}  // namespace tandem::gui
