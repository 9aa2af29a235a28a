#pragma once
// SIGINT/SIGTERM for run and find-max: the first signal sets *stop_requested() (the load
// stops, the report still comes); one after mark_uploading_results(), or a second, sets
// *abandon_requested() (posting results rows stops; they stay in their file). SIGPIPE is
// ignored: a closed socket is an error to count, not a reason to die.

#include <atomic>

namespace stressql::cli {

void install_signal_handlers();
const std::atomic<bool>* stop_requested();
const std::atomic<bool>* abandon_requested();
// Results rows are being posted after the run (`uploading`): from now on one signal abandons
// them. A new run (--repeat) clears the mark.
void mark_uploading_results(bool uploading = true);

}  // namespace stressql::cli
