// StickerDraftModel: the stickers of a pack being made or edited, one tile each — the image
// the user chose, its emoji (one, required), whether it is the cover, and its preview: the
// sticker as it will be sent, encoded off the GUI thread (media::stickerFromBytes), or why the
// image cannot be one.
#pragma once

#include <vector>

#include <QAbstractListModel>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class StickerDraftModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("a StickerCreator has one: creator.drafts")
    Q_PROPERTY(int count READ count NOTIFY changed)
    Q_PROPERTY(int cover READ cover WRITE setCover NOTIFY changed)
    // Every tile has an emoji and a preview, and there is one at least.
    Q_PROPERTY(bool complete READ complete NOTIFY changed)
    Q_PROPERTY(bool encoding READ encoding NOTIFY changed)

public:
    static constexpr int kMaxStickers = 200;
    static constexpr qint64 kMaxFileBytes = 32 * 1024 * 1024;

    enum Role {
        NameRole = Qt::UserRole + 1,
        EmojiRole,
        EmojiValidRole,
        PreviewRole,
        StateRole,
        ErrorRole,
        CoverRole
    };

    struct Tile {
        int serial = 0;  // tells tiles apart while their encodings run
        QString name;
        QByteArray source;
        QString emoji;
        QByteArray preview;  // WebP, once encoded
        QString state;       // "encoding", "ready", "failed"
        QString error;
    };

    explicit StickerDraftModel(QObject* parent = nullptr) : QAbstractListModel(parent) {}

    [[nodiscard]] int count() const { return static_cast<int>(tiles_.size()); }
    [[nodiscard]] int cover() const { return cover_; }
    void setCover(int cover);
    [[nodiscard]] bool complete() const;
    [[nodiscard]] bool encoding() const;
    [[nodiscard]] const std::vector<Tile>& tiles() const { return tiles_; }

    // Local image files (FileDialog, a drop): each read and encoded on a worker thread.
    Q_INVOKABLE void addFiles(const QList<QUrl>& urls);
    // An image already in hand (a stored sticker of a pack being edited).
    void addImage(const QString& name, const QByteArray& bytes, const QString& emoji);
    Q_INVOKABLE void remove(int row);
    Q_INVOKABLE void setEmoji(int row, const QString& emoji);
    Q_INVOKABLE void clear();

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void changed();
    // A file that could not be added (too many, unreadable), as a sentence.
    void problem(const QString& message);

private:
    void add(const QString& name, const QByteArray& bytes, const QString& emoji);
    // Reads `path` (if given, else takes `bytes`) and encodes it on a worker thread.
    void encode(int serial, const QString& path, const QByteArray& bytes);
    int rowOf(int serial) const;

    std::vector<Tile> tiles_;
    int cover_ = 0;
    int nextSerial_ = 1;
};

}  // namespace tandem::gui
