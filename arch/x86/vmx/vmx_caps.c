/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/vmx/vmx_caps.h"
#include "arch/x86/asm.h"
#include "lib/errno.h"

/* EPT memory types for the EPTP (SDM vol. 3C 24.6.11). */
#define MEMTYPE_UC		0
#define MEMTYPE_WB		6

enum ctl_word { CTL_PIN, CTL_PROC, CTL_PROC2, CTL_EXIT, CTL_ENTRY, CTL_WORDS };

struct requirement {
	enum ctl_word word;
	uint32_t bit;
	const char *problem;
};

/* What guests cannot run without; each one named for the boot log. */
static const struct requirement required[] = {
	{ CTL_PIN, PIN_NMI_EXITING,
	  "the CPU's VT-x has no NMI exiting, which CPUs use to stop each other's guests (SDM 24.6.1)" },
	/*
	 * Guest NMIs are injected, blocked until the guest's IRET apart from
	 * physical NMIs, which stay the hypervisor's kicks (SDM 25.3, 26.6.1.2).
	 */
	{ CTL_PIN, PIN_VIRTUAL_NMIS,
	  "the CPU's VT-x has no virtual NMIs, which keep a partition's NMIs apart from the kicks (SDM 24.6.1)" },
	{ CTL_PROC, PROC_USE_IO_BITMAPS,
	  "the CPU's VT-x has no I/O bitmaps (SDM 24.6.2)" },
	/* Guests write their TSC through the offset (SDM 25.3). */
	{ CTL_PROC, PROC_USE_TSC_OFFSETTING,
	  "the CPU's VT-x has no TSC offsetting (SDM 24.6.2)" },
	{ CTL_PROC, PROC_USE_MSR_BITMAPS,
	  "the CPU's VT-x has no MSR bitmaps (SDM 24.6.2)" },
	{ CTL_PROC, PROC_SECONDARY_CONTROLS,
	  "the CPU's VT-x has no secondary controls, hence no EPT (SDM 24.6.2)" },
	{ CTL_PROC2, PROC2_ENABLE_EPT,
	  "the CPU's VT-x has no EPT (SDM 24.6.2)" },
	{ CTL_PROC2, PROC2_UNRESTRICTED_GUEST,
	  "the CPU's VT-x has no unrestricted guest, which real-mode and paging-off guests need (SDM 24.6.2)" },
	/* VM exit sets DR7 to 0x400: the guest's must be kept (27.5.1). */
	{ CTL_EXIT, EXIT_SAVE_DEBUG_CONTROLS,
	  "the CPU's VT-x cannot save the guest's DR7 on VM exit (SDM 24.7.1)" },
	{ CTL_EXIT, EXIT_HOST_ADDR_SPACE_SIZE,
	  "the CPU's VT-x cannot return to a 64-bit host (SDM 24.7.1)" },
	{ CTL_EXIT, EXIT_SAVE_EFER | EXIT_LOAD_EFER,
	  "the CPU's VT-x cannot switch IA32_EFER on VM exit (SDM 24.7.1)" },
	{ CTL_EXIT, EXIT_SAVE_PAT | EXIT_LOAD_PAT,
	  "the CPU's VT-x cannot switch IA32_PAT on VM exit (SDM 24.7.1)" },
	{ CTL_ENTRY, ENTRY_LOAD_DEBUG_CONTROLS,
	  "the CPU's VT-x cannot load the guest's DR7 (SDM 24.8.1)" },
	{ CTL_ENTRY, ENTRY_LOAD_EFER,
	  "the CPU's VT-x cannot load the guest's IA32_EFER (SDM 24.8.1)" },
	{ CTL_ENTRY, ENTRY_LOAD_PAT,
	  "the CPU's VT-x cannot load the guest's IA32_PAT (SDM 24.8.1)" },
};

/* Taken where the CPU has them: guests expect these instructions. */
static const uint32_t optional[CTL_WORDS] = {
	[CTL_PROC2] = PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP |
		      PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES,
};

