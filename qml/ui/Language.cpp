#include "qml/ui/Language.h"

#include <memory>

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlEngine>
#include <QTranslator>

#include "qml/ui/AppSettings.h"

namespace tandem::gui {

namespace {

constexpr auto kLanguageKey = "appearance/language";

QString normalized(const QString& choice) {
    if (choice == QLatin1String("en") || Language::translations().contains(choice)) {
        return choice;
    }
    return QStringLiteral("system");
}

// The locale a language's dates and numbers are written in: the system's when it speaks that
// language (en_GB stays en_GB), else the language's own country.
QLocale localeFor(const QString& language) {
    const QLocale system = QLocale::system();
    if (language == QLatin1String("zh_CN")) {
        const bool simplified = system.language() == QLocale::Chinese &&
                                system.script() != QLocale::TraditionalHanScript;
        return simplified ? system
                          : QLocale(QLocale::Chinese, QLocale::SimplifiedHanScript, QLocale::China);
    }
    return system.language() == QLocale::English ? system
                                                 : QLocale(QLocale::English, QLocale::UnitedStates);
}

// The translators installed now: Tandem's and Qt's own.
struct Installed {
    QString language;
    std::vector<std::unique_ptr<QTranslator>> translators;
};

Installed& installed() {
    static Installed state;
    return state;
}

void install(const QString& language) {
    Installed& state = installed();
    if (state.language == language) {
        return;
    }
    for (auto& translator : state.translators) {
        QCoreApplication::removeTranslator(translator.get());
    }
    state.translators.clear();
    state.language = language;
    const QLocale locale = localeFor(language);
    QLocale::setDefault(locale);
    if (language == QLatin1String("en")) {
        return;  // the source strings are English
    }
    const auto load = [&](const QString& file, const QString& dir) {
        auto translator = std::make_unique<QTranslator>();
        if (translator->load(file, dir) && QCoreApplication::installTranslator(translator.get())) {
            state.translators.push_back(std::move(translator));
        }
    };
    const QString qtDir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    load(QStringLiteral("qtbase_") + language, qtDir);
    load(QStringLiteral("qtdeclarative_") + language, qtDir);
    load(QStringLiteral("tandem_") + language, QStringLiteral(":/i18n"));
}

}  // namespace

Language::Language(QQmlEngine* engine, QObject* parent)
    : QObject(parent),
      engine_(engine),
      choice_(normalized(appSettings().value(QString::fromLatin1(kLanguageKey)).toString())) {}

Language* Language::create(QQmlEngine* engine, QJSEngine*) {
    return new Language(engine);
}

QStringList Language::translations() {
    return {QStringLiteral("zh_CN")};
}

QString Language::resolve(const QString& choice) {
    if (choice != QLatin1String("system")) {
        return normalized(choice) == choice ? choice : QStringLiteral("en");
    }
    // The first of the user's languages that Tandem speaks ("zh-CN", "zh-Hans-SG", "en-GB");
    // Traditional Chinese readers get English rather than the simplified characters.
    for (const QString& tag : QLocale::system().uiLanguages()) {
        const QLocale ui(tag);
        if (ui.language() == QLocale::English) {
            return QStringLiteral("en");
        }
        if (ui.language() == QLocale::Chinese && ui.script() != QLocale::TraditionalHanScript) {
            return QStringLiteral("zh_CN");
        }
    }
    return QStringLiteral("en");
}

void Language::installSaved() {
    install(resolve(normalized(appSettings().value(QString::fromLatin1(kLanguageKey)).toString())));
}

QString Language::current() {
    const QString& language = installed().language;
    return language.isEmpty() ? QStringLiteral("en") : language;
}

void Language::setChoice(const QString& choice) {
    const QString wanted = normalized(choice);
    if (wanted == choice_) {
        return;
    }
    choice_ = wanted;
    QSettings settings = appSettings();
    if (wanted == QLatin1String("system")) {
        settings.remove(QString::fromLatin1(kLanguageKey));
    } else {
        settings.setValue(QString::fromLatin1(kLanguageKey), wanted);
    }
    install(resolve(wanted));
    if (engine_ != nullptr) {
        engine_->retranslate();
    }
    emit changed();
}

}  // namespace tandem::gui
