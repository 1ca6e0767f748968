// ScreenProbe: reads an X server's screen (the root window) for app_bench. Kept apart from Qt
// code: Xlib's macros (Bool, Status, None, …) clash with Qt's headers.
#pragma once

namespace tandem::bench {

class ScreenProbe {
public:
    ScreenProbe() = default;
    ~ScreenProbe();
    ScreenProbe(const ScreenProbe&) = delete;
    ScreenProbe& operator=(const ScreenProbe&) = delete;

    bool open(const char* display);
    // Distinct colours on a 16-pixel grid of the top-left width × height of the screen.
    [[nodiscard]] int colours(int width, int height) const;

private:
    void* display_ = nullptr;  // Display*
};

}  // namespace tandem::bench