/*
 * Controls whose exits nothing here handles, or that change what a guest
 * may rely on: a CPU forcing one on (allowed-0 setting 1) cannot be used.
 * Without TRUE_* MSRs, CR3-load/store exiting are forced on this way.
 */
static const uint32_t forbidden[CTL_WORDS] = {
	[CTL_PIN] = PIN_EXT_INT_EXITING | PIN_PREEMPTION_TIMER |
		    PIN_POSTED_INTERRUPTS,
	[CTL_PROC] = PROC_INTR_WINDOW_EXITING | PROC_HLT_EXITING |
		     PROC_INVLPG_EXITING | PROC_MWAIT_EXITING |
		     PROC_RDPMC_EXITING | PROC_RDTSC_EXITING |
		     PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
		     PROC_TERTIARY_CONTROLS | PROC_CR8_LOAD_EXITING |
		     PROC_CR8_STORE_EXITING | PROC_TPR_SHADOW |
		     PROC_NMI_WINDOW_EXITING | PROC_MOV_DR_EXITING |
		     PROC_MONITOR_TRAP_FLAG | PROC_MONITOR_EXITING |
		     PROC_PAUSE_EXITING,
	[CTL_PROC2] = PROC2_VIRT_APIC_ACCESS | PROC2_DESC_TABLE_EXITING |
		      PROC2_WBINVD_EXITING | PROC2_PAUSE_LOOP_EXITING |
		      PROC2_RDRAND_EXITING,
	[CTL_EXIT] = EXIT_ACK_INTR_ON_EXIT | EXIT_SAVE_PREEMPTION_TIMER,
	[CTL_ENTRY] = ENTRY_IA32E_MODE_GUEST | ENTRY_TO_SMM |
		      ENTRY_DEACTIVATE_DUAL_MONITOR,
};

static const char *const forced_problem[CTL_WORDS] = {
	[CTL_PIN] = "the CPU's VT-x forces on a pin-based control Bulkhead does not handle (SDM 24.6.1)",
	[CTL_PROC] = "the CPU's VT-x forces on a processor-based control Bulkhead does not handle, e.g. CR3-load exiting without TRUE controls (SDM 24.6.2, A.3.2)",
	[CTL_PROC2] = "the CPU's VT-x forces on a secondary control Bulkhead does not handle (SDM 24.6.2)",
	[CTL_EXIT] = "the CPU's VT-x forces on a VM-exit control Bulkhead does not handle (SDM 24.7.1)",
	[CTL_ENTRY] = "the CPU's VT-x forces on a VM-entry control Bulkhead does not handle (SDM 24.8.1)",
};

static uint32_t allowed0(uint64_t cap)
{
	return (uint32_t)cap;
}

static uint32_t allowed1(uint64_t cap)
{
	return (uint32_t)(cap >> 32);
}

static int derive_controls(const struct vmx_caps *caps, uint32_t *value,
			   const char **problem)
{
	const uint64_t cap[CTL_WORDS] = {
		caps->pin, caps->proc, caps->proc2, caps->exit, caps->entry };

	/* Secondary controls exist only when the primary word allows them. */
	uint64_t proc2 = allowed1(caps->proc) & PROC_SECONDARY_CONTROLS ?
			 caps->proc2 : 0;

	for (int w = 0; w < CTL_WORDS; w++) {
		uint64_t c = w == CTL_PROC2 ? proc2 : cap[w];

		if (allowed0(c) & forbidden[w]) {
			*problem = forced_problem[w];
			return -ENODEV;
		}
		/* Bits forced to 1 are reserved (default1) or harmless. */
		value[w] = allowed0(c) | (optional[w] & allowed1(c));
	}
	for (unsigned int i = 0; i < sizeof(required) / sizeof(required[0]);
	     i++) {
		const struct requirement *r = &required[i];
		uint64_t c = r->word == CTL_PROC2 ? proc2 : cap[r->word];

		if ((allowed1(c) & r->bit) != r->bit) {
			*problem = r->problem;
			return -ENODEV;
		}
		value[r->word] |= r->bit;
	}
	return 0;
}

