// StickerPackActions: what the user does to a pack that is already known here — add a pack
// known from a received sticker (in the mode shown), hide or show a built-in one, remove an
// installed or created one. Each goes to the StickerService on the core thread; `error` says
// why one failed, as a sentence.
#pragma once

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"

namespace tandem::gui {

class StickerPackActions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY busyChanged)

public:
    explicit StickerPackActions(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core) {
        if (core != core_) {
            core_ = core;
            emit coreChanged();
        }
    }
    [[nodiscard]] bool busy() const { return busy_; }
    [[nodiscard]] QString error() const { return error_; }

    // Pack ids in hex, as the models give them.
    Q_INVOKABLE void installKnown(const QString& packId);
    Q_INVOKABLE void setHidden(const QString& packId, bool hidden);
    Q_INVOKABLE void remove(const QString& packId);

signals:
    void coreChanged();
    void busyChanged();
    void finished(bool ok);

private:
    template <class T>
    void run(std::function<QFuture<core::CoreResult<T>>(core::StickerService&)> work);
    void done(const QString& error);

    QPointer<AppCore> core_;
    bool busy_ = false;
    QString error_;
};

}  // namespace tandem::gui
