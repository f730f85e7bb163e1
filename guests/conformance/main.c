/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conformance: docs/guest-interface.md, row by row, from inside a
 * partition. One line per row:
 *
 *   conformance: PASS|FAIL <row>[ (may change)]: <what> got X want Y
 *
 * then `conformance: N passed, N failed` and the failure count as the exit
 * code. The rows are the table below; each drives one small check that
 * returns a verdict (the first comparison that failed, or the last one).
 *
 * Left out on purpose: NMI rows (being changed elsewhere), rows whose
 * check would stop the partition (the VGA hole, the debug-exit and reset
 * ports taking string I/O, power-off), the PMU (guests/msr-check) and
 * interrupt delivery. MSR rows follow docs/guest-interface.md as it is
 * now and say "(may change)": that policy is being reworked.
 *
 * Keys: `cpus=N` (the partition's vCPU count, default 1).
 */
#include "guests/lib/runtime.h"

#define LAPIC			0xfee00000u
#define LAPIC_ID		(LAPIC + 0x20)
#define LAPIC_VERSION		(LAPIC + 0x30)
#define LAPIC_TPR		(LAPIC + 0x80)
#define IOAPIC			0xfec00000u	/* 82093AA: index, then data */
#define IOAPIC_DATA		(IOAPIC + 0x10)
#define IOAPIC_REG_ID		0
#define IOAPIC_REG_VERSION	1
#define UART			0x3f8
#define UART_MSR		(UART + 6)	/* modem status: read-only */
#define UART_SCRATCH		(UART + 7)
#define EMPTY_PORT		0x2e8		/* COM4: nothing there */
#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1
#define PIT_CH2			0x42
#define PIT_CMD			0x43
#define PIT_CH2_MODE0		0xb0		/* channel 2, lo/hi, mode 0 */
#define PIT_CH2_LATCH		0x80
#define PORT_61			0x61
#define PORT_61_GATE2		0x01
#define CMOS_INDEX		0x70
#define CMOS_DATA		0x71
#define CMOS_RAM_BYTE		0x40		/* past the clock registers */
#define PM1A_EVT		0x600
#define PM1A_CNT		0x604
#define PM_TMR			0x608
#define PM_TMR_MASK		0xffffffu	/* ACPI 6.4 4.8.3.3: 24 bits */
#define SCI_EN			0x0001u		/* ACPI 6.4 table 4.13 */

/* ACPI 6.4 5.2.5.1: where a BIOS-booted OS looks for the RSDP. */
#define BDA_EBDA_SEGMENT	0x40e
#define EBDA_SEARCH_LEN		1024
#define BIOS_AREA_START		0xe0000u
#define BIOS_AREA_END		0x100000u
#define RSDP_ALIGN		16
#define RSDP_V1_LEN		20		/* 5.2.5.3 */
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_LENGTH		20
#define RSDP_XSDT		24
#define HDR_LEN			36		/* 5.2.6 */
#define FADT_FIRMWARE_CTRL	36		/* 5.2.9 */
#define FADT_DSDT		40
#define FADT_PM1A_EVT		56
#define FADT_PM1A_CNT		64
#define FADT_PM_TMR		76
#define FADT_X_DSDT		140
#define FADT_X_DSDT_END		148
#define FACS_ALIGN		64		/* 5.2.10 */
#define FACS_MIN_LEN		64
#define MADT_LAPIC_ADDR		36		/* 5.2.12 */
#define MADT_ENTRIES		44
#define MADT_LAPIC		0		/* 5.2.12.2 */
#define MADT_IOAPIC		1		/* 5.2.12.3 */
#define MADT_LAPIC_ENABLED	1

/* The memory map docs/guest-interface.md promises (Multiboot types). */
#define EBDA_START		0x9fc00ull
#define VGA_START		0xa0000ull
#define BIOS_START		0xf0000ull
#define HIGH_START		0x100000ull
#define LOW_SCRATCH		0x9f000u	/* free low RAM below the EBDA */

#define HV_LEAF			0x40000000u
#define HV_SIGNATURE		"BulkheadHV  "

/* MSRs (SDM vol. 4, APM vol. 2) and their bits. */
#define MSR_TSC			0x10
#define MSR_PLATFORM_ID		0x17
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_BSP		(1u << 8)
#define APIC_BASE_X2APIC	(1u << 10)
#define APIC_BASE_ENABLE	(1u << 11)
#define MSR_FEATURE_CONTROL	0x3a
#define FC_LOCKED		(1u << 0)
#define FC_VMX			(3u << 1)	/* inside and outside SMX */
#define MSR_BIOS_SIGN_ID	0x8b
#define MSR_MTRRCAP		0xfe
#define MSR_MCG_CAP		0x179
#define MSR_THERM_STATUS	0x19c
#define MSR_MISC_ENABLE		0x1a0
#define MSR_PAT			0x277
#define PAT_RESET		0x0007040600070406ull
#define PAT_BAD_TYPE		0x02		/* reserved memory type */
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_EFER		0xc0000080u
#define EFER_SVME		(1u << 12)
#define MSR_FS_BASE		0xc0000100u
#define MSR_TSC_AUX		0xc0000103u
#define MSR_HWCR		0xc0010015u
#define MSR_INT_PENDING		0xc0010055u
#define MSR_VM_CR		0xc0010114u
#define VM_CR_LOCK		(1u << 3)
#define VM_CR_SVMDIS		(1u << 4)
#define NONCANONICAL		0x0000800000000000ull
#define TSC_JUMP		(1ull << 40)
#define TSC_SLACK		(1ull << 36)	/* TCG and Bochs are slow */

/* CPUID bits of docs/guest-interface.md (SDM vol. 2A, APM vol. 3). */
#define B(n)			(1u << (n))
#define L1_ECX_CLEARED		(B(2) | B(4) | B(5) | B(7) | B(8) | B(15) | \
				 B(3) | B(21))	/* DTES64 DS-CPL VMX EIST TM2
						 * PDCM MONITOR x2APIC */
