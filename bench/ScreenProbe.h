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
    // Distinct colours on a `step`-pixel grid of the rectangle at (x, y), counting up to `cap`
    // (firstcontent.c's rule: a 4-pixel grid, up to 64).
    [[nodiscard]] int colours(int x, int y, int width, int height, int step, int cap) const;

private:
    void* display_ = nullptr;  // Display*
};

}  // namespace tandem::bench
