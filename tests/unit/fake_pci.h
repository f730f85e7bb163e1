/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_UNIT_FAKE_PCI_H
#define TESTS_UNIT_FAKE_PCI_H

/* A fake machine's PCI config space for host tests (header-only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "drivers/pci/pci.h"

#define RID(b, d, f)	((uint16_t)((b) << 8 | (d) << 3 | (f)))
#define MAX_FAKE	16

struct fake_fn {
	uint16_t rid;
	uint8_t cfg[PCIE_CONFIG_SIZE];
	uint32_t bar_mask[PCI_BARS];	/* writable bits of each BAR dword */
};

static struct fake_fn fake[MAX_FAKE];
static unsigned int fake_count;
static unsigned int decode_off_writes;	/* BAR writes seen with decode on */

static inline struct fake_fn *lookup(uint16_t rid)
{
	for (unsigned int i = 0; i < fake_count; i++)
		if (fake[i].rid == rid)
			return &fake[i];
	return NULL;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t fake_read(void *ctx, uint16_t rid, unsigned int off)
{
	struct fake_fn *f = lookup(rid);

	(void)ctx;
	assert_int_equal(off & 3, 0);
	return f ? get32(&f->cfg[off]) : ~0U;
}

static inline void fake_write(void *ctx, uint16_t rid, unsigned int off,
			      uint32_t v)
{
	struct fake_fn *f = lookup(rid);
	unsigned int bar = (off - PCI_BAR0) / 4;

	(void)ctx;
	assert_non_null(f);
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_BARS) {
		uint32_t keep = get32(&f->cfg[off]) & ~f->bar_mask[bar];

		if (get32(&f->cfg[PCI_COMMAND]) & 3)
			decode_off_writes++;
		put32(&f->cfg[off], keep | (v & f->bar_mask[bar]));
		return;
	}
	put32(&f->cfg[off], v);
}

static const struct pci_access access = { fake_read, fake_write, NULL };

static inline struct fake_fn *add(uint16_t rid, uint16_t vendor, uint16_t device,
			   uint32_t class_code, uint8_t header)
{
	struct fake_fn *f = &fake[fake_count++];

	memset(f, 0, sizeof(*f));
	f->rid = rid;
	put32(&f->cfg[0], (uint32_t)device << 16 | vendor);
	put32(&f->cfg[PCI_CLASS_REVISION], class_code << 8 | 1);
	f->cfg[PCI_HEADER_TYPE] = header;
	put32(&f->cfg[PCI_COMMAND], PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return f;
}

static inline void bar(struct fake_fn *f, unsigned int i, uint32_t value,
		uint32_t mask)
{
	put32(&f->cfg[PCI_BAR0 + 4 * i], value);
	f->bar_mask[i] = mask;
}

static inline void cap(struct fake_fn *f, uint8_t at, uint8_t id, uint8_t next)
{
	f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	if (!f->cfg[PCI_CAP_PTR])
		f->cfg[PCI_CAP_PTR] = at;
	f->cfg[at] = id;
	f->cfg[at + 1] = next;
}

#endif
