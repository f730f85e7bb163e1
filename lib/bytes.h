/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_BYTES_H
#define LIB_BYTES_H

#include <stdint.h>

#define ONE_MIB		0x100000ULL
#define ONE_GIB		0x40000000ULL
#define FOUR_GIB	0x100000000ULL	/* the end of 32-bit addresses */

/*
 * Little-endian fields of firmware and boot-protocol structures (ACPI
 * tables, the Linux setup header), which may sit at any alignment.
 */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static inline uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static inline void put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* a is a power of two. */
static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

#endif