#define L1_EDX_CLEARED		(B(21) | B(22) | B(29))	/* DS ACPI TM */
#define L1_ECX_TSC_DEADLINE	B(24)
#define L1_ECX_HYPERVISOR	B(31)
#define L6_ARAT			B(2)
#define E1_ECX_CLEARED		(B(2) | B(22) | B(24) | B(28))
#define E1_EDX_RDTSCP		B(27)
#define E7_EDX_INVARIANT_TSC	B(8)
#define E22_EAX_KEPT		B(0)
#define E22_EBX_KEPT		0xfu

struct verdict {
	bool ok;
	const char *what;
	uint64_t got, want;
};

#define ROW_MAY_CHANGE	(1u << 0)	/* a policy others are changing */
#define ROW_INTEL	(1u << 1)	/* only on that vendor's CPUs */
#define ROW_AMD		(1u << 2)

struct row {
	const char *name;
	unsigned int flags;
	struct verdict (*check)(void);
};

/* What every check may look at, found once before the rows run. */
static struct {
	const struct mb_info *mbi;
	unsigned int cpus;
	bool amd;
	uint32_t max_leaf, max_ext;
	const uint8_t *rsdp, *fadt, *madt;
} ctx;

/* Verdicts: a comparison, and the first failure of two. */
static struct verdict same(const char *what, uint64_t got, uint64_t want)
{
	return (struct verdict){ got == want, what, got, want };
}

static struct verdict both(struct verdict a, struct verdict b)
{
	return a.ok ? b : a;
}

static uint8_t sum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static const uint8_t *phys(uint64_t addr)
{
	/* Paging is off: a physical address below 4 GiB is a pointer. */
	return addr >> 32 ? NULL : (const uint8_t *)launder_ptr(
		(void *)(uintptr_t)addr);
}

/* ---- CPUID ---------------------------------------------------------- */

static struct verdict cpuid_1_cleared(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	return both(same("ECX VMX/x2APIC/MONITOR/EIST/TM2/DS bits", r.ecx &
			 L1_ECX_CLEARED, 0),
		    same("EDX DS/ACPI/TM bits", r.edx & L1_EDX_CLEARED, 0));
}

static struct verdict cpuid_1_set(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	return both(same("ECX[24] TSC-deadline", r.ecx & L1_ECX_TSC_DEADLINE,
			 L1_ECX_TSC_DEADLINE),
		    same("ECX[31] hypervisor", r.ecx & L1_ECX_HYPERVISOR,
			 L1_ECX_HYPERVISOR));
}

static struct verdict cpuid_1_ebx(void)
{
	uint32_t ebx = cpuid(1, 0).ebx;

	return both(same("EBX[31:24] APIC ID", ebx >> 24, 0),
		    same("EBX[23:16] vCPU count", (ebx >> 16) & 0xff,
			 ctx.cpus));
}

static struct verdict cpuid_6(void)
{
	struct cpuid_regs r = cpuid(6, 0);

	return both(same("EAX", r.eax, L6_ARAT),
		    same("EBX|ECX|EDX", r.ebx | r.ecx | r.edx, 0));
}

static struct verdict cpuid_topology(void)
{
	struct verdict v = same("max basic leaf < 0xB: nothing to check", 0, 0);

	if (ctx.max_leaf >= 0xb)
		v = same("0xB EDX (x2APIC ID)", cpuid(0xb, 0).edx, 0);
	if (v.ok && ctx.max_leaf >= 0x1f)
		v = same("0x1F EDX (x2APIC ID)", cpuid(0x1f, 0).edx, 0);
	return v;
}

static struct verdict cpuid_e1(void)
{
	return same("0x80000001 ECX SVM/TOPOEXT/DF/L3 counters",
		    cpuid(0x80000001u, 0).ecx & E1_ECX_CLEARED, 0);
}

