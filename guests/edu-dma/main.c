/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * edu-dma: drive QEMU's `edu` PCI device (1234:11e8) from a partition
 * that owns it, to test PCI passthrough with IOMMU confinement.
 *
 * 1. Find the device through config mechanism #1 (ports 0xCF8/0xCFC) on
 *    buses 0..buses-1, enable memory space and bus mastering.
 * 2. Check its identification and liveness registers.
 * 3. DMA a pattern from our RAM into its buffer and back: must work.
 * 4. For each forbid= address A: DMA a pattern to A (the neighbour checks
 *    its memory), then DMA from A and print the first 8 bytes read.
 * 5. With intx=N: INTx instead of MSI (intx.c): the GSI from the _PRT,
 *    the I/O APIC pin level-triggered for vector intx_vector (default
 *    0x41) on our APIC, N raises each delivered exactly once (the line
 *    re-armed after each EOI), one raise held by the pin's mask.
 *    With intx_restart=1 (first boot only: edu's status is clear), the
 *    INTx is raised and left in service, and the partition resets; a
 *    boot that finds edu's status set acknowledges it first.
 * 6. With windows=N (a core shared in time, windows.c): edu's MSIs
 *    raised in our window, raised under CLI across a window change, and
 *    raised by DMAs that finish in a neighbour's window: all N of each
 *    delivered, the last ones held for our next window.
 * 6. With storm=N (cpus = a shared core, then one of our own; storm.c):
 *    vCPU 1 raises edu's MSI every pace= ticks (default 10000) for
 *    N << 20 TSC ticks while vCPU 0 takes them; the last must arrive.
 * 6. With irq=1: program the MSI capability for APIC msi_apic (default:
 *    our own) and vector msi_vector, raise edu's interrupt, report it.
 * 6. With high=1 (before 4.): the RAM the memory map puts above 4 GiB,
 *    reached through PAE paging: the CPU writes and reads back the first
 *    and last word of every 2 MiB of it, then edu DMAs from and to its
 *    first, middle and last page.
 * 7. With beyond=1 (last): read the byte right after that RAM, which
 *    must stop the partition.
 *
 * Command line: forbid=A[,A...] (repeatable), count=N (bytes of each
 * forbidden DMA, 8..4092, default 64), buses=N (default 8), timeout=N
 * (DMA timeout in 2^20 TSC ticks, default 8192), irq=1, msi_apic=N,
 * storm=N (1..4096) with pace=TICKS,
 * msi_vector=V (default 0x40), high=1, beyond=1, windows=N (1..100) with
 * gap=TICKS (default 200000: a longer TSC step is another window).
 * Exit codes: 0 all as expected, 2 no device, 3 device not answering,
 * 4 BAR0 unusable, 5 DMA timeout, 6 DMA to own RAM broken, 7 MSI not
 * delivered to our own APIC or no MSI capability, 8 bad command line,
 * 9 no RAM above 4 GiB or it is broken, 10 the read past it returned,
 * 11 INTx missing, repeated or not held by its mask, 12 the storm's last
 * raise not delivered (or vCPU 1 not started),
 * 0x7f bad boot.
 */
#include "guests/edu-dma/edu.h"
#include "guests/edu-dma/pae.h"

#define EXIT_NO_DEVICE	2
#define EXIT_DEAD	3
#define EXIT_BAD_BAR	4
#define EXIT_TIMEOUT	5
#define EXIT_DMA_BAD	6
#define EXIT_NO_MSI	7
#define EXIT_BAD_ARGS	8
#define EXIT_HIGH_RAM	9
#define EXIT_NO_FAULT	10

#define MAX_FORBID	16

/* PCI Local Bus spec 3.0, 3.2.2.3.2: configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000u

/* PCI Local Bus spec 3.0, 6.1/6.2: type 0 configuration header. */
#define PCI_CMD_MEMORY		(1u << 1)
#define PCI_CMD_MASTER		(1u << 2)
#define PCI_STATUS_CAP_LIST	(1u << (16 + 4))
#define PCI_BAR0		0x10
#define PCI_BAR_IO		(1u << 0)	/* 6.2.5.1 */
#define PCI_BAR_TYPE_MASK	(3u << 1)
#define PCI_BAR_TYPE_64		(2u << 1)
#define PCI_BAR_MEM_MASK	(~0xfu)
#define PCI_CAP_PTR		0x34	/* 6.7: capabilities list */

/* PCI Local Bus spec 3.0, 6.8.1: MSI capability. */
#define MSI_CTRL_MME_MASK	(7u << 20)	/* multiple message enable */
#define MSI_CTRL_64BIT		(1u << 23)
#define MSI_ADDR_LO		0x04
#define MSI_ADDR_HI		0x08	/* 64-bit capable only */
#define MSI_DATA_32		0x08
#define MSI_DATA_64		0x0c

/* Intel SDM Vol. 3A 11.11.1/11.11.2: MSI address (physical destination,
 * no redirection) and data (fixed delivery, edge). */
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12

/* Intel SDM Vol. 3A 11.4.1, 11.9: xAPIC registers at the default base. */
#define LAPIC_SVR		0xfee000f0u
#define LAPIC_SVR_ENABLE	(1u << 8)
#define SPURIOUS_VECTOR		0xff

/* 8259A datasheet: OCW1 (the interrupt mask) of the two PICs. */
#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1

/* QEMU docs/specs/edu.rst and hw/misc/edu.c: edu's BAR0 registers. */
#define EDU_VENDOR_DEVICE	0x11e81234u
#define EDU_ID			0x00
#define EDU_ID_VALUE		0x010000edu	/* version 1.0, 0xed */
#define EDU_LIVENESS		0x04		/* reads back ~value */
#define EDU_DMA_SRC		0x80		/* 64-bit */
#define EDU_DMA_DST		0x88		/* 64-bit */
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_CMD_START		(1u << 0)	/* clears when done */
#define EDU_CMD_TO_RAM		(1u << 1)	/* edu -> RAM; 0: RAM -> edu */
#define EDU_BUF			0x40000u	/* device-side buffer */
#define EDU_BUF_SIZE		4096u
/* QEMU 7.2's edu_check_range() rejects a transfer that ends exactly at the
 * buffer's end (an off-by-one fixed later) with hw_error(), which aborts
 * QEMU: transfer at most 4092 bytes. */
#define EDU_DMA_MAX		(EDU_BUF_SIZE - 4)

/* A 32-bit interrupt gate, present, DPL 0 (Intel SDM Vol. 3A 6.11). */
#define GATE_INTR32		0x8e
#define SEL_CODE		0x08	/* guests/lib/entry.S */

#define POISON_WORD		0x0badf00du

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static uint32_t ram_a[EDU_BUF_SIZE / 4] __attribute__((aligned(4096)));
static uint32_t ram_b[EDU_BUF_SIZE / 4] __attribute__((aligned(4096)));
static struct idt_gate idt[256] __attribute__((aligned(8)));
volatile uint32_t msi_count, other_count;	/* bumped by isr.S */
uint32_t edu_bar;
static uint64_t dma_timeout;



uint32_t pci_read(uint32_t bdf, uint32_t off)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | bdf << 8 | (off & 0xfc));
	return inl(PCI_CONFIG_DATA);
}

