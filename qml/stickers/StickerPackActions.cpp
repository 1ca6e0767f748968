#include "qml/stickers/StickerPackActions.h"

#include "app/core/Messenger.h"

namespace tandem::gui {

template <class T>
void StickerPackActions::run(
    std::function<QFuture<core::CoreResult<T>>(core::StickerService&)> work) {
    if (!core_ || busy_) {
        return;
    }
    busy_ = true;
    error_.clear();
    emit busyChanged();
    const bool queued = core_->coreThread().call<core::CoreResult<T>>(
        this, [work](core::Messenger& m) { return work(m.stickers()); },
        [this](core::CoreResult<T> result) { done(result ? QString() : result.error().message); });
    if (!queued) {
        done(StickerPackActions::tr("Tandem is restarting its connection. Try again in a moment."));
    }
}

void StickerPackActions::done(const QString& error) {
    busy_ = false;
    error_ = error;
    emit busyChanged();
    emit finished(error.isEmpty());
}

void StickerPackActions::installKnown(const QString& packId) {
    run<storage::StickerPack>([pack = QByteArray::fromHex(packId.toLatin1()),
                               mode = core_ ? core_->currentMode() : storage::Mode::Signal](
                                  core::StickerService& s) { return s.installKnown(pack, mode); });
}

void StickerPackActions::setHidden(const QString& packId, bool hidden) {
    run<void>([pack = QByteArray::fromHex(packId.toLatin1()), hidden](core::StickerService& s) {
        return s.setHidden(pack, hidden);
    });
}

void StickerPackActions::remove(const QString& packId) {
    run<void>([pack = QByteArray::fromHex(packId.toLatin1())](core::StickerService& s) {
        return s.uninstall(pack);
    });
}

}  // namespace tandem::gui