static struct verdict cpuid_e7(void)
{
	if (ctx.max_ext < 0x80000007u)
		return same("max extended leaf", ctx.max_ext, 0x80000007u);
	return same("0x80000007 EDX[8] invariant TSC",
		    cpuid(0x80000007u, 0).edx & E7_EDX_INVARIANT_TSC,
		    E7_EDX_INVARIANT_TSC);
}

static struct verdict cpuid_ea(void)
{
	struct cpuid_regs r;

	if (ctx.max_ext < 0x8000000au)
		return same("leaf beyond max extended leaf: absent", 0, 0);
	r = cpuid(0x8000000au, 0);
	return same("0x8000000A EAX|EBX|ECX|EDX", r.eax | r.ebx | r.ecx | r.edx,
		    0);
}

static struct verdict cpuid_e22(void)
{
	struct cpuid_regs r;

	if (ctx.max_ext < 0x80000022u)
		return same("leaf beyond max extended leaf: absent", 0, 0);
	r = cpuid(0x80000022u, 0);
	return both(same("0x80000022 EAX beyond PerfMonV2",
			 r.eax & ~E22_EAX_KEPT, 0),
		    same("0x80000022 EBX beyond the core-counter count",
			 r.ebx & ~E22_EBX_KEPT, 0));
}

static struct verdict cpuid_hv_vendor(void)
{
	struct cpuid_regs r = cpuid(HV_LEAF, 0);
	char sig[13];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	return both(same("0x40000000 EAX (max leaf)", r.eax, HV_LEAF + 1),
		    same("EBX:ECX:EDX is \"BulkheadHV  \"",
			 !memcmp(sig, HV_SIGNATURE, 12), 1));
}

static struct verdict cpuid_hv_info(void)
{
	struct cpuid_regs r = cpuid(HV_LEAF + 1, 0);

	return both(same("0x40000001 EAX (restarts)", r.eax, 0),
		    both(same("EBX (vCPU index)", r.ebx, 0),
			 same("ECX (vCPU count)", r.ecx, ctx.cpus)));
}

static struct verdict cpuid_hv_rest(void)
{
	struct cpuid_regs a = cpuid(HV_LEAF + 2, 0);
	struct cpuid_regs b = cpuid(HV_LEAF + 0xff, 0);

	return same("0x40000002 and 0x400000FF, all registers ORed",
		    a.eax | a.ebx | a.ecx | a.edx | b.eax | b.ebx | b.ecx |
		    b.edx, 0);
}

/* ---- MSRs ----------------------------------------------------------- */

static struct verdict msr_apic_base(void)
{
	uint64_t v = 0;
	bool gp = rdmsr_gp(MSR_APIC_BASE, &v);
	struct verdict r = same("rdmsr #GP", gp, 0);

	if (r.ok)
		r = same("value (base, enabled, BSP)", v,
			 LAPIC | APIC_BASE_ENABLE | APIC_BASE_BSP);
	if (r.ok)
		r = same("write of the same value #GP",
			 wrmsr_gp(MSR_APIC_BASE, v), 0);
	if (r.ok)
		r = same("write setting x2APIC #GP",
			 wrmsr_gp(MSR_APIC_BASE, v | APIC_BASE_X2APIC), 1);
	return r;
}

static struct verdict msr_efer(void)
{
	uint64_t v = 0;

	return both(same("rdmsr #GP", rdmsr_gp(MSR_EFER, &v), 0),
		    same("EFER.SVME", v & EFER_SVME, 0));
}

static struct verdict msr_pat(void)
{
	uint64_t old = 0, back = 0;
	struct verdict r;

	rdmsr_gp(MSR_PAT, &old);
	r = same("write of a reserved type #GP",
		 wrmsr_gp(MSR_PAT, (old & ~0xffull) | PAT_BAD_TYPE), 1);
	if (r.ok)
		r = same("write of the reset value #GP",
			 wrmsr_gp(MSR_PAT, PAT_RESET), 0);
	rdmsr_gp(MSR_PAT, &back);
	if (r.ok)
		r = same("reads back", back, PAT_RESET);
	wrmsr_gp(MSR_PAT, old);
	return r;
}

static struct verdict msr_tsc_write(void)
{
	uint64_t t0 = rdtsc(), t1;
	bool gp = wrmsr_gp(MSR_TSC, t0 + TSC_JUMP);

	t1 = rdtsc();
	return both(same("wrmsr #GP", gp, 0),
		    same("RDTSC moved by 2^40 (within 2^36)",
			 t1 - t0 >= TSC_JUMP && t1 - t0 < TSC_JUMP + TSC_SLACK,
			 1));
}

static struct verdict msr_tsc_aux(void)
{
	uint64_t v = 0;
	struct verdict r;

