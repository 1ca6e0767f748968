// tandemctl: the command-line client over the same core as the app (like signal-cli).
// run() parses the arguments, runs one command and returns the exit status: 0 on success,
// 1 when the command failed, 2 for a usage error. Failures print one line on stderr.
#pragma once

#include <QStringList>
#include <QTextStream>

namespace tandem::cli {

int run(const QStringList& arguments, QTextStream& out, QTextStream& err);

}  // namespace tandem::cli