void pci_write(uint32_t bdf, uint32_t off, uint32_t v)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | bdf << 8 | (off & 0xfc));
	outl(PCI_CONFIG_DATA, v);
}

/* bdf = bus << 8 | device << 3 | function, or ~0u. */
static uint32_t pci_find(uint32_t id, uint32_t buses)
{
	for (uint32_t bdf = 0; bdf < buses << 8; bdf++) {
		if (pci_read(bdf, PCI_ID) == id)
			return bdf;
	}
	return ~0u;
}

/* Offset of capability cap_id, or 0 (PCI Local Bus spec 3.0, 6.7). */
uint32_t pci_find_cap(uint32_t bdf, uint32_t cap_id)
{
	uint32_t off, hdr;

	if (!(pci_read(bdf, PCI_COMMAND) & PCI_STATUS_CAP_LIST))
		return 0;
	off = pci_read(bdf, PCI_CAP_PTR) & 0xfc;
	for (int n = 0; off >= 0x40 && n < 48; n++) {
		hdr = pci_read(bdf, off);
		if ((hdr & 0xff) == cap_id)
			return off;
		off = (hdr >> 8) & 0xfc;
	}
	return 0;
}

uint32_t edu_read(uint32_t reg)
{
	return mmio_read32(edu_bar + reg);
}

