# Warning and sanitizer flags shared by every target of the project. (-Wnull-dereference is
# left out: with GCC 12 at -O2 it flags every use of a checked QPointer.)
add_library(tandem_warnings INTERFACE)
target_compile_options(tandem_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wformat=2
  -Wimplicit-fallthrough)
if(TANDEM_WERROR)
  target_compile_options(tandem_warnings INTERFACE -Werror)
endif()

if(TANDEM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(TANDEM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TANDEM_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# The linker: ld.lld where it is installed (package lld; TANDEM_LLD=OFF for the system's ld,
# as the release preset does for the packages). A build links about 90 programs, most of them
# tests holding the whole core; lld links one in 1.2 s where ld.bfd takes 9.2 (tst_app_e2e,
# docs/architecture.md).
option(TANDEM_LLD "Link with ld.lld when it is installed" ON)
if(TANDEM_LLD)
  find_program(TANDEM_LD_LLD ld.lld)
  if(TANDEM_LD_LLD)
    add_link_options(-fuse-ld=lld)
  else()
    message(STATUS "ld.lld not found (package lld): linking with the system's linker")
  endif()
endif()

# Hardening for every build type: these cost little and catch memory errors in the field.
add_compile_options(-fstack-protector-strong)
if(NOT TANDEM_SANITIZE AND NOT TANDEM_FUZZ AND CMAKE_BUILD_TYPE MATCHES "Rel")
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
