/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A partition's guest-physical RAM: all at 0, or split around the PCI
 * hole of the functions it owns with the rest above 4 GiB.
 */
#include "loader/ram_layout.h"
#include "drivers/emul/vioapic.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/format.h"

/* Stage 2 maps with 2 MiB pages where host and guest addresses align. */
#define HOLE_ALIGN		0x200000ULL
/* The legacy VGA window: never RAM on a PC, a hole in stage 2 too. */
#define VGA_WINDOW_START	0xa0000ULL
#define VGA_WINDOW_END		0xc0000ULL

void ram_layout_flat(struct ram_layout *l, uint64_t size)
{
	*l = (struct ram_layout){ .size = size, .low = size };
}

uint64_t ram_layout_high(const struct ram_layout *l)
{
	return l->size - l->low;
}

unsigned int ram_layout_ranges(const struct ram_layout *l,
			       struct ram_range out[RAM_LAYOUT_RANGES])
{
	unsigned int n = 0;

	out[n++] = (struct ram_range){ 0, 0, l->low };
	if (ram_layout_high(l))
		out[n++] = (struct ram_range){ RAM_LAYOUT_HIGH_BASE, l->low,
					       ram_layout_high(l) };
	return n;
}

/* Appends what of r lies in [start, end), if anything. */
static unsigned int clip(const struct ram_range *r, uint64_t start,
			 uint64_t end, struct ram_range *out)
{
	uint64_t from = r->gpa > start ? r->gpa : start;
	uint64_t to = r->gpa + r->size < end ? r->gpa + r->size : end;

	if (from >= to)
		return 0;
	*out = (struct ram_range){ from, r->offset + (from - r->gpa),
				   to - from };
	return 1;
}

unsigned int ram_layout_mapped(const struct ram_layout *l,
			       struct ram_range out[RAM_LAYOUT_PIECES])
{
	struct ram_range ranges[RAM_LAYOUT_RANGES];
	unsigned int count = ram_layout_ranges(l, ranges), n = 0;

	for (unsigned int i = 0; i < count; i++) {
		n += clip(&ranges[i], 0, VGA_WINDOW_START, &out[n]);
		n += clip(&ranges[i], VGA_WINDOW_END, ~0ULL, &out[n]);
	}
	return n;
}

bool ram_layout_offset(const struct ram_layout *l, uint64_t gpa,
		       uint64_t len, uint64_t *offset)
{
	struct ram_range ranges[RAM_LAYOUT_RANGES];
	unsigned int count = ram_layout_ranges(l, ranges);

	for (unsigned int i = 0; i < count; i++) {
		const struct ram_range *r = &ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa)) {
			*offset = r->offset + (gpa - r->gpa);
			return true;
		}
	}
	return false;
}

/* ---- planning around the PCI hole ---- */

/* One window of PCI addresses a partition sees: a BAR (fn) or ECAM. */
struct pci_span {
	uint64_t start, end;
	const struct pci_function *fn;	/* NULL: the ECAM window */
};

typedef void (*span_fn)(void *ctx, const struct pci_span *s);

/* Its functions' memory BARs and the ECAM window, at host addresses. */
static void for_each_span(const struct pci_inventory *inv, unsigned int index,
			  span_fn fn, void *ctx)
{
	struct pci_span s = { 0 };

	if (pci_ecam_window(inv, &s.start, &s.end))
		fn(ctx, &s);
	for (unsigned int i = 0; i < inv->count; i++) {
		const struct pci_function *f = &inv->fn[i];

		for (unsigned int b = 0; f->owner == (int)index &&
		     b < PCI_BARS; b++) {
			const struct pci_bar *bar = &f->bars[b];

			if (bar->kind != PCI_BAR_MEM32 &&
			    bar->kind != PCI_BAR_MEM64)
				continue;
			s = (struct pci_span){ bar->base, bar->base + bar->size,
					       f };
			fn(ctx, &s);
		}
	}
}

static void lowest_start(void *ctx, const struct pci_span *s)
{
	uint64_t *low = ctx;

	if (s->start < *low)
		*low = s->start;
}

/*
 * The lowest PCI address, capped by the I/O APIC, where the platform's
 * own MMIO begins (every partition has one).
 */
static uint64_t hole_start(const struct pci_inventory *inv,
			   unsigned int index)
{
	uint64_t low = VIOAPIC_BASE;

	for_each_span(inv, index, lowest_start, &low);
	return low;
}

struct collision {
	uint64_t start, end;		/* the RAM above 4 GiB */
	struct pci_span first;		/* the lowest span inside it */
	bool found;
};

static void collides(void *ctx, const struct pci_span *s)
{
	struct collision *c = ctx;

	if (s->start >= c->end || s->end <= c->start)
		return;
	if (!c->found || s->start < c->first.start)
		c->first = *s;
	c->found = true;
}

/* RAM above 4 GiB must stay clear of the partition's PCI addresses. */
static int check_high(const struct ram_layout *l,
		      const struct partition_config *pc, unsigned int index,
		      const struct pci_inventory *inv,
		      struct config_error *err)
{
	struct collision c = {
		.start = RAM_LAYOUT_HIGH_BASE,
		.end = RAM_LAYOUT_HIGH_BASE + ram_layout_high(l),
	};
	char what[16 + CONFIG_DEVICE_TEXT_MAX] = "the ECAM window";
	uint64_t room;

	if (!ram_layout_high(l))
		return 0;
	for_each_span(inv, index, collides, &c);
	if (!c.found)
		return 0;
	if (c.first.fn) {
		char bdf[CONFIG_DEVICE_TEXT_MAX];

		config_format_device(c.first.fn->rid, bdf, sizeof(bdf));
		snformat(what, sizeof(what), "a BAR of %s", bdf);
	}
	room = c.first.start > c.start ? c.first.start - c.start : 0;
	err->line = pc->memory_line;
	snformat(err->message, sizeof(err->message), "partition \"%s\": its RAM above 4 GiB would reach %s at %#llx: give it at most %llu MiB",
		 pc->name, what, (unsigned long long)c.first.start,
		 (unsigned long long)((l->low + room) >> 20));
	return -ERANGE;
}

int ram_layout_plan(struct ram_layout *l, const struct config *cfg,
		    unsigned int index, const struct pci_inventory *inv,
		    struct config_error *err)
{
	const struct partition_config *pc = &cfg->partitions[index];
	uint64_t hole;

	ram_layout_flat(l, pc->memory);
	if (!pc->device_count)
		return 0;
	hole = hole_start(inv, index);
	if (hole < ONE_MIB) {
		err->line = pc->devices_line;
		snformat(err->message, sizeof(err->message), "partition \"%s\": its devices' PCI addresses start at %#llx, inside the first MiB, which must be RAM: check the BARs in the boot log's PCI list",
			 pc->name, (unsigned long long)hole);
		return -ERANGE;
	}
	hole &= ~(HOLE_ALIGN - 1);
	if (l->low > hole)
		l->low = hole;
	return check_high(l, pc, index, inv, err);
}