void vmx_read_caps(struct vmx_caps *c, uint64_t (*read)(uint32_t msr))
{
	bool true_ctls;

	*c = (struct vmx_caps){ .basic = read(MSR_IA32_VMX_BASIC) };
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	c->pin = read(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				  MSR_IA32_VMX_PINBASED_CTLS);
	c->proc = read(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				   MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = read(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				   MSR_IA32_VMX_EXIT_CTLS);
	c->entry = read(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				    MSR_IA32_VMX_ENTRY_CTLS);
	if (allowed1(c->proc) & PROC_SECONDARY_CONTROLS)
		c->proc2 = read(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (allowed1(c->proc2) & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
		c->ept_vpid = read(MSR_IA32_VMX_EPT_VPID_CAP);
	c->cr0_fixed0 = read(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = read(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = read(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = read(MSR_IA32_VMX_CR4_FIXED1);
}

static int derive_ept(const struct vmx_caps *caps, struct vmx_config *cfg,
		      const char **problem)
{
	uint64_t ept = caps->ept_vpid;

	if (!(ept & EPT_CAP_WALK_4)) {
		*problem = "the CPU's EPT has no 4-level page walk (SDM A.10)";
		return -ENODEV;
	}
	if (ept & EPT_CAP_MEMTYPE_WB) {
		cfg->eptp_memtype = MEMTYPE_WB;
	} else if (ept & EPT_CAP_MEMTYPE_UC) {
		cfg->eptp_memtype = MEMTYPE_UC;
	} else {
		*problem = "the CPU's EPT allows neither write-back nor uncached paging structures (SDM A.10)";
		return -ENODEV;
	}
	/* Restarted partitions need their cached translations dropped. */
	if (!(ept & EPT_CAP_INVEPT) ||
	    !(ept & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		*problem = "the CPU has no usable INVEPT (SDM A.10)";
		return -ENODEV;
	}
	cfg->invept_type = ept & EPT_CAP_INVEPT_SINGLE ? INVEPT_SINGLE_CONTEXT :
							 INVEPT_ALL_CONTEXT;
	return 0;
}

int vmx_configure(const struct vmx_caps *caps, struct vmx_config *cfg,
		  const char **problem)
{
	uint32_t value[CTL_WORDS];
	int err;

	*cfg = (struct vmx_config){ 0 };
	err = derive_controls(caps, value, problem);
	if (!err)
		err = derive_ept(caps, cfg, problem);
	/* Set while a guest NMI waits; forced on, it would never clear. */
	if (!err && !(allowed1(caps->proc) & PROC_NMI_WINDOW_EXITING)) {
		*problem = "the CPU's VT-x has no NMI-window exiting, which delivers a guest's NMI after its IRET (SDM 24.6.2)";
		err = -ENODEV;
	}
	if (err)
		return err;
	cfg->pin = value[CTL_PIN];
	cfg->proc = value[CTL_PROC];
	cfg->proc2 = value[CTL_PROC2];
	cfg->exit = value[CTL_EXIT];
	cfg->entry = value[CTL_ENTRY];
	cfg->vpid = cfg->proc2 & PROC2_ENABLE_VPID;
	/* Unrestricted guest lets PE and PG be 0 (SDM 26.3.1.1). */
	cfg->cr0_fixed0 = caps->cr0_fixed0 & ~(CR0_PE | CR0_PG);
	cfg->cr0_fixed1 = caps->cr0_fixed1;
	cfg->cr4_fixed0 = caps->cr4_fixed0;
	cfg->cr4_fixed1 = caps->cr4_fixed1;
	/*
	 * PG is intercepted too, so that entering and leaving IA-32e mode
	 * (EFER.LMA and the IA-32e mode guest entry control, which must
	 * agree, SDM 26.3.1.1) happens in one place: vmx.c.
	 */
	cfg->cr0_mask = cfg->cr0_fixed0 | ~cfg->cr0_fixed1 | CR0_PG;
	cfg->cr4_mask = cfg->cr4_fixed0 | ~cfg->cr4_fixed1;
	return 0;
}

uint64_t vmx_cr0_real(const struct vmx_config *cfg, uint64_t visible)
{
	return (visible | cfg->cr0_fixed0) & cfg->cr0_fixed1;
}

uint64_t vmx_cr4_real(const struct vmx_config *cfg, uint64_t visible)
{
	return (visible | cfg->cr4_fixed0) & cfg->cr4_fixed1;
}

uint64_t vmx_cr_visible(uint64_t real, uint64_t shadow, uint64_t mask)
{
	return (real & ~mask) | (shadow & mask);
}

bool vmx_cr0_write_faults(uint64_t old, uint64_t value, uint64_t cr4,
			  uint64_t efer, bool code64)
{
	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)))
		return true;
	if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME) &&
	    !(cr4 & CR4_PAE))
		return true;
	return !(value & CR0_PG) && (efer & EFER_LMA) && code64;
}

/* XCR0 state components (SDM vol. 1 13.1). */
#define XCR0_X87		(1ULL << 0)
#define XCR0_SSE		(1ULL << 1)
#define XCR0_AVX		(1ULL << 2)
#define XCR0_MPX		(3ULL << 3)	/* BNDREGS, BNDCSR */
#define XCR0_AVX512		(7ULL << 5)	/* opmask, ZMM state */
#define XCR0_AMX		(3ULL << 17)	/* TILECFG, TILEDATA */

/* Components that come in groups: all of them or none. */
static bool all_or_none(uint64_t value, uint64_t group)
{
	return (value & group) == 0 || (value & group) == group;
}

bool vmx_xcr0_valid(uint64_t value, uint64_t supported)
{
	if (!(value & XCR0_X87) || (value & ~supported))
		return false;
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return false;
	if ((value & XCR0_AVX512) &&
	    (value & (XCR0_SSE | XCR0_AVX)) != (XCR0_SSE | XCR0_AVX))
		return false;
	return all_or_none(value, XCR0_MPX) &&
	       all_or_none(value, XCR0_AVX512) && all_or_none(value, XCR0_AMX);
}

enum exit_reason vmx_exit_kind(uint32_t basic)
{
	switch (basic) {
	case VMX_EXIT_CPUID:
		return EXIT_CPUID;
	case VMX_EXIT_HLT:
		return EXIT_HLT;
	case VMX_EXIT_EXTERNAL_INTERRUPT:
	case VMX_EXIT_PREEMPTION_TIMER:
		return EXIT_INTERRUPT;
	case VMX_EXIT_VMCALL:
		return EXIT_HYPERCALL;
	case VMX_EXIT_IO:
		return EXIT_IO;
	case VMX_EXIT_RDMSR:
		return EXIT_MSR_READ;
	case VMX_EXIT_WRMSR:
		return EXIT_MSR_WRITE;
	case VMX_EXIT_EPT_VIOLATION:
		return EXIT_STAGE2_FAULT;
	case VMX_EXIT_TRIPLE_FAULT:
		return EXIT_SHUTDOWN;
	case VMX_EXIT_INVALID_GUEST_STATE:
	case VMX_EXIT_MSR_LOADING:
	case VMX_EXIT_MACHINE_CHECK:
	case VMX_EXIT_EPT_MISCONFIG:
		return EXIT_INVALID_STATE;
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
		return EXIT_VIRT_INSN;
	case VMX_EXIT_INVD:
		return EXIT_INVD;	/* exits unconditionally (25.1.2) */
	default:
		/* VMCLEAR, VMLAUNCH, ..., VMXON are numbered 19-27. */
		if (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON)
			return EXIT_VIRT_INSN;
		return EXIT_UNKNOWN;
	}
}

void vmx_decode_io(uint64_t q, struct vm_exit *x)
{
	x->reason = EXIT_IO;
	x->io.port = (uint16_t)(q >> IO_QUAL_PORT_SHIFT);
	/* 0, 1 and 3 encode 1, 2 and 4 bytes. */
	x->io.size = (uint8_t)((q & IO_QUAL_SIZE_MASK) + 1);
	x->io.in = q & IO_QUAL_IN;
	x->io.string = q & IO_QUAL_STRING;
	x->io.rep = q & IO_QUAL_REP;
	x->io.seg = -1;		/* unknown until the instruction info says */
}

void vmx_decode_io_string(uint32_t info, struct vm_exit *x)
{
	x->io.addr_size = (uint8_t)(2U << ((info >> IO_INFO_ADDR_SHIFT) &
					   IO_INFO_ADDR_MASK));
	x->io.seg = (int8_t)((info >> IO_INFO_SEG_SHIFT) & IO_INFO_SEG_MASK);
}

void vmx_decode_ept_violation(uint64_t q, uint64_t gpa, struct vm_exit *x)
{
	x->reason = EXIT_STAGE2_FAULT;
	x->stage2.gpa = gpa;
	x->stage2.write = q & EPT_QUAL_WRITE;
	x->stage2.fetch = q & EPT_QUAL_FETCH;
}

void vmx_decode_cr_access(uint64_t q, struct vmx_cr_access *a)
{
	a->cr = q & CR_QUAL_CR_MASK;
	a->type = (q >> CR_QUAL_TYPE_SHIFT) & CR_QUAL_TYPE_MASK;
	/* Table 27-3 numbers the registers as the REG_* indices do. */
	a->gpr = (q >> CR_QUAL_REG_SHIFT) & CR_QUAL_REG_MASK;
}

const char *vmx_insn_error_text(uint32_t error)
{
	static const char *const text[] = {
		[2] = "VMCLEAR with an invalid physical address",
		[4] = "VMLAUNCH with a non-clear VMCS",
		[5] = "VMRESUME with a non-launched VMCS",
		[7] = "VM entry with invalid control fields",
		[8] = "VM entry with invalid host-state fields",
		[9] = "VMPTRLD with an invalid physical address",
		[11] = "VMPTRLD with an incorrect VMCS revision identifier",
		[12] = "VMREAD/VMWRITE of an unsupported VMCS component",
		[13] = "VMWRITE to a read-only VMCS component",
		[26] = "VM entry with events blocked by MOV SS",
		[28] = "invalid operand to INVEPT/INVVPID",
	};

	if (error < sizeof(text) / sizeof(text[0]) && text[error])
		return text[error];
	return "VM-instruction error (SDM vol. 3C 31.4)";
}

/* --- guest-state checks (SDM vol. 3C 26.3.1) --- */

#define EFER_VALID		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define RFLAGS_RESERVED	(~0x3fffd7ULL)	/* 63:22, 15, 5, 3 */
#define ACTIVITY_HLT		1
#define ACTIVITY_MAX		3
#define SEL_TI			(1U << 2)
#define LIMIT_PAGE_BITS		0xfffU
#define LIMIT_HIGH_BITS		0xfff00000U
#define TYPE_LDT		2
#define TYPE_TSS16_BUSY		3
#define TYPE_TSS64_BUSY		11
#define TYPE_DATA_RW_ACCESSED	3
#define TYPE_CODE_READABLE	0x2U

static bool canonical(uint64_t a)
{
	return (uint64_t)(((int64_t)a << 16) >> 16) == a;
}

static unsigned int ar_type(uint32_t ar)
{
	return ar & AR_TYPE_MASK;
}

static unsigned int ar_dpl(uint32_t ar)
{
	return (ar >> AR_DPL_SHIFT) & 3;
}

/* Limit and granularity agree: G=1 iff the limit counts 4 KiB pages. */
static bool granularity_ok(uint32_t limit, uint32_t ar)
{
	if ((limit & LIMIT_PAGE_BITS) != LIMIT_PAGE_BITS && (ar & AR_G))
		return false;
	return !((limit & LIMIT_HIGH_BITS) && !(ar & AR_G));
}

bool vmx_pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned int type = (pat >> (8 * i)) & 0xff;

		/* 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC- (SDM vol. 3A 12.12). */
		if (type != 0 && type != 1 && (type < 4 || type > 7))
			return false;
	}
	return true;
}