	if (!(cpuid(0x80000001u, 0).edx & E1_EDX_RDTSCP))
		return same("not advertised: #GP on read",
			    rdmsr_gp(MSR_TSC_AUX, &v), 1);
	r = same("write 0x1234 #GP", wrmsr_gp(MSR_TSC_AUX, 0x1234), 0);
	rdmsr_gp(MSR_TSC_AUX, &v);
	if (r.ok)
		r = same("reads back", v, 0x1234);
	if (r.ok)
		r = same("write of bits 63:32 #GP",
			 wrmsr_gp(MSR_TSC_AUX, 1ull << 32), 1);
	wrmsr_gp(MSR_TSC_AUX, 0);
	return r;
}

static struct verdict msr_fs_base(void)
{
	return same("non-canonical write #GP",
		    wrmsr_gp(MSR_FS_BASE, NONCANONICAL), 1);
}

/* Reads 0 with no #GP; a write of 0 does (or does not) #GP. */
static struct verdict zero_msr(uint32_t msr, bool write_gp)
{
	uint64_t v = 1;
	struct verdict r = same("rdmsr #GP", rdmsr_gp(msr, &v), 0);

	if (r.ok)
		r = same("value", v, 0);
	if (r.ok)
		r = same("wrmsr 0 #GP", wrmsr_gp(msr, 0), write_gp);
	return r;
}

static struct verdict msr_bios_sign_id(void)
{
	return zero_msr(MSR_BIOS_SIGN_ID, false);
}

static struct verdict msr_mtrr_def_type(void)
{
	return zero_msr(MSR_MTRR_DEF_TYPE, false);
}

static struct verdict msr_mtrrcap(void)
{
	return zero_msr(MSR_MTRRCAP, true);
}

static struct verdict msr_mcg_cap(void)
{
	return zero_msr(MSR_MCG_CAP, true);
}

static struct verdict msr_feature_control(void)
{
	uint64_t v = 0;
	struct verdict r = same("rdmsr #GP",
				rdmsr_gp(MSR_FEATURE_CONTROL, &v), 0);

	if (r.ok)
		r = same("locked, VMX off", v & (FC_LOCKED | FC_VMX),
			 FC_LOCKED);
	if (r.ok)
		r = same("wrmsr #GP", wrmsr_gp(MSR_FEATURE_CONTROL, v), 1);
	return r;
}

static struct verdict msr_platform_id(void)
{
	return zero_msr(MSR_PLATFORM_ID, true);
}

static struct verdict msr_vm_cr(void)
{
	uint64_t v = 0;
	struct verdict r = same("rdmsr #GP", rdmsr_gp(MSR_VM_CR, &v), 0);

	if (r.ok)
		r = same("SVM disabled, locked", v & (VM_CR_LOCK | VM_CR_SVMDIS),
			 VM_CR_LOCK | VM_CR_SVMDIS);
	if (r.ok)
		r = same("wrmsr #GP", wrmsr_gp(MSR_VM_CR, v), 1);
	return r;
}

static struct verdict msr_hwcr(void)
{
	return both(zero_msr(MSR_HWCR, true), zero_msr(MSR_INT_PENDING, true));
}

static struct verdict msr_misc_enable_amd(void)
{
	uint64_t v;

	return same("rdmsr MISC_ENABLE #GP", rdmsr_gp(MSR_MISC_ENABLE, &v), 1);
}

static struct verdict msr_thermal(void)
{
	uint64_t v;

	return same("rdmsr THERM_STATUS #GP",
		    rdmsr_gp(MSR_THERM_STATUS, &v), 1);
}

/* ---- Devices -------------------------------------------------------- */

static struct verdict uart_rep_outsb(void)
{
	static const uint8_t bytes[4] = { 0x11, 0x22, 0x33, 0x44 };
	const void *src = bytes;
	uint32_t n = sizeof(bytes);

	outb(UART_SCRATCH, 0);
	asm volatile("rep outsb" : "+S"(src), "+c"(n) : "d"(UART_SCRATCH)
		     : "memory");
	return both(same("ECX after REP", n, 0),
		    same("scratch holds the last byte", inb(UART_SCRATCH),
			 0x44));
}

static struct verdict uart_rep_insb(void)
{
	uint8_t bytes[4] = { 0 };
	void *dst = bytes;
	uint32_t n = sizeof(bytes);

	outb(UART_SCRATCH, 0x5a);
	asm volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(UART_SCRATCH)
		     : "memory");
	return same("4 bytes read", get32(bytes), 0x5a5a5a5au);
}

/* A 2-byte element goes to consecutive byte ports: MSR (ignored), scratch. */
static struct verdict uart_outsw(void)
{
	static const uint16_t word = 0x6677;
	const void *src = &word;

	outb(UART_SCRATCH, 0);
	asm volatile("outsw" : "+S"(src) : "d"(UART_MSR) : "memory");
	return same("scratch holds the high byte", inb(UART_SCRATCH), 0x66);
}

static struct verdict empty_port_string(void)
{
	uint16_t words[2] = { 0, 0 };
	void *dst = words;
	uint32_t n = 2;

