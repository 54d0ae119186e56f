/* The portable PRNG and string hash. See rng.h for the contracts. */
#include <stdint.h>
#include <string.h>

#include "util/rng.h"

/* ---------------------------------------------------------------------
 * PRNG: splitmix64 (Steele, Lea, Flood 2014) expands the seed into the
 * 256-bit state of xoshiro256** (Blackman, Vigna 2018). Both are the
 * published reference algorithms; tests pin their outputs.
 */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void pb_rng_seed(struct pb_rng *rng, uint64_t seed)
{
    /* splitmix64 is a bijection of its counter, so four consecutive
     * outputs are never all zero: the one state xoshiro must avoid. */
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

uint64_t pb_rng_next(struct pb_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t pb_rng_below(struct pb_rng *rng, uint64_t n)
{
    /* Lemire, "Fast random integer generation in an interval" (2019):
     * the high word of x*n is uniform once the low words that would
     * over-represent some outputs (fewer than 2^64 mod n of them) are
     * rejected. Rejection is rare, and needs the division only then.
     * unsigned __int128 is a GCC/Clang extension on 64-bit targets. */
    unsigned __int128 m;
    uint64_t low;

    if (n == 0)
        return 0;
    m = (unsigned __int128)pb_rng_next(rng) * n;
    low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;   /* 2^64 mod n */
        while (low < threshold) {
            m = (unsigned __int128)pb_rng_next(rng) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double pb_rng_unit(struct pb_rng *rng)
{
    return (double)(pb_rng_next(rng) >> 11) * 0x1.0p-53;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    unsigned char tmp[64];

    while (size > 0) {
        size_t k = size < sizeof tmp ? size : sizeof tmp;
        memcpy(tmp, a, k);
        memcpy(a, b, k);
        memcpy(b, tmp, k);
        a += k;
        b += k;
        size -= k;
    }
}

void pb_rng_shuffle(struct pb_rng *rng, void *base, size_t n, size_t size)
{
    unsigned char *p = base;

    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)pb_rng_below(rng, i);   /* j in [0, i) */
        if (j != i - 1)
            swap_bytes(p + (i - 1) * size, p + j * size, size);
    }
}

uint64_t pb_hash_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}
