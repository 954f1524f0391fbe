#include "engine/runtime/background_thread.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ferry::runtime {

void markBackgroundThread() {
  // On Linux a nice value belongs to the thread (its tid), not the whole process. Failing
  // (a restricted container) changes nothing but the scheduling, so the result is ignored.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 5);
}

}  // namespace ferry::runtime
