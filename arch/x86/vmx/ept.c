/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/vmx/ept.h"

/* EPT paging-structure entries (SDM vol. 3C 29.3.2, tables 29-1 to 29-6). */
#define EPT_READ		(1ULL << 0)
#define EPT_WRITE		(1ULL << 1)
#define EPT_EXEC		(1ULL << 2)
#define EPT_RWX			(EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_SHIFT	3	/* bits 5:3 of a leaf */
#define EPT_MEMTYPE_MASK	(7ULL << EPT_MEMTYPE_SHIFT)
#define EPT_LARGE		(1ULL << 7)
/* Memory types (SDM vol. 3C 29.3.7). */
#define EPT_MEMTYPE_UC		0ULL
#define EPT_MEMTYPE_WB		6ULL
/* EPTP: page-walk length minus one in bits 5:3 (SDM vol. 3C 24.6.11). */
#define EPTP_WALK_SHIFT		3
#define EPTP_LEVELS		4ULL

/*
 * Intermediate entries allow everything: the leaf decides, since a
 * restrictive upper level would override every leaf below it.
 */
static uint64_t ept_table_entry(uint64_t phys, int level)
{
	(void)level;
	return phys | EPT_RWX;
}

/*
 * Leaves are always readable: write or execute without read is an EPT
 * misconfiguration unless the CPU supports execute-only, which we do not
 * need. The guest's PAT still combines with the type (IPAT stays 0).
 */
static uint64_t ept_leaf_entry(uint64_t phys, int level, unsigned int attrs)
{
	uint64_t e = phys | EPT_READ;

	if (attrs & PT_ATTR_WRITE)
		e |= EPT_WRITE;
	if (attrs & PT_ATTR_EXEC)
		e |= EPT_EXEC;
	e |= (attrs & PT_ATTR_UNCACHED ? EPT_MEMTYPE_UC : EPT_MEMTYPE_WB)
	     << EPT_MEMTYPE_SHIFT;
	if (level > 0)
		e |= EPT_LARGE;
	return e;
}

/* An entry with none of R, W, X is not present (SDM vol. 3C 29.3.2). */
static bool ept_present(uint64_t e)
{
	return e & EPT_RWX;
}

static bool ept_is_large(uint64_t e)
{
	return e & EPT_LARGE;
}

static unsigned int ept_attrs(uint64_t e)
{
	unsigned int attrs = 0;

	if (e & EPT_WRITE)
		attrs |= PT_ATTR_WRITE;
	if (e & EPT_EXEC)
		attrs |= PT_ATTR_EXEC;
	if ((e & EPT_MEMTYPE_MASK) == EPT_MEMTYPE_UC << EPT_MEMTYPE_SHIFT)
		attrs |= PT_ATTR_UNCACHED;
	return attrs;
}

const struct pt_format pt_format_ept = {
	.name = "EPT",
	.table_entry = ept_table_entry,
	.leaf_entry = ept_leaf_entry,
	.present = ept_present,
	.is_large = ept_is_large,
	.attrs = ept_attrs,
};

uint64_t ept_pointer(uint64_t root, unsigned int memtype)
{
	return (root & PT_ADDR_MASK) | memtype |
	       ((EPTP_LEVELS - 1) << EPTP_WALK_SHIFT);
}