static const char *check_control_regs(const struct vmx_config *cfg,
				      const struct vmx_guest_state *g)
{
	bool ia32e = g->entry_controls & ENTRY_IA32E_MODE_GUEST;

	if ((g->cr0 & cfg->cr0_fixed0) != cfg->cr0_fixed0 ||
	    (g->cr0 & ~cfg->cr0_fixed1))
		return "guest CR0 breaks IA32_VMX_CR0_FIXED0/FIXED1";
	if ((g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE))
		return "guest CR0 has PG set without PE";
	if ((g->cr4 & cfg->cr4_fixed0) != cfg->cr4_fixed0 ||
	    (g->cr4 & ~cfg->cr4_fixed1))
		return "guest CR4 breaks IA32_VMX_CR4_FIXED0/FIXED1";
	if (ia32e && (!(g->cr0 & CR0_PG) || !(g->cr4 & CR4_PAE)))
		return "IA-32e mode guest without CR0.PG and CR4.PAE";
	if (!ia32e && (g->cr4 & CR4_PCIDE))
		return "guest CR4.PCIDE set outside IA-32e mode";
	if (g->dr7 >> 32)
		return "guest DR7 bits 63:32 set";
	if (g->efer & ~EFER_VALID)
		return "guest IA32_EFER has reserved bits set";
	if (!!(g->efer & EFER_LMA) != ia32e)
		return "guest IA32_EFER.LMA differs from the IA-32e mode guest entry control";
	if ((g->cr0 & CR0_PG) && !!(g->efer & EFER_LME) != ia32e)
		return "guest IA32_EFER.LME differs from the IA-32e mode guest entry control while paging is on";
	if (!vmx_pat_valid(g->pat))
		return "guest IA32_PAT holds an invalid memory type";
	return NULL;
}

