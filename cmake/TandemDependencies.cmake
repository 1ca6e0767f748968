# Every dependency comes from Debian 12 packages (scripts/setup-deps.sh installs them).
# No Widgets and no Charts: the app is a QGuiApplication (docs/app.md, "Start"). GuiPrivate
# (qt6-base-private-dev) for the tray icon through the platform theme (qml/app/TrayIcon.h).
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Network Qml Quick QuickControls2 WebSockets
             Test Concurrent QuickTest DBus Svg Xml LinguistTools)
find_package(Qt6Keychain REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
# SQLCipher's headers live in include/sqlcipher/ and replace sqlite3.h; SQLITE_HAS_CODEC
# exposes sqlite3_key(). Never link Qt's SQLite driver into the same process. Tandem itself
# loads the library at run time (storage/SqlCipher.h); the benchmarks' bare loops link it.
pkg_check_modules(SQLCIPHER REQUIRED IMPORTED_TARGET sqlcipher)
set_property(TARGET PkgConfig::SQLCIPHER APPEND PROPERTY
             INTERFACE_COMPILE_DEFINITIONS SQLITE_HAS_CODEC)
find_package(Protobuf 3.21 REQUIRED)
# media/: stickers are encoded and checked with libwebp itself (animated WebP needs the mux
# and demux libraries; Qt's WebP plugin cannot write animations).
pkg_check_modules(WEBP REQUIRED IMPORTED_TARGET libwebp libwebpmux libwebpdemux)
# tandem-relayd --store redis://…: Redis through hiredis (its synchronous context; the relay
# drives the pub/sub connection from a QSocketNotifier itself).
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis>=0.14)

qt_standard_project_setup(REQUIRES 6.4)
# qt_standard_project_setup() gives installed programs a RUNPATH of $ORIGIN:$ORIGIN/../lib, for
# projects that install their own shared libraries next to them. Tandem installs none (its
# libraries are static, the rest is the system's): no RUNPATH at all. With one, CMake also
# wrote the build tree's programs a RUNPATH of empty entries (room to rewrite it at install),
# and ld.so reads an empty entry as the current directory — each start looked for its 74
# libraries in the folder it was started from first (240 failed opens), and would have loaded
# one planted there.
set(CMAKE_INSTALL_RPATH "")
