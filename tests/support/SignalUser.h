// A Signal-mode user for end-to-end tests: a real profile (SQLCipher store), registered with a
// real tandem-relayd, and the real Messenger; what it received, in arrival order.
#pragma once

#include <memory>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/Await.h"
#include "app/core/Messenger.h"
#include "app/core/signal/SignalRegistration.h"
#include "storage/Store.h"
#include "tests/support/TestSupport.h"

namespace tandem::test {

struct SignalUser {
    QString phone;
    QTemporaryDir dir;
    std::unique_ptr<storage::Store> store;
    std::unique_ptr<core::Messenger> messenger;
    QStringList received;

    explicit SignalUser(QString number) : phone(std::move(number)) {}

    void open(bool create) {
        store = std::make_unique<storage::Store>();
        const auto opened = test::await(create ? store->create(dir.path(), test::passphrase("pw"),
                                                               storage::KdfStrength::Interactive)
                                               : store->open(dir.path(), test::passphrase("pw")));
        if (!opened) {
            qFatal("%s", qPrintable(opened.error().message));
        }
    }

    void registerWith(const core::NetworkConfig& network, bool sharePhone = false) {
        core::SignalRegistration registration(*store, network, phone, sharePhone);
        QVERIFY(test::await(registration.requestCode()).has_value());
        const auto done = test::await(registration.complete(QString()));
        QVERIFY2(done.has_value(), qPrintable(done ? QString() : done.error().message));
    }

    void start(bool waitForConnection = true) {
        messenger = std::make_unique<core::Messenger>(*store);
        QObject::connect(messenger.get(), &core::Messenger::messageReceived,
                         [this](const storage::Message& m, const QString&, storage::Mode) {
                             received << m.body;
                         });
        QVERIFY(test::await(messenger->start()).has_value());
        if (waitForConnection) {
            QVERIFY(QTest::qWaitFor([&] { return messenger->isConnected(storage::Mode::Signal); },
                                    20000));
        }
    }

    void stop() { messenger.reset(); }

    // The contact saved for `address` (number or aci:…), if any.
    std::optional<storage::Contact> contact(const QString& address) {
        return test::await(store->read([address](storage::Repositories& r) {
                   return r.contacts.find(storage::Mode::Signal, address);
               }))
            .value();
    }

    std::vector<storage::Contact> contacts() {
        return test::await(store->read([](storage::Repositories& r) {
                   return r.contacts.list(storage::Mode::Signal);
               }))
            .value();
    }
};

}  // namespace tandem::test
