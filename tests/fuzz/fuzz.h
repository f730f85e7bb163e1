/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

/*
 * Helpers shared by the libFuzzer targets (docs/testing.md, "Fuzzing").
 * A target reads its input as a stream of fields: past the end every
 * field reads 0, so any prefix of an input is an input too. A broken
 * invariant aborts, which libFuzzer reports like a crash and saves the
 * input that caused it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fuzz_in {
	const uint8_t *data;
	size_t size, pos;
};

static inline bool fuzz_more(const struct fuzz_in *in)
{
	return in->pos < in->size;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t lo = fuzz_u32(in);

	return lo | (uint64_t)fuzz_u32(in) << 32;
}

/* What is left of the input, consumed whole. */
static inline const uint8_t *fuzz_rest(struct fuzz_in *in, size_t *len)
{
	const uint8_t *p = in->data + in->pos;

	*len = in->size - in->pos;
	in->pos = in->size;
	return p;
}

/* Up to max bytes, as many as remain. */
static inline const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t max,
					size_t *len)
{
	const uint8_t *p = in->data + in->pos;
	size_t left = in->size - in->pos;

	*len = left < max ? left : max;
	in->pos += *len;
	return p;
}

#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
