// Out of memory is a std::bad_alloc, as the standard says, with mimalloc as the process
// allocator too. mimalloc's own operator new aborts when an allocation fails (its C build
// cannot see std::get_new_handler, so it never throws): a big batch under a memory limit
// killed the run with SIGABRT and nothing written. These replace only the throwing forms of
// operator new; every operator delete, and the nothrow forms, stay mimalloc's (mi_free
// frees what mi_malloc gave). Linked only with mimalloc (cli/CMakeLists.txt); the sanitizers'
// allocators throw by themselves. What catches the std::bad_alloc: base/thread_guard.h off
// the control thread, cli/command_line.cpp on it.
#include <mimalloc.h>

#include <cstddef>
#include <new>

namespace {

template <class Alloc>
void* allocate_or_throw(Alloc alloc) {
  for (;;) {
    if (void* p = alloc()) return p;
    std::new_handler h = std::get_new_handler();
    if (h == nullptr) throw std::bad_alloc();
    h();
  }
}

}  // namespace

void* operator new(std::size_t n) {
  return allocate_or_throw([n] { return mi_malloc(n); });
}
void* operator new[](std::size_t n) {
  return allocate_or_throw([n] { return mi_malloc(n); });
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate_or_throw([n, a] { return mi_malloc_aligned(n, static_cast<std::size_t>(a)); });
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate_or_throw([n, a] { return mi_malloc_aligned(n, static_cast<std::size_t>(a)); });
}
