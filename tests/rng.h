/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seeded generator of the random tests and of the large-profile benchmark: splitmix64,
 * so that a seed names the same inputs on every machine.
 */
#pragma once

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t
rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}
