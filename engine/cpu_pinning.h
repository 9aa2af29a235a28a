#pragma once
// Which CPUs reactors run on, shared by the real and the offline engine so both place
// their threads alike.

#include <vector>

namespace stressql::engine {

// The CPUs this process may run on (its affinity mask), in ascending order; every online
// CPU when the mask cannot be read. Never empty.
std::vector<int> allowed_cpus();

// Pins the calling thread to `cpu`; best effort (a failure leaves it unpinned).
void pin_current_thread(int cpu);

}  // namespace stressql::engine
