// ModeStatus: one mode's account and connection as the interface shows them — the address
// (phone number or Session ID), whether it is connected, what to say about it, and the onion
// path where there is one. AppCore keeps one per mode and updates it from what the core thread
// reports; the header shows the one of the mode the user looks at (core.status).
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include "storage/Types.h"

namespace tandem::gui {

class ModeStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the app's core has one per mode: core.status")
    Q_PROPERTY(QString mode READ modeName CONSTANT)
    Q_PROPERTY(QString address READ address NOTIFY changed)
    Q_PROPERTY(bool hasAccount READ hasAccount NOTIFY changed)
    Q_PROPERTY(bool connected READ connected NOTIFY changed)
    Q_PROPERTY(QString text READ text NOTIFY changed)
    // The transport's own words for what it is doing (English: the status shows a translated
    // word, this is its tooltip).
    Q_PROPERTY(QString detail READ detail NOTIFY changed)
    // The hops of the current route (guard first), as Session shows them; empty where the
    // mode has none.
    Q_PROPERTY(QStringList path READ path NOTIFY changed)
    // "Signal mode", "Session mode".
    Q_PROPERTY(QString name READ name NOTIFY changed)
    // The new-conversation field's hint ("New chat: +phone number").
    Q_PROPERTY(QString newChatHint READ newChatHint NOTIFY changed)

public:
    // What is said of a mode: its name, with no account, connected, what starts a
    // conversation, and what an address of it looks like.
    struct Words {
        QString name;
        QString noAccount;
        QString connected;
        QString newChatHint;
        QString addressShape;
    };
    ModeStatus(storage::Mode mode, Words words, QObject* parent = nullptr)
        : QObject(parent), mode_(mode), words_(std::move(words)) {}

    [[nodiscard]] storage::Mode mode() const { return mode_; }
    [[nodiscard]] QString modeName() const;
    [[nodiscard]] QString address() const { return address_; }
    [[nodiscard]] bool hasAccount() const { return !address_.isEmpty(); }
    [[nodiscard]] bool connected() const { return connected_; }
    [[nodiscard]] QString text() const;
    [[nodiscard]] QStringList path() const;
    [[nodiscard]] QString name() const { return words_.name; }
    [[nodiscard]] QString newChatHint() const { return words_.newChatHint; }
    [[nodiscard]] const Words& words() const { return words_; }

    // The words in another language (Settings changed it).
    void setWords(Words words) {
        words_ = std::move(words);
        emit changed();
    }
    void setAddress(const QString& address);
    // What the core reported: up or not, its detail ("connecting to …"), the route.
    void setConnection(bool connected, const QString& detail, const QStringList& path);
    [[nodiscard]] QString detail() const { return connected_ ? QString() : detail_; }
    // The core stopped: nothing is connected.
    void reset() { setConnection(false, QString(), {}); }

signals:
    void changed();

private:
    storage::Mode mode_;
    Words words_;
    QString address_;
    bool connected_ = false;
    QString detail_;
    QStringList path_;
};

}  // namespace tandem::gui
