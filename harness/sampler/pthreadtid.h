#ifndef PB_SAMPLER_PTHREADTID_H
#define PB_SAMPLER_PTHREADTID_H

/*
 * Where the C library keeps a thread's kernel TID inside its pthread_t.
 *
 * CPython before 3.11 records only pthread_self() (threading.get_ident())
 * in a thread state, not the kernel TID that /proc/PID/task/TID needs for
 * on-CPU versus waiting. On glibc a pthread_t is the address of the
 * thread's struct pthread, which holds the TID at a fixed offset. That
 * offset is found here by looking, not assumed: a helper thread searches
 * its own struct pthread for its gettid(), and the offset is used only
 * when exactly one place matches. The target uses the same C library as
 * pbench on the machines pbench runs on; a TID read through it is checked
 * against /proc before use (pystack.c).
 */

#include <stddef.h>

/* The byte offset of the TID in a pthread_t's struct, or -1 when it could
 * not be found unambiguously (then threads of CPython before 3.11 are
 * sampled without on-CPU state). Computed once. Cannot fail otherwise. */
long pb_pthread_tid_offset(void);

#endif /* PB_SAMPLER_PTHREADTID_H */
