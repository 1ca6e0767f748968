#include "bench/ScreenProbe.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <set>

namespace tandem::bench {

ScreenProbe::~ScreenProbe() {
    if (display_ != nullptr) {
        XCloseDisplay(static_cast<Display*>(display_));
    }
}

bool ScreenProbe::open(const char* display) {
    display_ = XOpenDisplay(display);
    return display_ != nullptr;
}

int ScreenProbe::colours(int width, int height) const {
    return colours(0, 0, width, height, 16, width * height);
}

int ScreenProbe::colours(int x0, int y0, int width, int height, int step, int cap) const {
    auto* display = static_cast<Display*>(display_);
    if (display == nullptr) {
        return 0;
    }
    XImage* image =
        XGetImage(display, DefaultRootWindow(display), x0, y0, static_cast<unsigned>(width),
                  static_cast<unsigned>(height), AllPlanes, ZPixmap);
    if (image == nullptr) {
        return 0;
    }
    std::set<unsigned long> seen;
    for (int y = 0; y < height && static_cast<int>(seen.size()) < cap; y += step) {
        for (int x = 0; x < width && static_cast<int>(seen.size()) < cap; x += step) {
            seen.insert(XGetPixel(image, x, y));
        }
    }
    XDestroyImage(image);
    return static_cast<int>(seen.size());
}

}  // namespace tandem::bench
