// AuditLog: TEST INSTRUMENTATION for the privacy-contract test (tests/onion/tst_privacy), off
// unless tandem-node is started with --audit FILE. It appends one JSON object a line for
// every event the node observes — the peer address of each connection and request, what each
// onion layer it peels says (the next hop, or the kind of destination request and the Session
// ID or blob id it names), each row it stores or deletes — so a test can check what a node
// could learn. It records full Session IDs and addresses: it must never be on outside tests.
// It never records message bytes or key material.
#pragma once

#include <memory>

#include <QFile>
#include <QJsonObject>
#include <QString>

#include <tandem/common/Expected.h>

namespace tandem::transport::onion {

class AuditLog {
public:
    static Expected<std::unique_ptr<AuditLog>, QString> open(const QString& path);

    // Adds "t" (ms since the epoch) and writes the line at once (flushed: a node killed by a
    // test has written everything it saw).
    void record(QJsonObject event);
    // Records `event`, seen from `peer` (an IP address), with `fields` — if `log` is on.
    static void note(AuditLog* log, const char* event, const QString& peer,
                     QJsonObject fields = {});

private:
    AuditLog() = default;
    QFile file_;
};

}  // namespace tandem::transport::onion
