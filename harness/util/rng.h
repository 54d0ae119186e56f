#ifndef PB_RNG_H
#define PB_RNG_H

/*
 * rng: a seedable PRNG and a string hash, the randomness every layer shares
 * (the plan's shuffled rounds, the environment padding, the bootstrap).
 * Nothing here keeps global state.
 */

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------
 * PRNG: xoshiro256** seeded through splitmix64. Integer-only, so a given
 * seed yields the identical sequence on every machine and compiler; the
 * plan's shuffled round order and every bootstrap depend on that.
 * Not for cryptography.
 */
struct pb_rng { uint64_t s[4]; };

/* Seeds rng from a 64-bit seed (any value, 0 included). Cannot fail. */
void pb_rng_seed(struct pb_rng *rng, uint64_t seed);

/* Next 64 uniformly random bits. Cannot fail. */
uint64_t pb_rng_next(struct pb_rng *rng);

/* Uniform integer in [0, n), without modulo bias (Lemire's multiply-and-
 * reject). Returns 0 when n is 0. Cannot fail. */
uint64_t pb_rng_below(struct pb_rng *rng, uint64_t n);

/* Uniform double in [0, 1) with 53 random bits. Cannot fail. */
double pb_rng_unit(struct pb_rng *rng);

/* FNV-1a of the string s, continuing from h (start from
 * PB_HASH_INIT): a portable 64-bit hash for deriving per-pair seeds and
 * fingerprints. Not for cryptography. Cannot fail. */
#define PB_HASH_INIT 14695981039346656037ULL
uint64_t pb_hash_str(uint64_t h, const char *s);

/* Shuffles the n elements of size bytes at base in place (Fisher-Yates),
 * every permutation equally likely. Cannot fail. */
void pb_rng_shuffle(struct pb_rng *rng, void *base, size_t n, size_t size);

#endif /* PB_RNG_H */