void edu_write(uint32_t reg, uint32_t v)
{
	mmio_write32(edu_bar + reg, v);
}

/* edu ignores 4-byte writes at +4 (hw/misc/edu.c): a 4-byte write sets the
 * whole 64-bit register, higher values need one 8-byte store (MMX). */
static void edu_write64(uint32_t reg, uint64_t v)
{
	uint32_t cr0;

	if (!(v >> 32)) {
		edu_write(reg, (uint32_t)v);
		return;
	}
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~((1u << 2) | (1u << 3));	/* EM, TS: MMX would fault */
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("movq %1, %%mm0\n\tmovq %%mm0, %0\n\temms"
		     : "=m"(*(volatile uint64_t *)(edu_bar + reg))
		     : "m"(v) : "memory");
}

/* One DMA; a timeout ends the guest (the registers stay locked). */
static void edu_dma(uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd)
{
	uint64_t start;

	asm volatile("" ::: "memory");
	edu_write64(EDU_DMA_SRC, src);
	edu_write64(EDU_DMA_DST, dst);
	edu_write(EDU_DMA_COUNT, count);
	edu_write(EDU_DMA_CMD, cmd | EDU_CMD_START);
	start = rdtsc();
	while (edu_read(EDU_DMA_CMD) & EDU_CMD_START) {
		if (rdtsc() - start > dma_timeout) {
			printf("edu: dma timeout (src 0x%llx dst 0x%llx)\n",
			       src, dst);
			guest_exit(EXIT_TIMEOUT);
		}
		cpu_relax();
	}
	asm volatile("" ::: "memory");
}

static void to_edu(uint64_t src, uint32_t count)
{
	edu_dma(src, EDU_BUF, count, 0);
}

static void from_edu(uint64_t dst, uint32_t count)
{
	edu_dma(EDU_BUF, dst, count, EDU_CMD_TO_RAM);
}

/* What we DMA to an address: recognisable and address dependent. */
static uint32_t dma_word(uint64_t base, uint32_t i)
{
	return ((uint32_t)base + 4 * i) ^ 0xedd0a000u;
}

static void fill(uint32_t *buf, uint64_t base)
{
	for (uint32_t i = 0; i < EDU_BUF_SIZE / 4; i++)
		buf[i] = dma_word(base, i);
}

static int dma_own_ram(void)
{
	fill(ram_a, (uintptr_t)ram_a);
	memset(ram_b, 0, sizeof(ram_b));
	to_edu((uintptr_t)ram_a, EDU_DMA_MAX);
	from_edu((uintptr_t)ram_b, EDU_DMA_MAX);
	for (uint32_t i = 0; i < EDU_DMA_MAX / 4; i++) {
		if (ram_b[i] != ram_a[i]) {
			printf("edu: dma to own RAM BAD at +0x%x: 0x%08x, "
			       "want 0x%08x\n", i * 4, ram_b[i], ram_a[i]);
			return EXIT_DMA_BAD;
		}
	}
	printf("edu: dma to own RAM ok (%u bytes each way)\n", EDU_DMA_MAX);
	return 0;
}

/* guests/hello's canary: word at address x is x * HELLO_MUL ^ HELLO_XOR. */
#define HELLO_MUL	0x9e3779b1u
#define HELLO_MUL_INV	0x0e8b2f51u	/* inverse mod 2^32 */
#define HELLO_XOR	0xa5c35a3cu
_Static_assert(HELLO_MUL * HELLO_MUL_INV == 1u, "HELLO_MUL_INV");

/* Two canary words of guests/hello in a row? Then *addr is where (in the
 * neighbour's guest-physical space) they were written. */