/* What is wrong with a code or data segment, per segment register. */
#define SEG_PROBLEMS(n) {						\
	"guest " n " type not allowed",					\
	"guest " n " has S or P clear",					\
	"guest " n " access rights reserved bits set",			\
	"guest " n " limit and G bit disagree" }

/* CS, SS, DS, ES, FS, GS, in protected-mode form (unrestricted guest). */
static const char *check_code_data(const struct vmx_guest_state *g)
{
	static const char *const bad[][4] = {
		SEG_PROBLEMS("ES"), SEG_PROBLEMS("CS"), SEG_PROBLEMS("SS"),
		SEG_PROBLEMS("DS"), SEG_PROBLEMS("FS"), SEG_PROBLEMS("GS"),
	};

	for (int s = SEG_ES; s <= SEG_GS; s++) {
		uint32_t ar = g->seg[s].ar;
		unsigned int type = ar_type(ar);
		bool type_ok;

		if (s != SEG_CS && (ar & AR_UNUSABLE))
			continue;
		if (s == SEG_CS)
			type_ok = type == TYPE_DATA_RW_ACCESSED ||
				  (type & (AR_TYPE_CODE | AR_TYPE_ACCESSED)) ==
				  (AR_TYPE_CODE | AR_TYPE_ACCESSED);
		else if (s == SEG_SS)
			type_ok = type == 3 || type == 7;
		else
			type_ok = (type & AR_TYPE_ACCESSED) &&
				  (!(type & AR_TYPE_CODE) ||
				   (type & TYPE_CODE_READABLE));
		if (!type_ok)
			return bad[s][0];
		if (!(ar & AR_S) || !(ar & AR_P))
			return bad[s][1];
		if (ar & (AR_RESERVED_8_11 | AR_RESERVED_17_31))
			return bad[s][2];
		if (!granularity_ok(g->seg[s].limit, ar))
			return bad[s][3];
	}
	return NULL;
}