	asm volatile("rep insw" : "+D"(dst), "+c"(n) : "d"(EMPTY_PORT)
		     : "memory");
	return both(same("inb", inb(EMPTY_PORT), 0xff),
		    same("rep insw", get32((const uint8_t *)words),
			 0xffffffffu));
}

static struct verdict pic_absent(void)
{
	return same("ports 0x21, 0xA1", inb(PIC1_DATA) << 8 | inb(PIC2_DATA),
		    0xffff);
}

static struct verdict pit_channel2(void)
{
	uint8_t gate = inb(PORT_61);
	uint16_t a, b;

	outb(PORT_61, (uint8_t)((gate & ~0x02) | PORT_61_GATE2));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	outb(PIT_CMD, PIT_CH2_LATCH);
	a = (uint16_t)(inb(PIT_CH2) | inb(PIT_CH2) << 8);
	for (volatile int i = 0; i < 100000; i++)
		;
	outb(PIT_CMD, PIT_CH2_LATCH);
	b = (uint16_t)(inb(PIT_CH2) | inb(PIT_CH2) << 8);
	outb(PORT_61, gate);
	return same("channel 2 counts down", b < a, 1);
}

static struct verdict cmos_ram(void)
{
	uint8_t old, back;

	outb(CMOS_INDEX, CMOS_RAM_BYTE);
	old = inb(CMOS_DATA);
	outb(CMOS_INDEX, CMOS_RAM_BYTE);
	outb(CMOS_DATA, (uint8_t)~old);
	outb(CMOS_INDEX, CMOS_RAM_BYTE);
	back = inb(CMOS_DATA);
	outb(CMOS_INDEX, CMOS_RAM_BYTE);
	outb(CMOS_DATA, old);
	return same("CMOS byte 0x40 reads back", back, (uint8_t)~old);
}

static struct verdict pm_timer(void)
{
	uint32_t a = inl(PM_TMR), b;

	for (volatile int i = 0; i < 100000; i++)
		;
	b = inl(PM_TMR);
	return both(same("bits 31:24", (a | b) & ~PM_TMR_MASK, 0),
		    same("counts", a != b, 1));
}

static struct verdict pm1_acpi_mode(void)
{
	return same("PM1a_CNT.SCI_EN", inw(PM1A_CNT) & SCI_EN, SCI_EN);
}

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC, reg);
	return mmio_read32(IOAPIC_DATA);
}

static struct verdict ioapic_id_version(void)
{
	uint32_t ver = ioapic_read(IOAPIC_REG_VERSION);

	return both(same("ID (bits 27:24)", ioapic_read(IOAPIC_REG_ID) >> 24,
			 ctx.cpus),
		    both(same("version", ver & 0xff, 0x20),
			 same("last pin", (ver >> 16) & 0xff, 23)));
}

static struct verdict lapic_id(void)
{
	return same("BSP APIC ID (bits 31:24)", mmio_read32(LAPIC_ID) >> 24, 0);
}

/* ---- MMIO instruction forms on the local APIC's TPR ----------------- */

static uint32_t tpr(void)
{
	return mmio_read32(LAPIC_TPR);
}

static struct verdict mmio_mov32(void)
{
	asm volatile("movl %0, 0xfee00080" :: "r"(0x30u) : "memory");
	return same("movl store, load (89, 8b)", tpr(), 0x30);
}

static struct verdict mmio_movb_store(void)
{
	mmio_write32(LAPIC_TPR, 0);
	asm volatile("movb $0x50, 0xfee00080" ::: "memory");
	return same("movb imm store (c6)", tpr(), 0x50);
}

static struct verdict mmio_movzbl(void)
{
	uint32_t v;

	asm volatile("movzbl 0xfee00030, %0" : "=r"(v));
	return same("movzbl load (0f b6)", v, mmio_read32(LAPIC_VERSION) & 0xff);
}

static struct verdict mmio_xchg(void)
{
	uint32_t v = 0x40;

	mmio_write32(LAPIC_TPR, 0x20);
	asm volatile("xchgl %0, 0xfee00080" : "+r"(v) :: "memory");
	return both(same("xchg: old value in the register", v, 0x20),
		    same("xchg: new value in the TPR", tpr(), 0x40));
}

static struct verdict mmio_add_flags(void)
{
	uint32_t fl;

	mmio_write32(LAPIC_TPR, 0xf0);
	asm volatile("addb $0x10, 0xfee00080; pushf; pop %0"
		     : "=r"(fl) :: "memory", "cc");
	return both(same("addb imm (80 /0)", tpr(), 0),
		    same("CF and ZF", fl & 0x41, 0x41));
}

static struct verdict mmio_stos_lods(void)
{
	void *dst = (void *)LAPIC_TPR;
	const void *src = (const void *)LAPIC_TPR;
	uint32_t v;

	asm volatile("stosl" : "+D"(dst) : "a"(0x70u) : "memory");
	asm volatile("lodsl" : "+S"(src), "=a"(v) :: "memory");
	return both(same("stosl (ab)", tpr(), 0x70),
		    same("lodsl (ad)", v, 0x70));
}

