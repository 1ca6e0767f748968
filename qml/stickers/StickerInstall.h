// StickerInstall: a sticker pack link (tandem://stickers/#pack_id=…&pack_key=…) shown before it
// is installed — its title, author, sticker count and cover, read from the network of the mode
// shown (StickerService::preview) — and installed on the user's word. What goes wrong is a
// sentence in `error` (a malformed link, a pack not found, a wrong key).
#pragma once

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"

namespace tandem::gui {

class StickerInstall : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)
    Q_PROPERTY(QString link READ link WRITE setLink NOTIFY linkChanged)
    Q_PROPERTY(State state READ state NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString author READ author NOTIFY changed)
    Q_PROPERTY(int stickerCount READ stickerCount NOTIFY changed)
    Q_PROPERTY(QByteArray cover READ cover NOTIFY changed)  // WebP
    Q_PROPERTY(bool hasCover READ hasCover NOTIFY changed)
    Q_PROPERTY(bool installed READ installed NOTIFY changed)

public:
    enum class State { Idle, Loading, Ready, Installing, Installed, Failed };
    Q_ENUM(State)

    explicit StickerInstall(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core);
    [[nodiscard]] QString link() const { return link_; }
    // A new link is previewed at once.
    void setLink(const QString& link);
    [[nodiscard]] State state() const { return state_; }
    [[nodiscard]] QString error() const { return error_; }
    [[nodiscard]] QString title() const { return preview_.title; }
    [[nodiscard]] QString author() const { return preview_.author; }
    [[nodiscard]] int stickerCount() const { return preview_.stickers; }
    [[nodiscard]] QByteArray cover() const { return preview_.cover; }
    [[nodiscard]] bool hasCover() const { return !preview_.cover.isEmpty(); }
    [[nodiscard]] bool installed() const {
        return preview_.installed || state_ == State::Installed;
    }

    // Whether the whole (trimmed) text is meant as a sticker pack link (well-formed or not).
    Q_INVOKABLE static bool isLink(const QString& text);
    // Reads the preview again (after a failure).
    Q_INVOKABLE void load();
    Q_INVOKABLE void install();

signals:
    void coreChanged();
    void linkChanged();
    void changed();

private:
    void fail(const QString& why);

    QPointer<AppCore> core_;
    QString link_;
    State state_ = State::Idle;
    QString error_;
    core::StickerService::Preview preview_;
    std::uint64_t generation_ = 0;  // answers for an earlier link are dropped
};

}  // namespace tandem::gui