static bool hello_canary(const uint32_t *w, uint32_t *addr)
{
	*addr = (w[0] ^ HELLO_XOR) * HELLO_MUL_INV;
	return w[1] == ((*addr + 4) * HELLO_MUL ^ HELLO_XOR);
}

static const char *classify(uint64_t a, const uint32_t *w)
{
	if (w[0] == dma_word(a, 0) && w[1] == dma_word(a, 1))
		return "ours";
	if (w[0] == POISON_WORD && w[1] == POISON_WORD)
		return "untouched";
	if (!w[0] && !w[1])
		return "zeros";
	if (w[0] == ~0u && w[1] == ~0u)
		return "ones";
	return "other";
}

/* DMA a pattern to a, then from a into the (poisoned) edu buffer. */
static void dma_forbidden(uint64_t a, uint32_t count)
{
	uint32_t where;

	fill(ram_a, a);
	to_edu((uintptr_t)ram_a, count);
	from_edu(a, count);
	printf("edu: dma to 0x%llx issued (%u bytes)\n", a, count);

	for (uint32_t i = 0; i < EDU_BUF_SIZE / 4; i++)
		ram_a[i] = POISON_WORD;
	to_edu((uintptr_t)ram_a, count);
	to_edu(a, count);
	memset(ram_b, 0, sizeof(ram_b));
	from_edu((uintptr_t)ram_b, count);
	printf("edu: read from 0x%llx returned 0x%08x 0x%08x (", a, ram_b[0],
	       ram_b[1]);
	if (hello_canary(ram_b, &where))
		printf("hello canary of 0x%08x)\n", where);
	else
		printf("%s)\n", classify(a, ram_b));
}

/* ---- RAM above 4 GiB (loader/ram_layout.h in the hypervisor) ---- */

#define FOUR_GIB	0x100000000ull
#define HIGH_SAMPLES	3	/* DMA at the first, middle and last page */

/* What goes to a high address: unlike any other address's word. */
static uint32_t high_word(uint64_t pa)
{
	return (uint32_t)pa ^ (uint32_t)(pa >> 32) * 0x9e3779b1u ^ 0x41b0c0deu;
}

/* The memory map's available range at or above 4 GiB, if any. */
static bool high_ram(const struct mb_info *mbi, uint64_t *base,
		     uint64_t *size)
{
	const struct mb_mmap_entry *e;

	mb_for_each_mmap(e, mbi) {
		if (e->type == MB_MMAP_AVAILABLE && e->base >= FOUR_GIB) {
			*base = e->base;
			*size = e->length;
			return true;
		}
	}
	return false;
}

/* The first and last word of each 2 MiB; all written before any read. */
static uint32_t cpu_sweep(uint64_t base, uint64_t size, bool write)
{
	uint32_t bad = 0;

	for (uint64_t at = base; at < base + size; at += PAE_PAGE) {
		uint64_t last = (at + PAE_PAGE < base + size ?
				 at + PAE_PAGE : base + size) - 4;
		volatile uint32_t *w = pae_window(at);
		volatile uint32_t *l = pae_window(last);

		if (write) {
			*w = high_word(at);
			*l = high_word(last);
		} else if (*w != high_word(at) || *l != high_word(last)) {
			printf("edu: RAM at 0x%llx reads 0x%08x, 0x%llx reads "
			       "0x%08x\n", at, *w, last, *l);
			bad++;
		}
	}
	return bad;
}

/*
 * The device reads what the CPU wrote at pa (through ram_b), then
 * writes what the CPU put in ram_a to pa, read back through the window.
 */
