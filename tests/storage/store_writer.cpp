// Helper for tst_crash: writes messages through the real Store as fast as it can and prints
// "committed <uid>" for each one only after its transaction has committed. The test kills
// this process with SIGKILL at a random moment and checks what survived.
//
//   tandem_store_writer PROFILE_DIR     (passphrase in $TANDEM_PASSPHRASE)
#include <cstdio>

#include <QCoreApplication>
#include <QDateTime>

#include "storage/Store.h"

using namespace tandem;
using namespace tandem::storage;

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 2 || qEnvironmentVariableIsEmpty("TANDEM_PASSPHRASE")) {
        std::fprintf(stderr, "usage: TANDEM_PASSPHRASE=… tandem_store_writer PROFILE_DIR\n");
        return 2;
    }
    Store store;
    const auto opened = store
                            .open(QString::fromLocal8Bit(argv[1]),
                                  Credentials::withPassphrase(SecretBytes::fromString(
                                      qgetenv("TANDEM_PASSPHRASE").toStdString())))
                            .result();
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    for (int round = 0;; ++round) {
        // Alternate single-message transactions and batches of 25, each message with its
        // outbox row, as Messenger::send writes them.
        const int batch = round % 2 == 0 ? 1 : 25;
        auto result =
            store
                .write([batch, round](Repositories& r) -> StoreResult<std::vector<MessageUid>> {
                    TANDEM_TRY_ASSIGN(const Conversation c, r.conversations.noteToSelf(1));
                    std::vector<MessageUid> uids;
                    for (int i = 0; i < batch; ++i) {
                        Message m;
                        m.conversationId = c.id;
                        m.uid = MessageUid::generate(QDateTime::currentMSecsSinceEpoch());
                        m.body = QStringLiteral("crash test round %1 message %2 %3")
                                     .arg(round)
                                     .arg(i)
                                     .arg(QString(200, u'x'));
                        m.status = MessageStatus::Pending;
                        m.sentAt = round;
                        TANDEM_TRY_ASSIGN(const InsertResult inserted, r.messages.insert(m));
                        OutboxItem item;
                        item.conversationId = c.id;
                        item.messageId = inserted.id;
                        item.payload = m.uid.toByteArray();
                        TANDEM_TRY(r.outbox.enqueue(item));
                        uids.push_back(m.uid);
                    }
                    return uids;
                })
                .result();
        if (!result) {
            std::fprintf(stderr, "%s\n", qPrintable(result.error().message));
            return 1;
        }
        for (const MessageUid& uid : *result) {
            std::printf("committed %s\n", qPrintable(uid.toHex()));
        }
        std::fflush(stdout);
    }
}
