// Where tandemctl gets a passphrase: --passphrase-file FILE, else $TANDEM_PASSPHRASE, else
// a prompt on the terminal (echo off); a PIN the same way (--pin-file, $TANDEM_PIN). Passphrases
// are NFKC-normalised so the same words typed on different keyboards unlock the same profile.
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

// The same for any secret typed by the user (a registration lock PIN): from `file` (named
// `fileOption` in errors), else the `environment` variable (nullptr: none), else a prompt.
struct SecretSource {
    QString file;
    QString fileOption;
    const char* environment = nullptr;
    bool confirm = false;
    QString what;
};
Expected<SecretBytes, QString> readSecret(const SecretSource& source);

// For tests and callers that have the text already.
SecretBytes normalizePassphrase(QString text);

}  // namespace tandem::cli
