#include "qml/ui/WidgetFileDialog.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QScopedPointer>

namespace tandem::gui {

WidgetFileDialog::WidgetFileDialog(QObject* parent) : QObject(parent) {}

WidgetFileDialog::~WidgetFileDialog() {
    delete dialog_;
}

bool WidgetFileDialog::quickDialogAvailable() const {
    QQmlEngine* engine = qmlEngine(this);
    if (engine == nullptr) {
        return false;
    }
    // The import Qt Quick's own dialog starts with: if it does not load here, neither does
    // the dialog. The same for every engine of the process.
    static const bool available = [engine] {
        QQmlComponent probe(engine);
        probe.setData("import QtQml\nimport Qt.labs.folderlistmodel\nQtObject {}\n", QUrl());
        return probe.isReady();
    }();
    return available;
}

void WidgetFileDialog::open() {
    if (dialog_ != nullptr) {
        dialog_->raise();
        return;
    }
    if (qobject_cast<QApplication*>(QCoreApplication::instance()) == nullptr) {
        qWarning("WidgetFileDialog: no QApplication, no file dialog");
        emit rejected();
        return;
    }
    auto* dialog = new QFileDialog(nullptr, title_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::ApplicationModal);
    dialog->setFileMode(fileMode_ == 1   ? QFileDialog::ExistingFiles
                        : fileMode_ == 2 ? QFileDialog::AnyFile
                                         : QFileDialog::ExistingFile);
    dialog->setAcceptMode(fileMode_ == 2 ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    if (!nameFilters_.isEmpty()) {
        dialog->setNameFilters(nameFilters_);
    }
    dialog->setDefaultSuffix(defaultSuffix_);
    if (selectedFile_.isLocalFile()) {
        // In its folder when there is one (else where the dialog starts), by its name.
        const QFileInfo file(selectedFile_.toLocalFile());
        if (file.dir().exists()) {
            dialog->setDirectory(file.dir());
        }
        dialog->selectFile(file.fileName());
    }
    // (urlsSelected comes only from native dialogs.)
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { emit accepted(dialog->selectedUrls()); });
    connect(dialog, &QFileDialog::rejected, this, &WidgetFileDialog::rejected);
    connect(dialog, &QObject::destroyed, this, [this] {
        dialog_ = nullptr;  // a widget says it is destroyed before its guards are cleared
        emit openedChanged();
    });
    dialog_ = dialog;
    // Over the window of the item that holds it.
    dialog->winId();
    for (QObject* o = parent(); o != nullptr; o = o->parent()) {
        if (auto* item = qobject_cast<QQuickItem*>(o); item != nullptr && item->window()) {
            dialog->windowHandle()->setTransientParent(item->window());
            break;
        }
    }
    dialog->open();
    emit openedChanged();
}

bool WidgetFileDialog::choose(const QUrl& file) {
    if (dialog_ == nullptr) {
        return false;
    }
    dialog_->selectUrl(file);
    static_cast<QDialog*>(dialog_.data())->accept();  // QFileDialog's is protected
    return true;
}

void WidgetFileDialog::close() {
    if (dialog_ != nullptr) {
        dialog_->reject();
    }
}

}  // namespace tandem::gui