/* ---- Memory --------------------------------------------------------- */

static struct verdict memory_map(void)
{
	const struct { uint64_t base, end; uint32_t type; } want[] = {
		{ 0, EBDA_START, MB_MMAP_AVAILABLE },
		{ EBDA_START, VGA_START, MB_MMAP_RESERVED },
		{ BIOS_START, HIGH_START, MB_MMAP_RESERVED },
		{ HIGH_START, HIGH_START + mb_mem_upper_kib(ctx.mbi) * 1024ull,
		  MB_MMAP_AVAILABLE },
	};
	const struct mb_mmap_entry *e;
	unsigned int n = 0;

	mb_for_each_mmap(e, ctx.mbi) {
		if (n >= ARRAY_SIZE(want))
			return same("more entries than the 4 documented", n + 1,
				    ARRAY_SIZE(want));
		if (e->base != want[n].base)
			return same("entry base", e->base, want[n].base);
		if (e->base + e->length != want[n].end)
			return same("entry end", e->base + e->length,
				    want[n].end);
		if (e->type != want[n].type)
			return same("entry type", e->type, want[n].type);
		n++;
	}
	return same("entries", n, ARRAY_SIZE(want));
}

/* RAM from 0: low RAM below the EBDA and the last word of RAM. */
static struct verdict memory_rw(void)
{
	volatile uint32_t *low = launder_ptr((void *)LOW_SCRATCH);
	uint64_t top = HIGH_START + mb_mem_upper_kib(ctx.mbi) * 1024ull - 4;
	volatile uint32_t *high = launder_ptr((void *)(uintptr_t)top);
	uint32_t a = *low, b = *high, ra, rb;

	*low = 0xa5a55a5au;
	*high = 0x5a5aa5a5u;
	ra = *low;
	rb = *high;
	*low = a;
	*high = b;
	return both(same("word at 0x9F000", ra, 0xa5a55a5au),
		    same("last word of RAM", rb, 0x5a5aa5a5u));
}

/* ---- ACPI ----------------------------------------------------------- */

static bool rsdp_valid(const uint8_t *p)
{
	if (memcmp(p, "RSD PTR ", 8) || sum(p, RSDP_V1_LEN))
		return false;
	return p[RSDP_REVISION] < 2 || !sum(p, get32(p + RSDP_LENGTH));
}

static const uint8_t *rsdp_scan(uint32_t start, uint32_t end)
{
	for (uint32_t a = start; a + RSDP_V1_LEN <= end; a += RSDP_ALIGN)
		if (rsdp_valid(phys(a)))
			return phys(a);
	return NULL;
}

/* ACPI 6.4 5.2.5.1: the EBDA's first KiB, then the BIOS read-only area. */
static const uint8_t *rsdp_search(void)
{
	uint32_t ebda = (uint32_t)*(const volatile uint16_t *)
		launder_ptr((void *)BDA_EBDA_SEGMENT) << 4;
	const uint8_t *p = NULL;

	if (ebda >= RSDP_ALIGN && ebda < VGA_START)
		p = rsdp_scan(ebda, ebda + EBDA_SEARCH_LEN);
	return p ? p : rsdp_scan(BIOS_AREA_START, BIOS_AREA_END);
}

static bool table_valid(const uint8_t *t, const char *sig)
{
	return t && !memcmp(t, sig, 4) && get32(t + 4) >= HDR_LEN &&
	       !sum(t, get32(t + 4));
}

/* Through the XSDT, or the RSDT of an ACPI 1.0 RSDP (a bare BIOS). */
static const uint8_t *table_find(const char *sig)
{
	const uint8_t *root;
	unsigned int width;

	if (!ctx.rsdp)
		return NULL;
	if (ctx.rsdp[RSDP_REVISION] >= 2) {
		root = phys(get64(ctx.rsdp + RSDP_XSDT));
		width = 8;
		if (!table_valid(root, "XSDT"))
			return NULL;
	} else {
		root = phys(get32(ctx.rsdp + RSDP_RSDT));
		width = 4;
		if (!table_valid(root, "RSDT"))
			return NULL;
	}
	for (uint32_t off = HDR_LEN; off + width <= get32(root + 4);
	     off += width) {
		const uint8_t *t = phys(width == 8 ? get64(root + off) :
					get32(root + off));

		if (t && !memcmp(t, sig, 4))
			return t;
	}
	return NULL;
}

static struct verdict acpi_rsdp(void)
{
	return same("RSDP found by the BIOS-area search, checksums good",
		    ctx.rsdp != NULL, 1);
}

static struct verdict acpi_xsdt(void)
{
	if (!ctx.rsdp)
		return same("RSDP", 0, 1);
	return both(same("RSDP revision >= 2", ctx.rsdp[RSDP_REVISION] >= 2,
			 1),
		    same("XSDT signature and checksum",
			 table_valid(phys(get64(ctx.rsdp + RSDP_XSDT)),
				     "XSDT"), 1));
}

