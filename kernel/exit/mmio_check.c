/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/exit/mmio_check.h"

#define MMIO_PAGE_SIZE		0x1000ULL

static bool direction_ok(const struct mmio_fault *f, const struct insn *in)
{
	/* MOVS: the caller took the side the direction names. */
	if (in->kind == INSN_MOVS)
		return true;
	return f->write ? insn_writes_mem(in->kind) : insn_reads_mem(in->kind);
}

enum mmio_verdict mmio_check_access(const struct mmio_fault *f,
				    const struct insn *in,
				    uint64_t access_gpa)
{
	uint64_t in_page = f->gpa & (MMIO_PAGE_SIZE - 1);

	if (f->fetch)
		return MMIO_FETCH;
	if (access_gpa != f->gpa)
		return MMIO_OTHER_ADDRESS;
	if (!direction_ok(f, in))
		return MMIO_OTHER_DIRECTION;
	if (in_page + in->size > MMIO_PAGE_SIZE)
		return MMIO_CROSSES_PAGE;
	return MMIO_MATCH;
}

const char *mmio_verdict_text(enum mmio_verdict verdict)
{
	switch (verdict) {
	case MMIO_MATCH:
		return "matches the fault";
	case MMIO_FETCH:
		return "was an instruction fetch";
	case MMIO_OTHER_ADDRESS:
		return "accesses another address";
	case MMIO_OTHER_DIRECTION:
		return "goes the other way (read for write or write for read)";
	default:
		return "runs past the end of the page";
	}
}