static bool dma_high(uint64_t pa)
{
	volatile uint32_t *w = pae_window(pa);

	for (uint32_t i = 0; i < EDU_DMA_MAX / 4; i++)
		w[i] = high_word(pa + 4 * i);
	memset(ram_b, 0, sizeof(ram_b));
	to_edu(pa, EDU_DMA_MAX);
	from_edu((uintptr_t)ram_b, EDU_DMA_MAX);
	for (uint32_t i = 0; i < EDU_DMA_MAX / 4; i++)
		if (ram_b[i] != high_word(pa + 4 * i)) {
			printf("edu: dma from 0x%llx BAD at +0x%x: 0x%08x\n", pa,
			       4 * i, ram_b[i]);
			return false;
		}
	for (uint32_t i = 0; i < EDU_DMA_MAX / 4; i++)
		ram_a[i] = ~high_word(pa + 4 * i);
	to_edu((uintptr_t)ram_a, EDU_DMA_MAX);
	from_edu(pa, EDU_DMA_MAX);
	for (uint32_t i = 0; i < EDU_DMA_MAX / 4; i++)
		if (w[i] != ~high_word(pa + 4 * i)) {
			printf("edu: dma to 0x%llx BAD at +0x%x: 0x%08x\n", pa,
			       4 * i, w[i]);
			return false;
		}
	printf("edu: dma from and to 0x%llx ok (%u bytes each way)\n", pa,
	       EDU_DMA_MAX);
	return true;
}

static int high_ram_test(uint64_t base, uint64_t size)
{
	const uint64_t pages = size >> 12;
	const uint64_t at[HIGH_SAMPLES] = {
		base, base + (pages >> 1 << 12), base + ((pages - 1) << 12),
	};
	uint32_t bad;

	pae_on();
	cpu_sweep(base, size, true);
	bad = cpu_sweep(base, size, false);
	if (!bad)
		printf("edu: cpu wrote and read back every 2 MiB of "
		       "0x%llx-0x%llx\n", base, base + size - 1);
	for (int i = 0; !bad && i < HIGH_SAMPLES; i++)
		if (!dma_high(at[i]))
			bad++;
	pae_off();
	return bad ? EXIT_HIGH_RAM : 0;
}

/* The stage 2 ends where the map says: this read stops the partition. */
static int touch_beyond(uint64_t end)
{
	volatile uint32_t *w;
	uint32_t v;

	pae_on();
	w = pae_window(end);
	printf("edu: reading 0x%llx, past the RAM above 4 GiB\n", end);
	v = *w;
	pae_off();
	printf("edu: LEAK: 0x%llx read 0x%08x\n", end, v);
	return EXIT_NO_FAULT;
}

