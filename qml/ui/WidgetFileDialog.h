// WidgetFileDialog: the widgets' QFileDialog for QML, where Qt Quick's FileDialog cannot be
// shown. Qt Quick's needs its own QML implementation (module Qt.labs.folderlistmodel) when the
// desktop has no native dialog, and Qt 6.4 crashes in FileDialog.open() when that module is
// missing; QFileDialog is always there (native where the platform theme has one, its own
// widgets otherwise). FileChooser.qml picks one of the two.
#pragma once

#include <QFileDialog>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace tandem::gui {

class WidgetFileDialog : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString title MEMBER title_ NOTIFY changed)
    // As FileDialog's fileMode: 0 one file to open, 1 files to open, 2 a file to save.
    Q_PROPERTY(int fileMode MEMBER fileMode_ NOTIFY changed)
    Q_PROPERTY(QStringList nameFilters MEMBER nameFilters_ NOTIFY changed)
    Q_PROPERTY(QString defaultSuffix MEMBER defaultSuffix_ NOTIFY changed)
    // The file to start at (saving: its name is proposed).
    Q_PROPERTY(QUrl selectedFile MEMBER selectedFile_ NOTIFY changed)
    Q_PROPERTY(bool opened READ opened NOTIFY openedChanged)

public:
    explicit WidgetFileDialog(QObject* parent = nullptr);
    ~WidgetFileDialog() override;

    // Whether Qt Quick's FileDialog can be shown in this process (its QML implementation
    // loads); asked once.
    Q_INVOKABLE bool quickDialogAvailable() const;
    Q_INVOKABLE void open();
    Q_INVOKABLE void close();
    // Chooses `file` in the open dialog and accepts it, as the user would; false when no
    // dialog is open.
    Q_INVOKABLE bool choose(const QUrl& file);
    [[nodiscard]] bool opened() const { return dialog_ != nullptr; }

signals:
    void changed();
    void openedChanged();
    void accepted(const QList<QUrl>& urls);
    void rejected();

private:
    QString title_;
    int fileMode_ = 0;
    QStringList nameFilters_;
    QString defaultSuffix_;
    QUrl selectedFile_;
    QPointer<QFileDialog> dialog_;
};

}  // namespace tandem::gui