static struct verdict acpi_fadt(void)
{
	if (!table_valid(ctx.fadt, "FACP"))
		return same("FADT listed, checksum good", 0, 1);
	return both(same("PM1a_EVT_BLK", get32(ctx.fadt + FADT_PM1A_EVT),
			 PM1A_EVT),
		    both(same("PM1a_CNT_BLK", get32(ctx.fadt + FADT_PM1A_CNT),
			      PM1A_CNT),
			 same("PM_TMR_BLK", get32(ctx.fadt + FADT_PM_TMR),
			      PM_TMR)));
}

static struct verdict acpi_facs(void)
{
	uint32_t a = ctx.fadt ? get32(ctx.fadt + FADT_FIRMWARE_CTRL) : 0;
	const uint8_t *f = phys(a);

	if (!a)
		return same("FADT FIRMWARE_CTRL set", 0, 1);
	return both(same("FACS signature", !memcmp(f, "FACS", 4), 1),
		    both(same("FACS length >= 64", get32(f + 4) >= FACS_MIN_LEN,
			      1),
			 same("FACS 64-byte aligned", a % FACS_ALIGN, 0)));
}

static struct verdict acpi_dsdt(void)
{
	uint64_t a;
	const uint8_t *d;

	if (!ctx.fadt)
		return same("FADT", 0, 1);
	a = get32(ctx.fadt + 4) >= FADT_X_DSDT_END ?
	    get64(ctx.fadt + FADT_X_DSDT) : 0;
	d = phys(a ? a : get32(ctx.fadt + FADT_DSDT));
	if (!table_valid(d, "DSDT"))
		return same("DSDT signature and checksum", 0, 1);
	for (uint32_t i = HDR_LEN; i + 4 <= get32(d + 4); i++)
		if (!memcmp(d + i, "_S5_", 4))
			return same("\\_S5 defined", 1, 1);
	return same("\\_S5 defined", 0, 1);
}

static struct verdict acpi_madt(void)
{
	const uint8_t *m = ctx.madt;
	unsigned int lapics = 0, next_id = 0;
	uint32_t ioapic_addr = 0, ioapic_id = ~0u;

	if (!table_valid(m, "APIC"))
		return same("MADT listed, checksum good", 0, 1);
	for (const uint8_t *e = m + MADT_ENTRIES; e + 2 <= m + get32(m + 4) &&
	     e[1]; e += e[1]) {
		if (e[0] == MADT_LAPIC && (get32(e + 4) & MADT_LAPIC_ENABLED)) {
			if (e[3] != next_id)
				return same("APIC IDs 0, 1, ... in order", e[3],
					    next_id);
			next_id++;
			lapics++;
		} else if (e[0] == MADT_IOAPIC) {
			ioapic_id = e[2];
			ioapic_addr = get32(e + 4);
		}
	}
	return both(same("local APIC address", get32(m + MADT_LAPIC_ADDR),
			 LAPIC),
		    both(same("enabled local APICs", lapics, ctx.cpus),
			 both(same("I/O APIC address", ioapic_addr, IOAPIC),
			      same("I/O APIC ID", ioapic_id, ctx.cpus))));
}

/* Each table lies in a range the memory map does not call available. */
static struct verdict acpi_reserved(void)
{
	const uint8_t *t[] = { ctx.rsdp, ctx.fadt, ctx.madt };
	const struct mb_mmap_entry *e;

	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++) {
		uint32_t a = (uint32_t)(uintptr_t)t[i];

		if (!t[i])
			return same("table present", 0, 1);
		mb_for_each_mmap(e, ctx.mbi)
			if (e->type == MB_MMAP_AVAILABLE && a >= e->base &&
			    a - e->base < e->length)
				return same("table address in available RAM",
					    a, 0);
	}
	return same("RSDP, FADT, MADT outside available RAM", 1, 1);
}

/* ---- The rows ------------------------------------------------------- */

