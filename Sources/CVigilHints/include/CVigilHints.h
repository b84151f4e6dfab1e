#ifndef CVIGILHINTS_H
#define CVIGILHINTS_H

/// Asks the CPU to start loading the cache line at `p` for reading. A hint: it never faults and never waits,
/// which a plain load (all Swift offers) does.
static inline void vigil_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
