#include "qml/attachments/AttachmentText.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QMimeDatabase>
#include <QStandardPaths>

#include "qml/attachments/AttachmentActions.h"

namespace tandem::gui {

namespace {

struct Unit {
    double divisor;
    const char* name;
};

Unit unitOf(qint64 bytes) {
    if (bytes >= 1024LL * 1024 * 1024) {
        return {1024.0 * 1024 * 1024, "GB"};
    }
    if (bytes >= 1024LL * 1024) {
        return {1024.0 * 1024, "MB"};
    }
    return {1024.0, "KB"};
}

QString number(qint64 bytes, const Unit& unit) {
    return QLocale().toString(static_cast<double>(bytes) / unit.divisor, 'f', 1);
}

}  // namespace

QString AttachmentText::size(qint64 bytes) {
    if (bytes < 1024) {
        return bytes == 1 ? tr("1 byte") : tr("%1 bytes").arg(std::max<qint64>(bytes, 0));
    }
    const Unit unit = unitOf(bytes);
    return QStringLiteral("%1 %2").arg(number(bytes, unit), QLatin1String(unit.name));
}

QString AttachmentText::progress(const QString& state, qint64 done, qint64 total) {
    const Unit unit = unitOf(total);
    const QString of = tr("%1 of %2 %3")
                           .arg(number(std::clamp<qint64>(done, 0, total), unit),
                                number(total, unit), QLatin1String(unit.name));
    return state == QLatin1String("uploading") ? tr("Uploading %1").arg(of)
                                               : tr("Downloading %1").arg(of);
}

QString AttachmentText::typeLabel(const QString& fileName) {
    const QString suffix = QFileInfo(fileName).suffix();
    return suffix.size() <= 4 ? suffix.toUpper() : QString();
}

QVariantMap AttachmentText::describeFile(const QUrl& file) {
    if (!file.isLocalFile()) {
        return {{QStringLiteral("name"), QString()}};
    }
    const QFileInfo info(file.toLocalFile());
    if (!info.isFile()) {  // a folder, or gone since it was chosen
        return {{QStringLiteral("name"), QString()}};
    }
    const QString type = QMimeDatabase().mimeTypeForFile(info).name();
    return {{QStringLiteral("name"), info.fileName()},
            {QStringLiteral("size"), info.size()},
            {QStringLiteral("sizeText"), size(info.size())},
            {QStringLiteral("image"),
             type.startsWith(QLatin1String("image/")) && info.size() <= kMaxPreviewBytes},
            {QStringLiteral("url"), file}};
}

QUrl AttachmentText::saveTarget(const QString& fileName) {
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (folder.isEmpty() || !QDir(folder).exists()) {
        folder = QStandardPaths::writableLocation(QStandardPaths::HomeLocation);
    }
    return QUrl::fromLocalFile(folder + u'/' + AttachmentActions::safeName(fileName));
}

}  // namespace tandem::gui
