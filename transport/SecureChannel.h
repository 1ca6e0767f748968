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
// altered frame ends the channel. An empty frame (the tag alone) is a keep-alive: a client sends
// one when it has sent nothing for kKeepAliveMs, and a server closes a channel that received
// nothing, not even that, for kIdleTimeoutMs (a peer that vanished, a half-open connection).
// A frame must arrive within kReadDeadlineMs of its first byte (a peer that starts a frame and
// stalls is dropped), and a server accepts at most kPreHandshakeBytes before the handshake is
// done. Why not TLS with a pinned certificate: this is ~200 lines on
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
    static constexpr int kKeepAliveMs = 30000;     // client: an empty frame after this silence
    static constexpr int kIdleTimeoutMs = 120000;  // server: closed after this silence
    static constexpr int kReadDeadlineMs = 60000;  // a started frame completes within this
    static constexpr qsizetype kPreHandshakeBytes = 4096;

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
    // The largest frame accepted from the peer from now on (at most kMaxFrameBytes): a daemon
    // lowers it for peers that have not authenticated, so what they can make it buffer is
    // small. A longer frame ends the channel as soon as its length arrives.
    void setMaxIncomingFrameBytes(quint32 bytes);
    // Server: the idle deadline (tests shorten it); 0 turns it off.
    void setIdleTimeout(int ms);
    // Client: the keep-alive interval (must stay well under the server's idle deadline).
    void setKeepAliveInterval(int ms);

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
    QTimer idleTimer_;       // server: nothing received for this long
    QTimer readTimer_;       // a frame started and not finished
    QTimer keepAliveTimer_;  // client: nothing sent for this long
    quint32 maxIncomingFrameBytes_ = kMaxFrameBytes;
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
