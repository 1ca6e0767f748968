// A ModeChannel over a fake transport, for the core's unit tests: the outbox, inbox and
// receipts run for real over a real store, and the test plays the network. "Sealing" writes
// the content in the clear behind the sender's address and a fresh nonce (so a second seal of
// the same item shows as different bytes); "opening" reads it back the same way.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include <QDateTime>
#include <QTimer>
#include <QUuid>

#include "app/core/ContentHandler.h"
#include "app/core/ModeChannel.h"
#include "proto/ContentCodec.h"
#include "tandem/core.pb.h"

namespace tandem::test {

class FakeTransport final : public transport::Transport {
    Q_OBJECT
public:
    using Transport::Transport;

    std::vector<transport::OutgoingEnvelope> sent;
    std::vector<QByteArray> acknowledged;
    bool autoAccept = true;  // accepted on the next event-loop turn

    [[nodiscard]] transport::TransportStatus status() const override {
        return {transport::TransportStatus::State::Online, {}, {}};
    }
    void start() override {}
    void stop() override {}
    void send(const transport::OutgoingEnvelope& envelope) override {
        sent.push_back(envelope);
        if (autoAccept) {
            QTimer::singleShot(0, this, [this, id = envelope.id] { accept(id); });
        }
    }
    void acknowledge(const QByteArray& serverId) override { acknowledged.push_back(serverId); }
    void putBlob(const QByteArray& requestId, const QByteArray&) override {
        emit blobFailed(requestId, {transport::TransportError::Code::Rejected, "fake", false});
    }
    void getBlob(const QByteArray& requestId, const transport::BlobRef&) override {
        emit blobFailed(requestId, {transport::TransportError::Code::Rejected, "fake", false});
    }

    // Records are kept here by the servers' rules: verified, and a higher version (or the
    // same record again) replaces what is held; anything else is StaleVersion.
    std::map<QByteArray, crypto::SignedRecord> records;
    void putRecord(const QByteArray& requestId, const crypto::SignedRecord& record) override {
        using Code = transport::TransportError::Code;
        if (const auto valid = crypto::verifyRecord(record); !valid) {
            emit recordFailed(requestId, {Code::Rejected, valid.error().message, false});
            return;
        }
        const auto held = records.find(record.address);
        if (held != records.end() &&
            crypto::compareRecords(held->second, record) == crypto::RecordOrder::Stale) {
            emit recordFailed(requestId, {Code::StaleVersion, QStringLiteral("stale version"),
                                          false, held->second.version});
            return;
        }
        records[record.address] = record;
        emit recordStored(requestId, record.version);
    }
    void getRecord(const QByteArray& requestId, const QByteArray& address) override {
        const auto held = records.find(address);
        if (held == records.end()) {
            emit recordFailed(requestId, {transport::TransportError::Code::NotFound,
                                          QStringLiteral("no such record"), false});
            return;
        }
        emit recordFetched(requestId, held->second);
    }

    void accept(const QByteArray& id) { emit accepted(id, QDateTime::currentMSecsSinceEpoch()); }
    void fail(const QByteArray& id, transport::TransportError error) { emit failed(id, error); }
    void deliver(const QByteArray& serverId, const QByteArray& ciphertext) {
        transport::IncomingEnvelope e;
        e.serverId = serverId;
        e.ciphertext = ciphertext;
        e.serverTimeMs = QDateTime::currentMSecsSinceEpoch();
        emit received(e);
    }
    // The ids of what was sent, as the outbox names them (messages and receipts).
    [[nodiscard]] std::vector<QByteArray> sentIds() const {
        std::vector<QByteArray> ids;
        for (const auto& e : sent) {
            ids.push_back(e.id);
        }
        return ids;
    }
};

// What a peer sends us, as FakeChannel opens it.
inline QByteArray fakeEnvelope(const QString& from, const QByteArray& content) {
    return from.toUtf8() + '|' + QUuid::createUuid().toByteArray() + '\n' + content;
}
// The content inside a FakeChannel envelope.
inline QByteArray fakeContent(const QByteArray& envelope) {
    return envelope.mid(envelope.indexOf('\n') + 1);
}

class FakeChannel final : public core::ModeChannel {
    Q_OBJECT
public:
    FakeChannel(storage::Store& store, QString own) : store_(store), own_(std::move(own)) {}
    ~FakeChannel() override {
        store_.post([] {}).waitForFinished();
    }

    FakeTransport* fake = nullptr;
    bool connectedNow = true;
    int seals = 0;
    mutable int connectedAsked = 0;  // how often the outbox asked isConnected()

    void setConnected(bool on) {
        connectedNow = on;
        if (on) {
            emit connected();
        }
    }

    [[nodiscard]] storage::Mode mode() const override { return storage::Mode::Signal; }
    QFuture<core::CoreResult<bool>> start() override {
        fake = new FakeTransport(this);
        return QtFuture::makeReadyFuture(core::CoreResult<bool>(true));
    }
    void stop() override {}
    [[nodiscard]] transport::Transport* transport() const override { return fake; }
    [[nodiscard]] bool isConnected() const override {
        ++connectedAsked;
        return connectedNow;
    }
    [[nodiscard]] bool isOwnAddress(const QString& address) const override {
        return address == own_;
    }

