/*
 * rand.h - the project's one random number generator: splitmix64 (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", 2014), used as a stream
 * (splitmix64: the next value of a state) and as a hash of one value (splitmix64_at:
 * what a stream at state x gives next), so that a draw can be a function of its
 * indexes alone and no state is shared between threads. Internal.
 *
 * Users: the trainer's initialisation, shuffling, dropout and unk draws (app/train_*),
 * the experiments' random deletion orders (app/experiments.c), the tests' random
 * models (tests/testutil.c).
 */
#ifndef LRP_RAND_H
#define LRP_RAND_H

#include <stdint.h>

/* The stream's increment: 2^64 / golden ratio, odd. */
#define SPLITMIX64_GAMMA 0x9e3779b97f4a7c15ull

/* splitmix64's output function: a bijection of 64-bit values that mixes every input
 * bit into every output bit. */
static inline uint64_t splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The next value of the stream whose state is *state (advanced). */
static inline uint64_t splitmix64(uint64_t *state)
{
    *state += SPLITMIX64_GAMMA;
    return splitmix64_mix(*state);
}

/* The value a stream at state x gives next, the state left as it is: a hash of x. */
static inline uint64_t splitmix64_at(uint64_t x) { return splitmix64_mix(x + SPLITMIX64_GAMMA); }

/* Uniform in [0, 1) from the top 53 bits of x: every double k / 2^53. */
static inline double rand_unit(uint64_t x) { return (double)(x >> 11) * 0x1.0p-53; }

#endif /* LRP_RAND_H */
