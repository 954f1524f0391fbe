#pragma once
// Marks the calling thread as background work: what happens after a message is acknowledged
// (processing, delivery, event rows, log flushing). On a small machine these threads compete
// for the same cores as the listener threads, whose ACK a sender is waiting for; a lower
// scheduling weight (nice +5: about a third of a normal thread's share when both want the core)
// lets an ACK go first without starving the background, which gets the cores whenever
// listeners are idle.

namespace ferry::runtime {

void markBackgroundThread();

}  // namespace ferry::runtime