static const char *check_segments(const struct vmx_guest_state *g)
{
	uint32_t cs = g->seg[SEG_CS].ar, ss = g->seg[SEG_SS].ar;
	uint32_t tr = g->seg[SEG_TR].ar, ldtr = g->seg[SEG_LDTR].ar;
	bool ia32e = g->entry_controls & ENTRY_IA32E_MODE_GUEST;
	const char *why = check_code_data(g);

	if (why)
		return why;
	if (ar_type(cs) == TYPE_DATA_RW_ACCESSED && ar_dpl(cs) != 0)
		return "guest CS DPL must be 0 with a data-segment type";
	if ((ar_type(cs) == 9 || ar_type(cs) == 11) &&
	    ar_dpl(cs) != ar_dpl(ss))
		return "guest CS DPL differs from SS DPL";
	if ((ar_type(cs) == 13 || ar_type(cs) == 15) &&
	    ar_dpl(cs) > ar_dpl(ss))
		return "guest conforming CS DPL above SS DPL";
	if (!(g->cr0 & CR0_PE) && !(ss & AR_UNUSABLE) && ar_dpl(ss) != 0)
		return "guest SS DPL must be 0 with CR0.PE clear";
	if (ia32e && (cs & AR_L) && (cs & AR_DB))
		return "guest CS has both L and D/B set";
	if ((g->seg[SEG_TR].selector & SEL_TI) ||
	    (ar_type(tr) != TYPE_TSS64_BUSY &&
	     (ia32e || ar_type(tr) != TYPE_TSS16_BUSY)) ||
	    (tr & (AR_S | AR_UNUSABLE)) || !(tr & AR_P) ||
	    !granularity_ok(g->seg[SEG_TR].limit, tr))
		return "guest TR must be a usable busy TSS with TI clear";
	if (!(ldtr & AR_UNUSABLE) &&
	    ((g->seg[SEG_LDTR].selector & SEL_TI) ||
	     ar_type(ldtr) != TYPE_LDT || (ldtr & AR_S) || !(ldtr & AR_P)))
		return "guest LDTR is usable but not an LDT";
	for (int s = SEG_ES; s <= SEG_DS; s++)
		if (g->seg[s].base >> 32 &&
		    (s == SEG_CS || !(g->seg[s].ar & AR_UNUSABLE)))
			return "guest CS/SS/DS/ES base above 4 GiB";
	if (!canonical(g->seg[SEG_FS].base) ||
	    !canonical(g->seg[SEG_GS].base) ||
	    !canonical(g->seg[SEG_TR].base) ||
	    !canonical(g->seg[SEG_LDTR].base))
		return "guest FS/GS/TR/LDTR base not canonical";
	if (g->gdtr_limit >> 16 || g->idtr_limit >> 16)
		return "guest GDTR/IDTR limit above 0xffff";
	return NULL;
}

