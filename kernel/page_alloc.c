/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/page_alloc.h"
#include "lib/format.h"
#include "lib/limits.h"
#include "lib/string.h"

#define KIB		1024ULL

struct frame_allocator machine_frames;
static uint64_t allocated[HV_MEM_USES];

static const char *const use_names[HV_MEM_USES] = {
	[HV_MEM_PER_CPU] = "per-CPU",
	[HV_MEM_VCPU] = "vCPU",
	[HV_MEM_STAGE2] = "stage-2",
	[HV_MEM_IOMMU] = "IOMMU",
	[HV_MEM_OTHER] = "other",
};

uint64_t hv_alloc_pages_for(enum hv_mem_use use, uint64_t pages,
			    uint64_t limit)
{
	uint64_t phys = frame_alloc_pages(&machine_frames, pages, PAGE_SIZE,
					  limit);

	if (phys) {
		memset((void *)(uintptr_t)phys, 0, pages * PAGE_SIZE);
		allocated[use] += pages * PAGE_SIZE;
	}
	return phys;
}

uint64_t hv_alloc_pages(uint64_t pages, uint64_t limit)
{
	return hv_alloc_pages_for(HV_MEM_OTHER, pages, limit);
}

uint64_t hv_allocated_bytes(void)
{
	uint64_t sum = 0;

	for (int use = 0; use < HV_MEM_USES; use++)
		sum += allocated[use];
	return sum;
}

void hv_mem_format(char *buf, size_t size)
{
	size_t n = snformat(buf, size, "in use %llu KiB (",
			    (unsigned long long)(hv_allocated_bytes() / KIB));

	for (int use = 0; use < HV_MEM_USES && n < size; use++)
		n += snformat(buf + n, size - n, "%s%s %llu", use ? ", " : "",
			      use_names[use],
			      (unsigned long long)(allocated[use] / KIB));
	if (n < size)
		snformat(buf + n, size - n, "), free %llu KiB",
			 (unsigned long long)(frame_alloc_free_bytes(
				 &machine_frames) / KIB));
}

static uint64_t table_page(void *ctx)
{
	return hv_alloc_pages_for((enum hv_mem_use)(uintptr_t)ctx, 1,
				  FRAME_NO_LIMIT);
}

static void *identity(uint64_t phys, void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

const struct pt_memory hv_pt_memory = {
	table_page, identity, (void *)(uintptr_t)HV_MEM_OTHER };
const struct pt_memory hv_stage2_pt_memory = {
	table_page, identity, (void *)(uintptr_t)HV_MEM_STAGE2 };
const struct pt_memory hv_iommu_pt_memory = {
	table_page, identity, (void *)(uintptr_t)HV_MEM_IOMMU };
