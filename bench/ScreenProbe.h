// ScreenProbe: reads an X server's screen (the root window) for app_bench. Kept apart from Qt
// code: Xlib's macros (Bool, Status, None, …) clash with Qt's headers.
#pragma once

#include <memory>
#include <vector>

struct _XImage;  // XImage

namespace tandem::bench {

class ScreenProbe {
public:
    ScreenProbe();
    ~ScreenProbe();
    ScreenProbe(const ScreenProbe&) = delete;
    ScreenProbe& operator=(const ScreenProbe&) = delete;

    // `shm`: read through MIT-SHM where the server has it (else, and with false, XGetImage).
    bool open(const char* display, bool shm = true);
    // Distinct colours on a 16-pixel grid of the top-left width × height of the screen.
    [[nodiscard]] int colours(int width, int height) const;
    // Distinct colours on a `step`-pixel grid of the rectangle at (x, y), counting up to `cap`
    // (firstcontent.c's rule: a 4-pixel grid, up to 64).
    [[nodiscard]] int colours(int x, int y, int width, int height, int step, int cap) const;

private:
    struct SharedImage;
    // The rectangle's pixels: a shared-memory image (kept, not to be freed: *owned false) or
    // one XGetImage made (*owned true).
    _XImage* read(int x, int y, int width, int height, bool* owned) const;

    void* display_ = nullptr;   // Display*
    mutable bool shm_ = false;  // the server has MIT-SHM and it worked
    mutable std::vector<std::unique_ptr<SharedImage>> shared_;
};

}  // namespace tandem::bench