static const struct row rows[] = {
	{ "memory.map", 0, memory_map },
	{ "memory.ram-rw", 0, memory_rw },
	{ "cpu.bsp-apic-id", 0, lapic_id },
	{ "cpuid.1.cleared", 0, cpuid_1_cleared },
	{ "cpuid.1.tsc-deadline-hypervisor", 0, cpuid_1_set },
	{ "cpuid.1.ebx-apic-id-count", 0, cpuid_1_ebx },
	{ "cpuid.6.arat-only", 0, cpuid_6 },
	{ "cpuid.b-1f.apic-id", 0, cpuid_topology },
	{ "cpuid.80000001.cleared", 0, cpuid_e1 },
	{ "cpuid.80000007.invariant-tsc", 0, cpuid_e7 },
	{ "cpuid.8000000a.zero", 0, cpuid_ea },
	{ "cpuid.80000022.perfmonv2-only", 0, cpuid_e22 },
	{ "cpuid.40000000.vendor", 0, cpuid_hv_vendor },
	{ "cpuid.40000001.info", 0, cpuid_hv_info },
	{ "cpuid.40000002-ff.zero", 0, cpuid_hv_rest },
	{ "msr.apic-base", ROW_MAY_CHANGE, msr_apic_base },
	{ "msr.efer-no-svme", ROW_MAY_CHANGE, msr_efer },
	{ "msr.pat", ROW_MAY_CHANGE, msr_pat },
	{ "msr.tsc-write", ROW_MAY_CHANGE, msr_tsc_write },
	{ "msr.tsc-aux", ROW_MAY_CHANGE, msr_tsc_aux },
	{ "msr.fs-base-canonical", ROW_MAY_CHANGE, msr_fs_base },
	{ "msr.bios-sign-id", ROW_MAY_CHANGE, msr_bios_sign_id },
	{ "msr.mtrr-def-type", ROW_MAY_CHANGE, msr_mtrr_def_type },
	{ "msr.mtrrcap", ROW_MAY_CHANGE, msr_mtrrcap },
	{ "msr.mcg-cap", ROW_MAY_CHANGE, msr_mcg_cap },
	{ "msr.feature-control", ROW_MAY_CHANGE | ROW_INTEL,
	  msr_feature_control },
	{ "msr.platform-id", ROW_MAY_CHANGE | ROW_INTEL, msr_platform_id },
	{ "msr.vm-cr", ROW_MAY_CHANGE | ROW_AMD, msr_vm_cr },
	{ "msr.hwcr-int-pending", ROW_MAY_CHANGE | ROW_AMD, msr_hwcr },
	{ "msr.misc-enable-absent", ROW_MAY_CHANGE | ROW_AMD,
	  msr_misc_enable_amd },
	{ "msr.thermal-absent", ROW_MAY_CHANGE, msr_thermal },
	{ "io.uart.rep-outsb", 0, uart_rep_outsb },
	{ "io.uart.rep-insb", 0, uart_rep_insb },
	{ "io.uart.outsw-byte-ports", 0, uart_outsw },
	{ "io.empty-port", 0, empty_port_string },
	{ "io.pic-absent", 0, pic_absent },
	{ "io.pit-channel2", 0, pit_channel2 },
	{ "io.cmos-ram", 0, cmos_ram },
	{ "io.pm-timer", 0, pm_timer },
	{ "io.pm1-acpi-mode", 0, pm1_acpi_mode },
	{ "mmio.ioapic-id-version", 0, ioapic_id_version },
	{ "mmio.lapic.mov32", 0, mmio_mov32 },
	{ "mmio.lapic.movb-store", 0, mmio_movb_store },
	{ "mmio.lapic.movzbl-load", 0, mmio_movzbl },
	{ "mmio.lapic.xchg", 0, mmio_xchg },
	{ "mmio.lapic.add-flags", 0, mmio_add_flags },
	{ "mmio.lapic.stos-lods", 0, mmio_stos_lods },
	{ "acpi.rsdp", 0, acpi_rsdp },
	{ "acpi.xsdt", 0, acpi_xsdt },
	{ "acpi.fadt", 0, acpi_fadt },
	{ "acpi.facs", 0, acpi_facs },
	{ "acpi.dsdt", 0, acpi_dsdt },
	{ "acpi.madt", 0, acpi_madt },
	{ "acpi.tables-reserved", 0, acpi_reserved },
};

static bool row_applies(const struct row *r)
{
	if (r->flags & ROW_INTEL)
		return !ctx.amd;
	if (r->flags & ROW_AMD)
		return ctx.amd;
	return true;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	unsigned int passed = 0, failed = 0, skipped = 0;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	msr_gp_init();
	ctx.mbi = mbi;
	ctx.cpus = (unsigned int)cmdline_int(mb_cmdline(mbi), "cpus", 1);
	ctx.amd = cpuid(0, 0).ebx == 0x68747541u;	/* "Auth" */
	ctx.max_leaf = cpuid(0, 0).eax;
	ctx.max_ext = cpuid(0x80000000u, 0).eax;
	ctx.rsdp = rsdp_search();
	ctx.fadt = table_find("FACP");
	ctx.madt = table_find("APIC");
	mmio_write32(LAPIC_TPR, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		struct verdict v;

		if (!row_applies(r)) {
			skipped++;
			continue;
		}
		v = r->check();
		printf("conformance: %s %s%s: %s got %llx", v.ok ? "PASS" :
		       "FAIL", r->name, r->flags & ROW_MAY_CHANGE ?
		       " (may change)" : "", v.what, v.got);
		if (!v.ok)
			printf(" want %llx", v.want);
		printf("\n");
		if (v.ok)
			passed++;
		else
			failed++;
	}
	mmio_write32(LAPIC_TPR, 0);
	printf("conformance: %u passed, %u failed (%u rows for the other "
	       "vendor)\n", passed, failed, skipped);
	return (int)failed;
}
