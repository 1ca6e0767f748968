// Where tandemctl gets a passphrase: --passphrase-file FILE, else $TANDEM_PASSPHRASE, else
// a prompt on the terminal (echo off). Passphrases are NFKC-normalised so the same words
// typed on different keyboards unlock the same profile.
#pragma once

#include <QString>

#include <tandem/common/Expected.h>
#include <tandem/common/SecretBytes.h>

namespace tandem::cli {

inline constexpr qint64 kMaxPassphraseFileBytes = 4096;

// `file` may be empty (not given). `confirm` asks twice when prompting (new passphrases).
// `what` names it in prompts and errors ("passphrase", "new passphrase").
Expected<SecretBytes, QString> readPassphrase(const QString& file, bool useEnvironment,
                                              bool confirm, const QString& what);

// For tests and callers that have the text already.
SecretBytes normalizePassphrase(QString text);

}  // namespace tandem::cli
