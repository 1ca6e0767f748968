#include "qml/app/FontWarmup.h"

#include <QCoreApplication>
#include <QFont>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QTextLayout>

namespace tandem::gui {

void warmUpFonts() {
    // The database: read once per process, on first use (fontconfig's list of every font).
    static_cast<void>(QFontDatabase::families());
    // The sizes the messenger's first page shows text in: the application font (an unread
    // name bold), a bubble's time 10 px, a row's preview and time 11 (its unread count bold),
    // the header's and a notice's 12, the chat's avatar 13 bold, its title 15 bold, a row's
    // avatar 16 bold, the composer's sticker sign 20. Each is made, with its fallbacks for the
    // symbols the page writes (ticks, the timer's and the menu's signs), by laying a line out
    // in it: the GUI thread's font cache keeps them for the page's Text items.
    struct Size {
        int pixels;  // 0: the application font's size
        bool bold;
    };
    static constexpr Size kSizes[] = {{0, false}, {0, true},   {10, false}, {11, false},
                                      {11, true}, {12, false}, {13, true},  {15, true},
                                      {16, true}, {20, false}};
    // The composer's placeholder, in the interface's language, brings its script's font (a
    // fallback — Noto Sans CJK for zh_CN — made here too, not while the page is made).
    const QString sample =
        QStringLiteral("Aa0 ✓○⚠◔☰☺ ") + QCoreApplication::translate("Composer", "Message");
    for (const Size& size : kSizes) {
        QFont font = QGuiApplication::font();
        if (size.pixels > 0) {
            font.setPixelSize(size.pixels);
        }
        font.setBold(size.bold);
        QTextLayout layout(sample, font);
        layout.beginLayout();
        layout.createLine();
        layout.endLayout();
    }
}

}  // namespace tandem::gui
