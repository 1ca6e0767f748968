#include "qml/contacts/ContactCard.h"

#include <QBuffer>

#include "app/core/SafetyNumbers.h"

namespace tandem::gui {

using namespace tandem::storage;

void ContactCard::setFeed(StoreFeed* feed) {
    if (!StoreFeed::rebind(this, feed_, feed, [this](StoreFeed& f) {
            // Shown at once in the open conversation: the warning and the new safety number.
            // (Any change while the first read is on its way: the address is not known yet.)
            connect(&f, &StoreFeed::identityChanged, this, [this](const QString& address) {
                if (!loaded_ || address == details_.address) {
                    reload();
                }
            });
            connect(&f, &StoreFeed::readyChanged, this, &ContactCard::reload);
            connect(&f, &StoreFeed::peopleChanged, this, &ContactCard::reload);
        })) {
        return;
    }
    emit feedChanged();
    reload();
}

void ContactCard::setConversationId(qint64 conversationId) {
    if (conversationId == conversationId_) {
        return;
    }
    conversationId_ = conversationId;
    emit conversationIdChanged();
    show({}, QString());
    reload();
}

void ContactCard::show(const ContactDetails& details, const QString& qr) {
    details_ = details;
    qr_ = qr;
    loaded_ = details.conversationId > 0;
    emit detailsChanged();
}

void ContactCard::reload() {
    const int generation = ++generation_;
    if (!feed_ || !feed_->ready() || conversationId_ <= 0) {
        return;
    }
    struct Read {
        ContactDetails details;
        QString qr;
    };
    feed_->store().read(
        [id = conversationId_](Repositories& r) -> StoreResult<Read> {
            Read out;
            TANDEM_TRY_ASSIGN(out.details, loadContactDetails(r, id));
            QByteArray png;
            QBuffer buffer(&png);
            if (!out.details.qr.isNull() && buffer.open(QIODevice::WriteOnly)) {
                out.details.qr.save(&buffer, "PNG");
            }
            if (!png.isEmpty()) {
                out.qr =
                    QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
            }
            out.details.qr = QImage();  // its PNG is what goes to the GUI thread
            return out;
        },
        this,
        [this, generation](StoreResult<Read> read) {
            if (generation == generation_ && read) {
                show(read->details, read->qr);
            }
        });
}

void ContactCard::setVerified(bool verified) {
    const qint64 contactId = details_.contactId;
    if (!feed_ || !feed_->ready() || contactId <= 0) {
        return;
    }
    feed_->store().write([contactId, verified](
                             Repositories& r) { return core::setVerified(r, contactId, verified); },
                         this,
                         [this, contactId](StoreResult<void> written) {
                             reload();
                             if (written && feed_) {
                                 feed_->contactChanged(contactId);
                             }
                         });
}

}  // namespace tandem::gui