static const char *check_rip_flags_state(const struct vmx_guest_state *g)
{
	bool ia32e = g->entry_controls & ENTRY_IA32E_MODE_GUEST;
	bool long64 = ia32e && (g->seg[SEG_CS].ar & AR_L);

	if (!long64 && g->rip >> 32)
		return "guest RIP above 4 GiB outside 64-bit mode";
	if (long64 && !canonical(g->rip))
		return "guest RIP not canonical";
	if ((g->rflags & RFLAGS_RESERVED) || !(g->rflags & RFLAGS_FIXED1))
		return "guest RFLAGS reserved bits wrong";
	if ((g->rflags & RFLAGS_VM) && (ia32e || !(g->cr0 & CR0_PE)))
		return "guest RFLAGS.VM set in IA-32e mode or real mode";
	if (g->activity > ACTIVITY_MAX)
		return "guest activity state invalid";
	if (g->activity == ACTIVITY_HLT && ar_dpl(g->seg[SEG_SS].ar) != 0)
		return "guest halted with SS DPL not 0";
	if (g->interruptibility >> 5)
		return "guest interruptibility state reserved bits set";
	if ((g->interruptibility & INTERRUPTIBILITY_STI) &&
	    (g->interruptibility & INTERRUPTIBILITY_MOV_SS))
		return "guest blocked by both STI and MOV SS";
	if ((g->interruptibility & INTERRUPTIBILITY_STI) &&
	    !(g->rflags & RFLAGS_IF))
		return "guest blocked by STI with RFLAGS.IF clear";
	if (g->link_pointer != ~0ULL)
		return "VMCS link pointer is not all ones";
	return NULL;
}

const char *vmx_check_guest_state(const struct vmx_config *cfg,
				  const struct vmx_guest_state *g)
{
	const char *why = check_control_regs(cfg, g);

	if (!why)
		why = check_segments(g);
	if (!why)
		why = check_rip_flags_state(g);
	return why;
}
