// StickerPackInfo: one pack as the store knows it (the sheet a tapped sticker opens): its
// title and author, whether it is installed, and how many of its stickers are here. Read again
// when the packs change.
#pragma once

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class StickerPackInfo : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    Q_PROPERTY(QString packId READ packId WRITE setPackId NOTIFY packIdChanged)  // hex
    Q_PROPERTY(bool known READ known NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString author READ author NOTIFY changed)
    Q_PROPERTY(bool installed READ installed NOTIFY changed)
    Q_PROPERTY(bool builtin READ builtin NOTIFY changed)
    Q_PROPERTY(int stickerCount READ stickerCount NOTIFY changed)

public:
    explicit StickerPackInfo(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] QString packId() const { return packId_; }
    void setPackId(const QString& packId);
    [[nodiscard]] bool known() const { return known_; }
    [[nodiscard]] QString title() const { return title_; }
    [[nodiscard]] QString author() const { return author_; }
    [[nodiscard]] bool installed() const { return installed_; }
    [[nodiscard]] bool builtin() const { return builtin_; }
    [[nodiscard]] int stickerCount() const { return stickerCount_; }

signals:
    void feedChanged();
    void packIdChanged();
    void changed();

private:
    void refresh();

    QPointer<StoreFeed> feed_;
    QString packId_;
    bool known_ = false;
    QString title_;
    QString author_;
    bool installed_ = false;
    bool builtin_ = false;
    int stickerCount_ = 0;
    std::uint64_t generation_ = 0;
};

}  // namespace tandem::gui
