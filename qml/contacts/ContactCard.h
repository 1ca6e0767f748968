// ContactCard: the contact-details panel of one conversation, for QML — the contact's name and
// address, the safety number and its QR code, whether they are verified or their identity key
// changed — read on the storage thread, and read again when the safety number changes.
// Marking the contact verified (or accepting a new safety number) is written here; the feed
// tells the core, which sends what was held for them.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "qml/contacts/ContactDetails.h"
#include "qml/core/StoreFeed.h"

namespace tandem::gui {

class ContactCard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(tandem::gui::StoreFeed* feed READ feed WRITE setFeed NOTIFY feedChanged)
    // The conversation whose contact is shown (0: none, nothing is read).
    Q_PROPERTY(qint64 conversationId READ conversationId WRITE setConversationId NOTIFY
                   conversationIdChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY detailsChanged)
    Q_PROPERTY(qint64 contactId READ contactId NOTIFY detailsChanged)
    Q_PROPERTY(QString title READ title NOTIFY detailsChanged)
    Q_PROPERTY(QString address READ address NOTIFY detailsChanged)
    // 12 groups of 5 digits; empty until their identity key is known.
    Q_PROPERTY(QString safetyNumber READ safetyNumber NOTIFY detailsChanged)
    // The safety number as a QR code (a data: URL), or empty.
    Q_PROPERTY(QString qr READ qr NOTIFY detailsChanged)
    // "default", "verified", or "unverified" (verified, then their key changed).
    Q_PROPERTY(QString verification READ verification NOTIFY detailsChanged)
    Q_PROPERTY(bool identityChanged READ identityChanged NOTIFY detailsChanged)
    // A message request (docs/people.md): the chat offers Accept, Delete and Block.
    Q_PROPERTY(bool request READ request NOTIFY detailsChanged)
    Q_PROPERTY(bool blocked READ blocked NOTIFY detailsChanged)
    // Their profile picture, round (a data: URL), or "".
    Q_PROPERTY(QString avatar READ avatar NOTIFY detailsChanged)

public:
    explicit ContactCard(QObject* parent = nullptr) : QObject(parent) {}

    [[nodiscard]] StoreFeed* feed() const { return feed_; }
    void setFeed(StoreFeed* feed);
    [[nodiscard]] qint64 conversationId() const { return conversationId_; }
    void setConversationId(qint64 conversationId);

    [[nodiscard]] bool loaded() const { return loaded_; }
    [[nodiscard]] qint64 contactId() const { return details_.contactId; }
    [[nodiscard]] QString title() const { return details_.title; }
    [[nodiscard]] QString address() const { return details_.address; }
    [[nodiscard]] QString safetyNumber() const { return details_.safetyNumber; }
    [[nodiscard]] QString qr() const { return qr_; }
    [[nodiscard]] QString verification() const { return details_.verification; }
    [[nodiscard]] bool identityChanged() const { return details_.identityChanged; }
    [[nodiscard]] bool request() const { return details_.request; }
    [[nodiscard]] bool blocked() const { return details_.blocked; }
    [[nodiscard]] QString avatar() const { return details_.avatar; }

    // Reads the details again.
    Q_INVOKABLE void reload();
    // Marks the contact verified (the safety numbers were compared) or not; also how a new
    // safety number is accepted (verified = false).
    Q_INVOKABLE void setVerified(bool verified);

signals:
    void feedChanged();
    void conversationIdChanged();
    void detailsChanged();

private:
    void show(const ContactDetails& details, const QString& qr);

    QPointer<StoreFeed> feed_;
    qint64 conversationId_ = 0;
    bool loaded_ = false;
    ContactDetails details_;
    QString qr_;
    int generation_ = 0;  // a read for an older conversation is dropped
};

}  // namespace tandem::gui