/* Parse a 64-bit number, hex with 0x or decimal; false without digits. */
static bool parse_u64(const char *s, const char **endp, uint64_t *out)
{
	uint32_t base = 10, d;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (*p | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	*endp = p;
	*out = v;
	return p != s && p[-1] != 'x' && p[-1] != 'X';
}

/* All forbid=A,B,... words; -1 on a malformed list. */
static int parse_forbid(const char *cmdline, uint64_t *addrs)
{
	const char *v, *end = cmdline;
	int n = 0;

	while ((v = cmdline_find(end, "forbid"))) {
		for (;;) {
			if (n == MAX_FORBID || !parse_u64(v, &end, &addrs[n]))
				return -1;
			n++;
			if (*end != ',')
				break;
			v = end + 1;
		}
		if (*end && *end != ' ' && *end != '\t')
			return -1;
	}
	return n;
}

void idt_set(uint32_t vec, void (*fn)(void))
{
	uint32_t off = (uint32_t)(uintptr_t)fn;

	idt[vec] = (struct idt_gate){ (uint16_t)off, SEL_CODE, 0, GATE_INTR32,
				      (uint16_t)(off >> 16) };
}

/* Every vector from 32 counted as unexpected, the PICs masked, the LAPIC on. */
void irq_setup(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed))
		idtr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (uint32_t i = 32; i < 256; i++)
		idt_set(i, other_isr);
	idt_set(SPURIOUS_VECTOR, spurious_isr);
	asm volatile("lidt %0" : : "m"(idtr));
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	mmio_write32(LAPIC_SVR, LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

uint32_t msi_enable(uint32_t bdf, uint32_t dest, uint32_t vec)
{
	uint32_t cap = pci_find_cap(bdf, PCI_CAP_ID_MSI), ctrl;

	if (!cap) {
		printf("edu: no MSI capability\n");
		return 0;
	}
	ctrl = pci_read(bdf, cap);
	pci_write(bdf, cap + MSI_ADDR_LO,
		  MSI_ADDR_BASE | dest << MSI_ADDR_DEST_SHIFT);
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write(bdf, cap + MSI_ADDR_HI, 0);
		pci_write(bdf, cap + MSI_DATA_64, vec);
	} else {
		pci_write(bdf, cap + MSI_DATA_32, vec);
	}
	pci_write(bdf, cap, (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
	printf("edu: msi cap at 0x%02x, %s-bit, apic %u -> apic %u vector "
	       "0x%x\n", cap, ctrl & MSI_CTRL_64BIT ? "64" : "32",
	       mmio_read32(LAPIC_ID) >> 24, dest, vec);
	return cap;
}

static int msi_test(uint32_t bdf, uint32_t dest, uint32_t vec)
{
	uint32_t self = mmio_read32(LAPIC_ID) >> 24;
	uint64_t start;

	irq_setup();
	idt_set(vec, msi_isr);
	if (!msi_enable(bdf, dest, vec))
		return EXIT_NO_MSI;

	msi_count = 0;
	other_count = 0;
	asm volatile("sti" ::: "memory");
	edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
	start = rdtsc();
	while (!msi_count && rdtsc() - start < MSI_WAIT_TICKS)
		cpu_relax();
	asm volatile("cli" ::: "memory");
	edu_write(EDU_IRQ_ACK, EDU_TEST_IRQ);

	printf("edu: msi to apic %u vector 0x%x: %s\n", dest, vec,
	       msi_count ? "delivered" : "not delivered");
	if (other_count)
		printf("edu: %u interrupts on other vectors\n", other_count);
	return !msi_count && dest == self ? EXIT_NO_MSI : 0;
}

/* Find the device, enable it; its BAR0 must be memory below 4 GiB. */
static int edu_setup(uint32_t buses, uint32_t *bdfp)
{
	uint32_t bdf = pci_find(EDU_VENDOR_DEVICE, buses), cmd, bar, hi = 0;

	if (bdf == ~0u) {
		printf("edu: no device\n");
		return EXIT_NO_DEVICE;
	}
	bar = pci_read(bdf, PCI_BAR0);
	if ((bar & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64)
		hi = pci_read(bdf, PCI_BAR0 + 4);
	printf("edu: found at %02x:%02x.%x bar0=0x%llx\n", bdf >> 8,
	       (bdf >> 3) & 0x1f, bdf & 7,
	       (uint64_t)hi << 32 | (bar & PCI_BAR_MEM_MASK));
	if ((bar & PCI_BAR_IO) || hi || !(bar & PCI_BAR_MEM_MASK)) {
		printf("edu: bar0 is %s: unusable with paging off\n",
		       bar & PCI_BAR_IO ? "I/O space" :
		       hi ? "above 4 GiB" : "unassigned");
		return EXIT_BAD_BAR;
	}
	edu_bar = bar & PCI_BAR_MEM_MASK;

	cmd = pci_read(bdf, PCI_COMMAND) & 0xffff;
	if ((cmd & (PCI_CMD_MEMORY | PCI_CMD_MASTER)) !=
	    (PCI_CMD_MEMORY | PCI_CMD_MASTER)) {
		pci_write(bdf, PCI_COMMAND,
			  cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER);
		printf("edu: command 0x%04x -> 0x%04x\n", cmd,
		       pci_read(bdf, PCI_COMMAND) & 0xffff);
	}
	*bdfp = bdf;
	return 0;
}

static int edu_check_alive(void)
{
	uint32_t id = edu_read(EDU_ID), live;

	edu_write(EDU_LIVENESS, 0x12345678);
	live = edu_read(EDU_LIVENESS);
	if (id != EDU_ID_VALUE || live != ~0x12345678u) {
		printf("edu: not answering: id 0x%08x, liveness 0x%08x\n", id,
		       live);
		return EXIT_DEAD;
	}
	printf("edu: id 0x%08x, liveness ok\n", id);
	return 0;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint64_t forbid[MAX_FORBID], high_base = 0, high_size = 0;
	const char *cmdline;
	long buses, count, vec, timeout, intx, intx_vec, windows, gap, storm;
	long pace;
	uint32_t bdf;
	int n, err;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	cmdline = mb_cmdline(mbi);
	buses = cmdline_int(cmdline, "buses", 8);
	count = cmdline_int(cmdline, "count", 64);
	vec = cmdline_int(cmdline, "msi_vector", 0x40);
	intx = cmdline_int(cmdline, "intx", 0);
	intx_vec = cmdline_int(cmdline, "intx_vector", 0x41);
	timeout = cmdline_int(cmdline, "timeout", 8192);
	windows = cmdline_int(cmdline, "windows", 0);
	gap = cmdline_int(cmdline, "gap", 200000);
	storm = cmdline_int(cmdline, "storm", 0);
	pace = cmdline_int(cmdline, "pace", 10000);
	dma_timeout = (uint64_t)timeout << 20;
	n = parse_forbid(cmdline, forbid);
	if (n < 0 || buses < 1 || buses > 256 || count < 8 ||
	    count > (long)EDU_DMA_MAX || vec < 32 || vec >= SPURIOUS_VECTOR ||
	    timeout < 0 || intx < 0 || intx > 100 || intx_vec < 32 ||
	    intx_vec >= SPURIOUS_VECTOR || windows < 0 || windows > 100 ||
	    gap < 1 || storm < 0 || storm > 4096 || pace < 1) {
		printf("edu: bad command line (forbid=A[,A...] at most %d, "
		       "buses=1..256, count=8..4092, msi_vector=32..254, "
		       "intx=0..100, intx_vector=32..254, windows=0..100, "
		       "gap=1.., storm=0..4096, pace=1..)\n", MAX_FORBID);
		return EXIT_BAD_ARGS;
	}

	err = edu_setup((uint32_t)buses, &bdf);
	if (!err)
		err = edu_check_alive();
	if (!err && edu_read(EDU_IRQ_STATUS)) {
		printf("edu: restarted with status 0x%x left raised: "
		       "acknowledged\n", edu_read(EDU_IRQ_STATUS));
		edu_write(EDU_IRQ_ACK, edu_read(EDU_IRQ_STATUS));
	} else if (!err && cmdline_int(cmdline, "intx_restart", 0)) {
		intx_leave_raised(bdf, (uint32_t)intx_vec);
	}
	if (!err)
		err = dma_own_ram();
	if (!err && cmdline_int(cmdline, "high", 0)) {
		if (!high_ram(mbi, &high_base, &high_size)) {
			printf("edu: no RAM above 4 GiB in the memory map\n");
			return EXIT_HIGH_RAM;
		}
		printf("edu: RAM above 4 GiB: 0x%llx+0x%llx\n", high_base,
		       high_size);
		err = high_ram_test(high_base, high_size);
	}
	if (err)
		return err;
	for (int i = 0; i < n; i++)
		dma_forbidden(forbid[i], (uint32_t)count);
	if (intx > 0) {
		err = intx_test(bdf, (uint32_t)intx_vec, (uint32_t)intx);
		if (err)
			return err;
	}
	if (cmdline_int(cmdline, "irq", 0)) {
		uint32_t self = mmio_read32(LAPIC_ID) >> 24;
		long other = cmdline_int(cmdline, "msi_apic", -1);

		/* Its own APIC first (must arrive), then the one named. */
		err = msi_test(bdf, self, (uint32_t)vec);
		if (!err && other >= 0 && (uint32_t)other != self)
			err = msi_test(bdf, (uint32_t)other, (uint32_t)vec);
		if (err)
			return err;
	}
	if (windows > 0) {
		err = msi_windows_test(bdf, (uint32_t)vec, (uint32_t)windows,
				       (uint64_t)gap);
		if (err)
			return err;
	}
	if (storm > 0) {
		err = msi_storm_test(bdf, (uint32_t)vec, (uint32_t)storm,
				     (uint32_t)pace);
		if (err)
			return err;
	}
	if (cmdline_int(cmdline, "beyond", 0) && high_size)
		return touch_beyond(high_base + high_size);
	printf("edu: done\n");
	return 0;
}
