/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * edu's MSI on a core shared in time (windows=N; docs/architecture.md,
 * "Time partitions"). The hypervisor must deliver every one, at once
 * while we run, else at the start of our next window. Three kinds, N of
 * each, waited for with interrupts on while the loop reads the TSC:
 *  - raised in our window: delivered at once;
 *  - raised under CLI, which we keep until the TSC jumps by more than
 *    gap= ticks (another partition ran): it must wait in our LAPIC across
 *    the change of window and arrive at STI;
 *  - raised by edu itself when a DMA finishes, 100 ms of QEMU's virtual
 *    clock after it starts (hw/misc/edu.c): with a frame 100 ms is no
 *    multiple of, that is outside our window, and the interrupt is held:
 *    its handler runs as our next window starts.
 * Line: "edu: msi windows: R/N raised delivered, C/N under cli delivered
 * after a window change, D/N from DMA delivered, H held for our next
 * window, O on other vectors".
 */
#include "guests/edu-dma/edu.h"

/* QEMU hw/misc/edu.c: DMA registers, and the status bit it raises. */
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_CMD_START		(1u << 0)
#define EDU_CMD_IRQ		(1u << 2)	/* raise 0x100 when done */
#define EDU_DMA_IRQ		0x100u
#define EDU_BUF			0x40000u
#define DMA_BYTES		64
/* A DMA takes 100 ms; our window may come 100s of ms later. */
#define WINDOWS_WAIT_TICKS	(1ull << 32)
#define EXIT_MISSING		7	/* as main.c's EXIT_NO_MSI */

volatile uint64_t msi_tsc;
static uint8_t dma_buf[DMA_BYTES] __attribute__((aligned(64)));

/*
 * Waits for msi_count to pass `before`; true if it did. *held: the
 * handler ran at the start of one of our windows, so the interrupt had
 * waited for us: more than `gap` ticks after the loop's last TSC read
 * (another partition ran in between), or within `gap` ticks of the first
 * read after such a step (a physical interrupt pending when our window
 * starts exits it after a few instructions, then it is posted).
 */
static bool wait_msi(uint32_t before, uint64_t gap, bool *held)
{
	uint64_t start = rdtsc(), last = start, window = 0;

	while (msi_count == before) {
		uint64_t now = rdtsc();

		if (now - last > gap)
			window = now;
		last = now;
		if (now - start > WINDOWS_WAIT_TICKS)
			return false;
	}
	*held = (int64_t)(msi_tsc - last) > (int64_t)gap ||
		(window && (int64_t)(msi_tsc - window) < (int64_t)gap);
	return true;
}

/* Spins with interrupts as they are until the TSC jumps by over `gap`. */
static void until_next_window(uint64_t gap)
{
	uint64_t last = rdtsc(), now;

	for (;; last = now) {
		now = rdtsc();
		if (now - last > gap)
			return;
	}
}

static void ack(uint32_t bit)
{
	edu_write(EDU_IRQ_ACK, bit);
}

static uint32_t raised_in_window(uint32_t rounds, uint64_t gap)
{
	uint32_t got = 0;
	bool held;

	for (uint32_t i = 0; i < rounds; i++) {
		uint32_t before = msi_count;

		edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
		got += wait_msi(before, gap, &held);
		ack(EDU_TEST_IRQ);
	}
	return got;
}

static uint32_t raised_under_cli(uint32_t rounds, uint64_t gap)
{
	uint32_t got = 0;
	bool held;

	for (uint32_t i = 0; i < rounds; i++) {
		uint32_t before = msi_count;

		asm volatile("cli" ::: "memory");
		edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
		until_next_window(gap);
		if (msi_count != before)
			break;	/* taken under CLI: wrong */
		asm volatile("sti" ::: "memory");
		got += wait_msi(before, gap, &held);
		ack(EDU_TEST_IRQ);
	}
	asm volatile("sti" ::: "memory");
	return got;
}

static uint32_t raised_by_dma(uint32_t rounds, uint64_t gap, uint32_t *held_n)
{
	uint32_t got = 0;
	bool held;

	for (uint32_t i = 0; i < rounds; i++) {
		uint32_t before = msi_count;

		edu_write(EDU_DMA_SRC, (uint32_t)(uintptr_t)dma_buf);
		edu_write(EDU_DMA_DST, EDU_BUF);
		edu_write(EDU_DMA_COUNT, DMA_BYTES);
		edu_write(EDU_DMA_CMD, EDU_CMD_START | EDU_CMD_IRQ);
		if (!wait_msi(before, gap, &held))
			continue;
		got++;
		*held_n += held;
		ack(EDU_DMA_IRQ);
	}
	return got;
}

int msi_windows_test(uint32_t bdf, uint32_t vec, uint32_t rounds,
		     uint64_t gap)
{
	uint32_t raised, cli, dma, held = 0;

	irq_setup();
	idt_set(vec, msi_tsc_isr);
	if (!msi_enable(bdf, mmio_read32(LAPIC_ID) >> 24, vec))
		return EXIT_MISSING;
	msi_count = 0;
	other_count = 0;
	asm volatile("sti" ::: "memory");
	raised = raised_in_window(rounds, gap);
	cli = raised_under_cli(rounds, gap);
	dma = raised_by_dma(rounds, gap, &held);
	asm volatile("cli" ::: "memory");
	printf("edu: msi windows: %u/%u raised delivered, %u/%u under cli "
	       "delivered after a window change, %u/%u from DMA delivered, %u "
	       "held for our next window, %u on other vectors\n", raised,
	       rounds, cli, rounds, dma, rounds, held, other_count);
	return raised == rounds && cli == rounds && dma == rounds &&
	       !other_count ? 0 : EXIT_MISSING;
}
