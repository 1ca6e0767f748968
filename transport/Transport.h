// Transport: the one interface both delivery models implement (DESIGN.md). Each mode's
// channel in the core (ModeChannel) owns one and the rest of the core never branches on which:
// relay (Signal mode) and onion (Session mode) look the same from above. A transport lives on the
// core thread, is event-driven, and never blocks.
//
// Contract:
//  - send() answers with accepted(id, serverTimeMs) once the network holds the envelope,
//    or failed(id, error); never both, exactly one per send.
//  - received() may deliver the same envelope more than once (at-least-once); the core
//    dedupes by message uid and calls acknowledge() only after committing it locally.
//  - Blobs (sticker packs, attachments) are ciphertext only; the transport never sees keys.
//  - Records (crypto/SignedRecord.h) are the latest version of something, signed by its owner
//    (an editable sticker pack's manifest): putRecord() answers recordStored(id, version) or
//    recordFailed (StaleVersion with the version the network holds when it is not newer);
//    getRecord() answers recordFetched with a record the transport verified (the signature,
//    and that it is at the address asked for), or recordFailed (NotFound when none is there).
#pragma once

#include <cstdint>

#include <QByteArray>
#include <QLoggingCategory>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include "crypto/SignedRecord.h"

// One category per layer and transport (README: QT_LOGGING_RULES).
Q_DECLARE_LOGGING_CATEGORY(lcTransport)
Q_DECLARE_LOGGING_CATEGORY(lcRelay)
Q_DECLARE_LOGGING_CATEGORY(lcOnion)
Q_DECLARE_LOGGING_CATEGORY(lcNode)  // tandem-node (transport/onion/node/)

namespace tandem::transport {

struct TransportStatus {
    enum class State { Offline, Connecting, Online, Failing };
    State state = State::Offline;
    QString detail;    // a sentence for the user, e.g. "Reconnecting in 4 s"
    QStringList path;  // onion: the hops of the current path (guard first); relay: empty
};

struct TransportError {
    // Deferred: not tried at all (an earlier message to the same recipient failed, or the
    // transport stopped); it counts as no attempt and goes again after the one before it.
    enum class Code {
        Network,
        Timeout,
        Rejected,
        TooLarge,
        Unauthorized,
        NotFound,
        RateLimited,
        Deferred,
        StaleIdentity,  // relay: sealed for an identity its recipient no longer has
        Full,           // the recipient's mailbox (or a node's store) is full: retried later
        Locked,         // relay: the number is registration-locked (the PIN proves it)
        StaleVersion    // a record: the network holds this version or a higher one
    };
    Code code = Code::Network;
    QString message;
    bool retryable = true;
    std::uint64_t storedVersion = 0;  // StaleVersion: the version the network holds
};

struct OutgoingEnvelope {
    QByteArray id;                 // the core's handle (its outbox row), echoed in accepted/failed
    QString recipient;             // +E164 or Session ID
    QByteArray ciphertext;         // sealed, padded; never plaintext
    QByteArray accessKey;          // relay: the recipient's sealed-sender access key
    QByteArray recipientIdentity;  // relay: the identity key it was sealed for (checked)
    std::int64_t ttlMs = 0;        // 0: the network's default
};

struct IncomingEnvelope {
    QByteArray serverId;  // what acknowledge() takes
    QByteArray ciphertext;
    std::int64_t serverTimeMs = 0;
    QString source;  // onion: the swarm member it came from (where its hash resumes); relay: empty
};

struct BlobRef {
    QByteArray id;
    std::int64_t size = 0;
};

class Transport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~Transport() override = default;

    [[nodiscard]] virtual TransportStatus status() const = 0;
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual void send(const OutgoingEnvelope& envelope) = 0;
    virtual void acknowledge(const QByteArray& serverId) = 0;
    // Uploads ciphertext; answers with blobStored(requestId, ref) or blobFailed.
    virtual void putBlob(const QByteArray& requestId, const QByteArray& ciphertext) = 0;
    // Downloads; answers with blobFetched(requestId, ciphertext) or blobFailed.
    virtual void getBlob(const QByteArray& requestId, const BlobRef& ref) = 0;
    // Stores a record (signRecord()); answers with recordStored(requestId, its version) or
    // recordFailed.
    virtual void putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) = 0;
    // The latest record at `address` (recordAddress()); answers with recordFetched(requestId,
    // record), verified, or recordFailed (NotFound: no record there).
    virtual void getRecord(const QByteArray& requestId, const QByteArray& address) = 0;

signals:
    void received(const tandem::transport::IncomingEnvelope& envelope);
    void accepted(const QByteArray& id, qint64 serverTimeMs);
    void failed(const QByteArray& id, const tandem::transport::TransportError& error);
    void statusChanged(const tandem::transport::TransportStatus& status);
    void blobProgress(const QByteArray& requestId, qint64 done, qint64 total);
    void blobStored(const QByteArray& requestId, const tandem::transport::BlobRef& ref);
    void blobFetched(const QByteArray& requestId, const QByteArray& ciphertext);
    void blobFailed(const QByteArray& requestId, const tandem::transport::TransportError& error);
    void recordStored(const QByteArray& requestId, quint64 storedVersion);
    void recordFetched(const QByteArray& requestId, const tandem::crypto::SignedRecord& record);
    void recordFailed(const QByteArray& requestId, const tandem::transport::TransportError& error);
};

}  // namespace tandem::transport

Q_DECLARE_METATYPE(tandem::transport::TransportStatus)
Q_DECLARE_METATYPE(tandem::transport::TransportError)
Q_DECLARE_METATYPE(tandem::transport::IncomingEnvelope)
Q_DECLARE_METATYPE(tandem::transport::BlobRef)
Q_DECLARE_METATYPE(tandem::crypto::SignedRecord)
