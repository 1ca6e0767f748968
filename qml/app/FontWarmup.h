// warmUpFonts: reads the font database and makes the fonts the messenger's page lays its text
// out in, on the calling (GUI) thread. AppWindow calls it while the type loader's thread
// compiles that page, when the GUI thread would only wait: the page's creation then finds the
// database read and the fonts made (≈ 14 ms it paid before, docs/app.md "Start").
#pragma once

namespace tandem::gui {

void warmUpFonts();

}  // namespace tandem::gui
