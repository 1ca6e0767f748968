#include "transport/daemon/DaemonOptions.h"

#include <QFile>
#include <QSet>
#include <QTextStream>

namespace tandem::daemon {

namespace {

// A config file is a few lines; anything this large is not one.
constexpr qint64 kMaxConfigBytes = 64 * 1024;

}  // namespace

void DaemonOptions::addConfigOption(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Read options from FILE, one \"name = value\" a line (the "
                                     "long option names; the command line wins). SIGHUP reads it "
                                     "again."),
                      QStringLiteral("FILE")});
}

Expected<QHash<QString, QString>, QString> DaemonOptions::readFile(const QString& path,
                                                                   const QStringList& names) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return unexpected(QStringLiteral("%1: cannot read it (%2)").arg(path, file.errorString()));
    }
    const QByteArray bytes = file.read(kMaxConfigBytes + 1);
    if (bytes.size() > kMaxConfigBytes) {
        return unexpected(QStringLiteral("%1: larger than %2 KiB: not a config file")
                              .arg(path)
                              .arg(kMaxConfigBytes / 1024));
    }
    QHash<QString, QString> values;
    bool sectionSeen = false;
    const QList<QByteArray> lines = bytes.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]).trimmed();
        const QString where = QStringLiteral("%1:%2").arg(path).arg(i + 1);
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';')) {
            continue;
        }
        if (line.startsWith(u'[') && line.endsWith(u']')) {
            if (sectionSeen || !values.isEmpty()) {
                return unexpected(
                    QStringLiteral("%1: one [section] at most, before the options").arg(where));
            }
            sectionSeen = true;
            continue;
        }
        const qsizetype equals = line.indexOf(u'=');
        if (equals < 0) {
            return unexpected(QStringLiteral("%1: expected \"name = value\"").arg(where));
        }
        const QString name = line.left(equals).trimmed();
        const QString value = line.mid(equals + 1).trimmed();
        if (!names.contains(name)) {
            return unexpected(QStringLiteral("%1: unknown option '%2' (known: %3)")
                                  .arg(where, name.left(40), names.join(QStringLiteral(", "))));
        }
        if (value.isEmpty()) {
            return unexpected(QStringLiteral("%1: %2 has no value").arg(where, name));
        }
        if (values.contains(name)) {
            return unexpected(QStringLiteral("%1: %2 is given twice").arg(where, name));
        }
        values.insert(name, value);
    }
    return values;
}

Expected<DaemonOptions, QString> DaemonOptions::load(const QCommandLineParser& parser,
                                                     const QStringList& names) {
    DaemonOptions options;
    if (parser.isSet(QStringLiteral("config"))) {
        options.configFile_ = parser.value(QStringLiteral("config"));
        auto file = readFile(options.configFile_, names);
        if (!file) {
            return unexpected(std::move(file).error());
        }
        options.values_ = std::move(file).value();
    }
    for (const QString& name : names) {
        if (parser.isSet(name)) {
            options.values_.insert(name, parser.value(name));
        }
    }
    return options;
}

QStringList DaemonOptions::changedFrom(const DaemonOptions& before) const {
    QSet<QString> names;
    for (auto it = values_.cbegin(); it != values_.cend(); ++it) {
        names.insert(it.key());
    }
    for (auto it = before.values_.cbegin(); it != before.values_.cend(); ++it) {
        names.insert(it.key());
    }
    QStringList changed;
    for (const QString& name : names) {
        if (values_.value(name) != before.values_.value(name) ||
            values_.contains(name) != before.values_.contains(name)) {
            changed << name;
        }
    }
    changed.sort();
    return changed;
}

bool DaemonOptions::reload(
    const QString& program, const QCommandLineParser& parser, const QStringList& names,
    const QStringList& restartOnly, DaemonOptions& current,
    const std::function<std::optional<QString>(const DaemonOptions&)>& apply) {
    QTextStream err(stderr);
    auto next = load(parser, names);
    if (!next) {
        err << program << ": reload refused: " << next.error() << "; the running settings stay"
            << Qt::endl;
        return false;
    }
    if (const auto refused = apply(*next)) {
        err << program << ": reload refused: " << *refused << "; the running settings stay"
            << Qt::endl;
        return false;
    }
    QStringList applied;
    QStringList waiting;
    for (const QString& name : next->changedFrom(current)) {
        (restartOnly.contains(name) ? waiting : applied) << name;
    }
    err << program << ": reloaded "
        << (next->configFile().isEmpty() ? QStringLiteral("(no --config file)")
                                         : next->configFile())
        << ": " << (applied.isEmpty() ? QStringLiteral("nothing") : applied.join(u' '))
        << " applied" << Qt::endl;
    if (!waiting.isEmpty()) {
        err << program << ": " << waiting.join(u' ')
            << " changed: that takes effect after a restart" << Qt::endl;
    }
    current = std::move(next).value();
    return true;
}

}  // namespace tandem::daemon
