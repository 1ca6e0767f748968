// Language: the interface's language. "system" (the default) takes the system locale's
// (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux), English where Tandem has no translation;
// "en" and "zh_CN" are the user's choice in Settings, kept in the app's own settings file
// like the theme (the unlock page is translated before any profile is open).
//
// Installing a language loads Tandem's translation (compiled in as :/i18n/tandem_<lang>.qm)
// and Qt's own (qtbase, qtdeclarative: standard dialogs' buttons) where the system has them,
// and makes that language's locale the default QLocale, so dates, times and numbers in C++
// (QLocale()) and QML (Qt.locale()) follow it. A change made in Settings retranslates the
// QML at once (QQmlEngine::retranslate); text already computed in C++ (a model's rows) follows
// when it is computed again.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace tandem::gui {

class Language : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // "system", "en" or "zh_CN".
    Q_PROPERTY(QString choice READ choice WRITE setChoice NOTIFY changed)
    // The language shown: "en" or "zh_CN".
    Q_PROPERTY(QString current READ current NOTIFY changed)

public:
    // Not default-constructible: QML makes the singleton through create(), with its engine.
    explicit Language(QQmlEngine* engine, QObject* parent = nullptr);
    static Language* create(QQmlEngine* engine, QJSEngine*);

    // The languages Tandem is translated into, besides English (its source language).
    static QStringList translations();
    // What a choice means on this system: "en" or one of translations().
    static QString resolve(const QString& choice);
    // Installs the saved choice (once per process, before the first QML loads).
    static void installSaved();

    [[nodiscard]] QString choice() const { return choice_; }
    void setChoice(const QString& choice);
    [[nodiscard]] static QString current();

signals:
    void changed();

private:
    QQmlEngine* engine_;
    QString choice_;
};

}  // namespace tandem::gui