    bool inlineSeals = false;  // sealed in the queueing transaction, but for "seal later"
    bool holdSeals = false;    // seal() waits for releaseSeals()
    [[nodiscard]] std::size_t heldSeals() const { return held_.size(); }
    void releaseSeals() {
        auto held = std::move(held_);
        held_.clear();
        for (auto& seal : held) {
            seal();
        }
    }

    [[nodiscard]] std::optional<InlineSeal> inlineSeal() const override {
        if (!inlineSeals) {
            return std::nullopt;
        }
        return InlineSeal([own = own_](storage::Repositories&, const storage::Contact& contact,
                                       const QByteArray& content,
                                       std::int64_t) -> storage::StoreResult<InlineSealed> {
            const auto decoded = proto::decodeContent(content);
            if (decoded && decoded->has_text() && decoded->text().text() == "seal later") {
                return InlineSealed{};
            }
            InlineSealed out;
            out.envelope.recipient = contact.address;
            out.envelope.ciphertext = fakeEnvelope(own, content);
            out.payload = wirePayload(contact, out.envelope.ciphertext);
            return out;
        });
    }

    QFuture<core::SealResult> seal(std::int64_t outboxId, const storage::Contact& contact,
                                   const QByteArray& content) override {
        ++seals;
        if (!holdSeals) {
            return sealNow(outboxId, contact, content);
        }
        auto promise = std::make_shared<QPromise<core::SealResult>>();
        promise->start();
        held_.push_back([this, promise, outboxId, contact, content] {
            sealNow(outboxId, contact, content).then(this, [promise](core::SealResult sealed) {
                promise->addResult(sealed);
                promise->finish();
            });
        });
        return promise->future();
    }

    QFuture<core::SealResult> sealNow(std::int64_t outboxId, const storage::Contact& contact,
                                      const QByteArray& content) {
        return store_.write(
            [outboxId, contact, content, envelope = fakeEnvelope(own_, content)](
                storage::Repositories& r) -> storage::StoreResult<core::SealResult> {
                TANDEM_TRY(r.outbox.setPayload(outboxId, wirePayload(contact, envelope)));
                core::SealResult sealed;
                sealed.outcome = core::SealResult::Outcome::Send;
                sealed.envelope.recipient = contact.address;
                sealed.envelope.ciphertext = envelope;
                return sealed;
            },
            this,
            [](storage::StoreResult<core::SealResult> sealed) {
                return sealed ? *sealed : core::SealResult{};
            });
    }

    [[nodiscard]] OpenTask opener(const transport::IncomingEnvelope& envelope) const override {
        return [bytes = envelope.ciphertext](
                   storage::Repositories& r) -> storage::StoreResult<core::Opened> {
            const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
            if (bytes.startsWith("unstorable")) {
                return storage::storeError(storage::StoreErrorCode::Io,
                                           QStringLiteral("the disk is full"));
            }
            core::Opened out;
            const auto content = proto::decodeContent(fakeContent(bytes));
            if (!content || bytes.indexOf('|') < 0) {
                out.outcome = core::Opened::Outcome::Undecryptable;
                out.problem = QStringLiteral("not a fake envelope");
                return out;
            }
            const QString from = QString::fromUtf8(bytes.left(bytes.indexOf('|')));
            TANDEM_TRY_ASSIGN(const storage::Contact contact,
                              core::contactForAddress(r, storage::Mode::Signal, from, now));
            out.from = contact.address;
            TANDEM_TRY_ASSIGN(
                core::HandledContent handled,
                core::handleContent(r, storage::Mode::Signal, contact, *content, now));
            core::takeHandled(out, std::move(handled));
            return out;
        };
    }

    [[nodiscard]] std::optional<core::ProbePeer> self(QString* why) override {
        *why = QStringLiteral("the fake channel sends no probes");
        return std::nullopt;
    }
    [[nodiscard]] std::optional<core::ProbePeer> probePeer(const QString&,
                                                           const std::optional<storage::Contact>&,
                                                           QString* why) const override {
        *why = QStringLiteral("the fake channel sends no probes");
        return std::nullopt;
    }
    [[nodiscard]] std::optional<QByteArray> sealProbe(const core::ProbePeer&, const QByteArray&,
                                                      QString* problem) const override {
        *problem = QStringLiteral("the fake channel sends no probes");
        return std::nullopt;
    }

private:
    static QByteArray wirePayload(const storage::Contact& contact, const QByteArray& envelope) {
        proto::core::OutboxPayload payload;
        auto* wire = payload.mutable_wire();
        wire->set_mode(static_cast<std::uint32_t>(storage::Mode::Signal));
        wire->set_recipient(contact.address.toStdString());
        wire->set_envelope(envelope.toStdString());
        return QByteArray::fromStdString(payload.SerializeAsString());
    }

    storage::Store& store_;
    QString own_;
    std::vector<std::function<void()>> held_;
};

}  // namespace tandem::test
