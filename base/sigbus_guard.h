#pragma once
// Reading a file mapping past the file's end (the file was truncated after it was mapped)
// raises SIGBUS, which kills the process. catching_sigbus(fn) runs fn on the calling thread
// so that such a SIGBUS ends fn early and returns false instead. The handler is installed
// process-wide on first use; a SIGBUS on a thread outside catching_sigbus keeps the default
// action (the process dies with SIGBUS, as without a handler).
//
// fn is left by siglongjmp: between its reads of the mapping it must own nothing whose
// destructor has to run (no strings, vectors, locks), and calls must not nest.

#include <csetjmp>

namespace stressql::base {
namespace sigbus_detail {
extern thread_local sigjmp_buf* jump;  // set while catching_sigbus runs on this thread
void install_handler();
}  // namespace sigbus_detail

template <class F>
bool catching_sigbus(F&& fn) {
  sigbus_detail::install_handler();
  sigjmp_buf env;
  // savemask 1: the handler runs with SIGBUS blocked; siglongjmp restores the mask.
  if (sigsetjmp(env, 1) != 0) {
    sigbus_detail::jump = nullptr;
    return false;
  }
  sigbus_detail::jump = &env;
  fn();
  sigbus_detail::jump = nullptr;
  return true;
}

}  // namespace stressql::base
