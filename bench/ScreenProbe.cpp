#include "bench/ScreenProbe.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <cstdio>
#include <memory>
#include <set>
#include <sys/ipc.h>
#include <sys/shm.h>

namespace tandem::bench {

namespace {
// An X error while a segment is attached (Xlib's default handler would end the process).
bool attachFailed = false;
int recordAttachError(Display*, XErrorEvent*) {
    attachFailed = true;
    return 0;
}
}  // namespace

// One shared-memory image of a size, read into by XShmGetImage.
struct ScreenProbe::SharedImage {
    int width = 0;
    int height = 0;
    XImage* image = nullptr;
    XShmSegmentInfo segment{};
};

ScreenProbe::ScreenProbe() = default;

ScreenProbe::~ScreenProbe() {
    auto* display = static_cast<Display*>(display_);
    for (const auto& s : shared_) {
        if (display != nullptr) {
            XShmDetach(display, &s->segment);
        }
        XDestroyImage(s->image);
        shmdt(s->segment.shmaddr);
    }
    if (display != nullptr) {
        XCloseDisplay(display);
    }
}

bool ScreenProbe::open(const char* display, bool shm) {
    display_ = XOpenDisplay(display);
    shm_ = shm && display_ != nullptr && XShmQueryExtension(static_cast<Display*>(display_)) != 0;
    return display_ != nullptr;
}

int ScreenProbe::colours(int width, int height) const {
    return colours(0, 0, width, height, 16, width * height);
}

// The screen's pixels in the rectangle: through MIT-SHM where the server has it (Xvfb does), so
// a read of the whole 1280 × 800 screen takes about a millisecond of the server's time, not the
// ≈ 30 ms XGetImage takes to send 4 MB over the socket — the server, busy with those reads most
// of the time, delayed the measured program's own requests.
XImage* ScreenProbe::read(int x, int y, int width, int height, bool* owned) const {
    auto* display = static_cast<Display*>(display_);
    *owned = true;
    if (shm_) {
        for (const auto& s : shared_) {
            if (s->width == width && s->height == height) {
                *owned = false;
                return XShmGetImage(display, DefaultRootWindow(display), s->image, x, y, AllPlanes)
                           ? s->image
                           : nullptr;
            }
        }
        // Made in place: the image keeps a pointer to its segment's description.
        auto made = std::make_unique<SharedImage>();
        SharedImage& s = *made;
        s.width = width;
        s.height = height;
        const int screen = DefaultScreen(display);
        s.image = XShmCreateImage(display, DefaultVisual(display, screen),
                                  static_cast<unsigned>(DefaultDepth(display, screen)), ZPixmap,
                                  nullptr, &s.segment, static_cast<unsigned>(width),
                                  static_cast<unsigned>(height));
        if (s.image != nullptr) {
            s.segment.shmid =
                shmget(IPC_PRIVATE,
                       static_cast<size_t>(s.image->bytes_per_line) * static_cast<size_t>(height),
                       IPC_CREAT | 0600);
            s.segment.shmaddr = s.segment.shmid < 0
                                    ? reinterpret_cast<char*>(-1)
                                    : static_cast<char*>(shmat(s.segment.shmid, nullptr, 0));
            if (s.segment.shmaddr != reinterpret_cast<char*>(-1)) {
                s.image->data = s.segment.shmaddr;
                s.segment.readOnly = False;
                attachFailed = false;
                const auto previous = XSetErrorHandler(recordAttachError);
                const bool attached = XShmAttach(display, &s.segment) != 0;
                XSync(display, False);  // the server's answer (an error) arrives by now
                XSetErrorHandler(previous);
                shmctl(s.segment.shmid, IPC_RMID, nullptr);  // freed once both detach
                if (attached && !attachFailed) {
                    shared_.push_back(std::move(made));
                    return read(x, y, width, height, owned);
                }
                shmdt(s.segment.shmaddr);
            } else if (s.segment.shmid >= 0) {
                shmctl(s.segment.shmid, IPC_RMID, nullptr);
            }
            s.image->data = nullptr;
            XDestroyImage(s.image);
        }
        // Not available after all: XGetImage from now on, and said (the figures differ).
        shm_ = false;
        std::fprintf(stderr,
                     "app_bench: no MIT-SHM image of %dx%d: the screen is read with XGetImage\n",
                     width, height);
    }
    return XGetImage(display, DefaultRootWindow(display), x, y, static_cast<unsigned>(width),
                     static_cast<unsigned>(height), AllPlanes, ZPixmap);
}

int ScreenProbe::colours(int x0, int y0, int width, int height, int step, int cap) const {
    if (display_ == nullptr) {
        return 0;
    }
    bool owned = true;
    XImage* image = read(x0, y0, width, height, &owned);
    if (image == nullptr) {
        return 0;
    }
    std::set<unsigned long> seen;
    for (int y = 0; y < height && static_cast<int>(seen.size()) < cap; y += step) {
        for (int x = 0; x < width && static_cast<int>(seen.size()) < cap; x += step) {
            seen.insert(XGetPixel(image, x, y));
        }
    }
    if (owned) {
        XDestroyImage(image);
    }
    return static_cast<int>(seen.size());
}

}  // namespace tandem::bench
