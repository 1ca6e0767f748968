// StartMarks: an LD_PRELOAD library that says where a Qt Quick program's start goes, without
// an instrumented build of it (app_bench --marks; the limit and Tandem alike). It writes one
// line to $TANDEM_START_MARKS_FILE, in ms from $TANDEM_START_MARKS_T0_NS (CLOCK_MONOTONIC, taken
// by app_bench just before fork):
//   libraries L app A engine E window W frame F objects N
// L: this library's constructor, once the program's libraries are loaded and relocated; A: the
// application object's making begins (QGuiApplication); E: the first QML engine; W: the first
// QQuickWindow (the root object of the QML loaded); F: that window's first frame swapped;
// N: QObjects made on the GUI thread before F and still alive 1.5 s after A (the page's
// items, attached objects, bindings' helpers). Marks are of objects alive then (an engine
// made and destroyed before is not seen). -1 where a mark did not happen.
// The hooks are Qt's own (qtHookData, private/qhooks_p.h): one entry in a table per QObject.
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <private/qhooks_p.h>
#include <unordered_map>

#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QThread>
#include <QTimer>

namespace {

double nowMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Marks {
    std::mutex lock;
    std::unordered_map<QObject*, double> alive;  // when each was made
    double t0 = 0;
    double libraries = -1;
    std::atomic<double> frame{-1};
    bool watching = false;
    QByteArray file;
};
Marks* marks = nullptr;  // made in the constructor, never freed (objects outlive main)

void report() {
    // Counted under the lock, written after it: a QFile is a QObject, whose hook takes the lock.
    std::unique_lock<std::mutex> hold(marks->lock);
    double app = -1;
    double engine = -1;
    double window = -1;
    int before = 0;
    const double frame = marks->frame.load();
    const auto first = [](double& mark, double at) {
        if (mark < 0 || at < mark) {
            mark = at;
        }
    };
    for (const auto& [object, at] : marks->alive) {
        if (qobject_cast<QCoreApplication*>(object) != nullptr) {
            first(app, at);
        }
        if (qobject_cast<QQmlEngine*>(object) != nullptr) {
            first(engine, at);
        }
        if (qobject_cast<QQuickWindow*>(object) != nullptr) {
            first(window, at);
        }
        if (frame >= 0 && at <= frame && object->thread() == QThread::currentThread()) {
            ++before;
        }
    }
    hold.unlock();
    const auto from = [&](double at) { return at < 0 ? -1.0 : at - marks->t0; };
    QFile out(QString::fromLocal8Bit(marks->file));
    if (out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        out.write(QStringLiteral("libraries %1 app %2 engine %3 window %4 frame %5 objects %6\n")
                      .arg(from(marks->libraries), 0, 'f', 1)
                      .arg(from(app), 0, 'f', 1)
                      .arg(from(engine), 0, 'f', 1)
                      .arg(from(window), 0, 'f', 1)
                      .arg(from(frame), 0, 'f', 1)
                      .arg(frame >= 0 ? before : -1)
                      .toLatin1());
    }
}

// Sees every event before its receiver: the first one a QQuickWindow gets (it is shown, before
// anything is drawn) is when its frames are watched.
class WindowWatch : public QObject {
public:
    bool eventFilter(QObject* receiver, QEvent* event) override {
        if (auto* window = qobject_cast<QQuickWindow*>(receiver); window != nullptr) {
            QObject::connect(
                window, &QQuickWindow::frameSwapped, window,
                [] {
                    double none = -1;
                    marks->frame.compare_exchange_strong(none, nowMs());
                },
                Qt::DirectConnection);
            QCoreApplication::instance()->removeEventFilter(this);
        }
        return QObject::eventFilter(receiver, event);
    }
};

void watch() {
    QCoreApplication::instance()->installEventFilter(new WindowWatch);
    QTimer::singleShot(1500, [] { report(); });
}

void made(QObject* object) {
    const double at = nowMs();
    std::lock_guard<std::mutex> hold(marks->lock);
    marks->alive[object] = at;
    QCoreApplication* app = QCoreApplication::instance();
    if (!marks->watching && app != nullptr && QThread::currentThread() == app->thread()) {
        marks->watching = true;  // the first object after the application object is whole
        QMetaObject::invokeMethod(
            app, [] { watch(); }, Qt::QueuedConnection);
    }
}

void destroyed(QObject* object) {
    std::lock_guard<std::mutex> hold(marks->lock);
    marks->alive.erase(object);
}

__attribute__((constructor)) void start() {
    const double loaded = nowMs();
    const char* file = std::getenv("TANDEM_START_MARKS_FILE");
    const char* t0 = std::getenv("TANDEM_START_MARKS_T0_NS");
    if (file == nullptr || t0 == nullptr) {
        return;
    }
    marks = new Marks;
    marks->file = file;
    marks->t0 = std::strtod(t0, nullptr) / 1e6;
    marks->libraries = loaded;
    marks->alive.reserve(1 << 16);
    // Not into what the program starts in turn.
    unsetenv("LD_PRELOAD");
    unsetenv("TANDEM_START_MARKS_FILE");
    unsetenv("TANDEM_START_MARKS_T0_NS");
    qtHookData[QHooks::AddQObject] = reinterpret_cast<quintptr>(&made);
    qtHookData[QHooks::RemoveQObject] = reinterpret_cast<quintptr>(&destroyed);
}

}  // namespace
