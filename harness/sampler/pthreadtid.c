/* Finding the TID inside struct pthread; see pthreadtid.h. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sampler/pthreadtid.h"

#define SEARCH_BYTES 1024  /* glibc keeps it at 0x2d0 on x86-64, in a struct of ~2300 bytes */

static long found = -2;  /* -2: not searched yet */

static void *search(void *arg)
{
    long *out = arg;
    const unsigned char *self = (const unsigned char *)(uintptr_t)pthread_self();
    int32_t tid = (int32_t)syscall(SYS_gettid);
    long hit = -1;

    /* A thread other than the main one has a TID unlike the PID, so a
     * stray copy of the PID in the struct cannot match. */
    for (size_t off = 0; off + sizeof tid <= SEARCH_BYTES; off += sizeof tid) {
        int32_t v;
        memcpy(&v, self + off, sizeof v);
        if (v != tid)
            continue;
        if (hit >= 0) {
            hit = -1;  /* twice: ambiguous */
            break;
        }
        hit = (long)off;
    }
    *out = hit;
    return NULL;
}

long pb_pthread_tid_offset(void)
{
    pthread_t t;
    long off = -1;

    if (found != -2)
        return found;
    if (pthread_create(&t, NULL, search, &off) != 0)
        return found = -1;
    pthread_join(t, NULL);
    return found = off;
}
