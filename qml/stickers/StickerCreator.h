// StickerCreator: making a sticker pack, or a new version of one made here — the title, the
// author, the tiles (StickerDraftModel), then Publish: StickerService::create (or edit) on the
// core thread, which encodes, stores and publishes to every network this profile has an
// account on. The result is the pack's link (and its QR code), the networks it went to, and
// why not to the others.
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include "qml/core/AppCore.h"
#include "qml/stickers/StickerDraftModel.h"

namespace tandem::gui {

class StickerCreator : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::AppCore* core READ core WRITE setCore NOTIFY coreChanged)
    Q_PROPERTY(QString title READ title WRITE setTitle NOTIFY changed)
    Q_PROPERTY(QString author READ author WRITE setAuthor NOTIFY changed)
    Q_PROPERTY(tandem::gui::StickerDraftModel* drafts READ drafts CONSTANT)
    // The pack being edited (hex); empty: a new pack.
    Q_PROPERTY(QString editing READ editing NOTIFY changed)
    Q_PROPERTY(State state READ state NOTIFY changed)
    Q_PROPERTY(bool canPublish READ canPublish NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)
    Q_PROPERTY(QString link READ link NOTIFY changed)
    Q_PROPERTY(QString qr READ qr NOTIFY changed)  // the link's QR code, a PNG data URL
    // "Signal mode", … — and for the others, "Session mode: why".
    Q_PROPERTY(QStringList publishedTo READ publishedTo NOTIFY changed)
    Q_PROPERTY(QStringList failures READ failures NOTIFY changed)

public:
    enum class State { Editing, Publishing, Published, Failed };
    Q_ENUM(State)

    explicit StickerCreator(QObject* parent = nullptr);

    [[nodiscard]] AppCore* core() const { return core_; }
    void setCore(AppCore* core);
    [[nodiscard]] QString title() const { return title_; }
    void setTitle(const QString& title);
    [[nodiscard]] QString author() const { return author_; }
    void setAuthor(const QString& author);
    [[nodiscard]] StickerDraftModel* drafts() const { return drafts_; }
    [[nodiscard]] QString editing() const { return editing_; }
    [[nodiscard]] State state() const { return state_; }
    [[nodiscard]] bool canPublish() const;
    [[nodiscard]] QString error() const { return error_; }
    [[nodiscard]] QString link() const { return link_; }
    [[nodiscard]] QString qr() const { return qr_; }
    [[nodiscard]] QStringList publishedTo() const { return publishedTo_; }
    [[nodiscard]] QStringList failures() const { return failures_; }

    Q_INVOKABLE void publish();
    // Starts over with an empty pack.
    Q_INVOKABLE void startNew();
    // Loads a pack made here (its title, author, cover and stickers) to publish a new version.
    Q_INVOKABLE void edit(const QString& packId);
    Q_INVOKABLE static void copyToClipboard(const QString& text);

signals:
    void coreChanged();
    void changed();

private:
    void published(const core::StickerService::Published& result);
    void setState(State state, const QString& error = {});

    QPointer<AppCore> core_;
    StickerDraftModel* drafts_;
    QString title_;
    QString author_;
    QString editing_;
    State state_ = State::Editing;
    QString error_;
    QString link_;
    QString qr_;
    QStringList publishedTo_;
    QStringList failures_;
    std::uint64_t generation_ = 0;
};

}  // namespace tandem::gui
