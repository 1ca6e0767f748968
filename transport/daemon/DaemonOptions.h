// DaemonOptions: the options a daemon (tandem-relayd, tandem-node) runs with, from its command
// line and its --config FILE. The file holds the long option names, one "name = value" a line;
// blank lines and lines starting with "#" or ";" are ignored, and so is one "[section]" line
// (an INI file's group). What the command line gives wins over the file, so a unit's ExecStart=
// can pin an option that an operator's edit of the file cannot change.
//
// The file is read strictly: an unknown name, a name given twice, a line without "=", an empty
// value or a file that cannot be read is refused with "FILE:LINE: what is wrong". The daemons
// read the file again on SIGHUP; a file refused then leaves the running settings alone.
#pragma once

#include <functional>
#include <optional>

#include <QCommandLineParser>
#include <QHash>
#include <QString>
#include <QStringList>

#include <tandem/common/Expected.h>

namespace tandem::daemon {

class DaemonOptions {
public:
    // Adds --config FILE to `parser`.
    static void addConfigOption(QCommandLineParser& parser);
    // The options `names` (long names taking a value) as `parser` (already parsed) and the
    // file of its --config, if given, set them.
    static Expected<DaemonOptions, QString> load(const QCommandLineParser& parser,
                                                 const QStringList& names);
    // "name = value" lines of `path`, each name one of `names`.
    static Expected<QHash<QString, QString>, QString> readFile(const QString& path,
                                                               const QStringList& names);

    [[nodiscard]] bool isSet(const QString& name) const { return values_.contains(name); }
    // The value given for `name`, else `fallback`.
    [[nodiscard]] QString value(const QString& name, const QString& fallback = {}) const {
        return values_.value(name, fallback);
    }
    // The --config file, empty if none.
    [[nodiscard]] const QString& configFile() const { return configFile_; }
    // The names whose value differs from `before`'s (set, unset or changed), sorted.
    [[nodiscard]] QStringList changedFrom(const DaemonOptions& before) const;

    // SIGHUP's work for a daemon: reads `parser`'s options and file again and hands them to
    // `apply`, which takes them (nullopt) or says why not. Then logs on stderr, as `program`,
    // what changed: applied, or (those in `restartOnly`) waiting for a restart; or why the
    // file was refused, in which case `current` and the running settings stay. Option values
    // are never logged (a verify command, a key). Returns whether it was applied.
    static bool reload(const QString& program, const QCommandLineParser& parser,
                       const QStringList& names, const QStringList& restartOnly,
                       DaemonOptions& current,
                       const std::function<std::optional<QString>(const DaemonOptions&)>& apply);

private:
    QHash<QString, QString> values_;
    QString configFile_;
};

}  // namespace tandem::daemon
