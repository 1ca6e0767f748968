// SecureChannel: an encrypted, server-authenticated TCP channel on libsodium (no TLS).
//
// Handshake (Noise NK pattern): the client knows the relay's static X25519 key S (pinned in
// network.json as the relay's Ed25519 key, from which S is derived).
//   client → relay   "TNR1" ‖ e_c                              (36 bytes)
//   relay  → client  e_s ‖ tag                                 (48 bytes)
//   keys = HKDF(DH(e_c, S) ‖ DH(e_c, e_s), salt = BLAKE2b(msg1 ‖ e_s ‖ S), 64)
//          → client→relay key ‖ relay→client key
// The tag (an empty AEAD message under the relay→client key) proves the relay holds S;
// DH(e_c, e_s) gives forward secrecy. Frames are u32 big-endian length ‖ XChaCha20-Poly1305
// ciphertext, nonces counting up per direction from 1, so a dropped, reordered, replayed or
// altered frame ends the channel. Why not TLS with a pinned certificate: this is ~200 lines on
// the library we already trust, has no certificate handling or X.509 parser to attack, and is
// fuzzable end to end (docs/relay.md).
#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include "crypto/Primitives.h"

namespace tandem::transport {

class SecureChannel : public QObject {
    Q_OBJECT
public:
    enum class Role { Client, Server };
    static constexpr quint32 kMaxFrameBytes = 9 * 1024 * 1024;  // 8 MiB blobs + framing
    static constexpr int kHandshakeTimeoutMs = 10000;

    // The channel takes the socket (reparenting it) and starts the handshake.
    static SecureChannel* client(QTcpSocket* socket, const crypto::PublicKey& serverKey,
                                 QObject* parent = nullptr);
    static SecureChannel* server(QTcpSocket* socket, const crypto::X25519KeyPair& serverKey,
                                 QObject* parent = nullptr);
    ~SecureChannel() override;

    [[nodiscard]] bool isEstablished() const { return established_; }
    [[nodiscard]] qint64 pendingWriteBytes() const;
    [[nodiscard]] QTcpSocket* socket() const { return socket_; }

    // Encrypts and queues one frame. False, and nothing sent, when the channel is not
    // established or the frame is over kMaxFrameBytes (which the peer would refuse).
    bool send(const QByteArray& frame);
    // Writes what is queued to the socket now instead of when the event loop next runs (for
    // frames that must not wait behind a slow step, like a push before a disk flush).
    void flush();
    // Flushes what was queued, then closes; emits closed(reason) once.
    void close(const QString& reason);

signals:
    void established();
    void frameReceived(const QByteArray& frame);
    void closed(const QString& reason);

private:
    SecureChannel(QTcpSocket* socket, Role role, QObject* parent);
    void onReadyRead();
    bool handleHandshake();
    bool deriveKeys(const SecretBytes& es, const SecretBytes& ee, const QByteArray& transcript);
    void fail(const QString& reason);
    static crypto::Nonce nonceFor(quint64 counter);

    QPointer<QTcpSocket> socket_;
    Role role_;
    bool established_ = false;
    bool closedEmitted_ = false;
    QByteArray in_;
    qsizetype consumed_ = 0;
    QTimer handshakeTimer_;
    crypto::PublicKey serverPublic_{};
    std::optional<crypto::X25519KeyPair> serverStatic_;  // server only
    std::optional<crypto::X25519KeyPair> ephemeral_;
    QByteArray firstMessage_;
    SecretBytes sendKey_;
    SecretBytes receiveKey_;
    quint64 sendCounter_ = 1;
    quint64 receiveCounter_ = 1;
};

}  // namespace tandem::transport
