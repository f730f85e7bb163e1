/* SPDX-License-Identifier: BSD-2-Clause */
/* Intel VMX back end (Intel SDM vol. 3C, chapters 23 to 31). */
#include "arch/x86/virt.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_facts.h"
#include "arch/x86/exception.h"
#include "arch/x86/irq_host.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "arch/x86/vmx/ept.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "kernel/exit/msr_policy.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/string.h"
#include "kernel/vcpu.h"

#define IO_BITMAP_PAGES		2	/* A: 0-7FFF, B: 8000-FFFF */
/* MSR bitmap quarters (SDM vol. 3C 24.6.9): read low/high, write low/high. */
#define MSR_BITMAP_READ_LOW	0x000
#define MSR_BITMAP_READ_HIGH	0x400
#define MSR_BITMAP_WRITE_OFFSET	0x800
#define MSR_HIGH_BASE		0xc0000000U
#define MSR_RANGE_SIZE		0x2000U
#define GUEST_PAT_DEFAULT	0x0007040600070406ULL
#define GUEST_DR7		0x400ULL
#define GUEST_LIMIT_REAL	0xffffU
#define GUEST_LIMIT_FLAT	0xffffffffU
#define VMCS_LINK_NONE		(~0ULL)
/* Segment access rights in VMCS form (SDM vol. 3C 24.4.1, table 24-2). */
#define AR_CODE32		0xc09bU	/* G, D/B, P, S, code, accessed */
#define AR_DATA32		0xc093U	/* G, D/B, P, S, data, accessed */
#define AR_CODE16		0x009bU
#define AR_DATA16		0x0093U
#define AR_TSS_BUSY		0x008bU	/* busy 32/64-bit TSS */
#define AR_LDT			0x0082U
/* SCE, LME, NXE: LMA follows CR0.PG here, nothing else exists on Intel. */
#define GUEST_EFER_WRITABLE	(EFER_SCE | EFER_LME | EFER_NXE)
#define PAE_PDPT_MASK		0xffffffe0ULL	/* CR3 31:5, SDM 4.4.1 */
#define PAE_PDPTES		4
#define CPUID_XSAVE_LEAF	0xdU	/* XCR0 bits (SDM vol. 2A CPUID) */
/* Host GDT descriptor fields (SDM vol. 3A 3.4.5, 7.2.3). */
#define SEL_INDEX_MASK		0xfff8U
#define INTR_TYPE_SOFT_FIRST	(4U << 8)	/* INT n, ICEBP, INT3 */
#define DETAIL_MAX		200

struct vmx_vcpu {
	uint64_t vmcs_pa;
	uint64_t ept_root;
	uint64_t eptp;
	uint16_t vpid;
	bool loaded;		/* current on its CPU, fields set up */
	bool launched;		/* VMRESUME from now on */
	bool flush_pending;	/* INVEPT before the next entry */
	bool shared;		/* on a core shared in time */
	bool irq_injected;	/* software LAPIC's, at the last entry */
	bool preemption;	/* ... with the VMX-preemption timer */
	uint32_t entry_controls;
	uint64_t tsc_offset;	/* written when the VMCS is (re)loaded too */
	const struct vmx_config *cfg;
	char detail[DETAIL_MAX];	/* vendor_detail of the last exit */
};

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

int vmx_enter(uint64_t *gprs, int launched);
extern const char vmx_exit_point[];

static struct vmx_config cpu_config[MAX_CPUS];
static struct vmx_vcpu vmx_vcpus[MAX_CPUS];
static unsigned int vmx_vcpu_count;
static uint64_t io_bitmap_pa, msr_bitmap_pa;

/* --- VMX instructions (SDM vol. 3C chapter 31) --- */

static inline uint64_t vmread(uint32_t field)
{
	uint64_t value;

	asm volatile("vmread %1, %0" : "=r"(value) : "r"((uint64_t)field)
		     : "cc");
	return value;
}

static inline void vmwrite(uint32_t field, uint64_t value)
{
	asm volatile("vmwrite %1, %0" : : "r"((uint64_t)field), "r"(value)
		     : "cc", "memory");
}

/* VMCLEAR and VMPTRLD: CF or ZF set means the instruction failed. */
static int vmclear(uint64_t pa)
{
	bool fail;

	asm volatile("vmclear %1\n\tsetna %0" : "=qm"(fail) : "m"(pa)
		     : "cc", "memory");
	return fail ? -EIO : 0;
}

static int vmptrld(uint64_t pa)
{
	bool fail;

	asm volatile("vmptrld %1\n\tsetna %0" : "=qm"(fail) : "m"(pa)
		     : "cc", "memory");
	return fail ? -EIO : 0;
}

static void invept(unsigned int type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(desc), "r"((uint64_t)type)
		     : "cc", "memory");
}

static int vmxon(uint64_t region)
{
	bool fail;

	asm volatile("vmxon %1\n\tsetna %0" : "=qm"(fail) : "m"(region)
		     : "cc", "memory");
	return fail ? -EIO : 0;
}

/* --- per-CPU enable --- */

/* SDM vol. 3C 24.8: lock the MSR with VMXON allowed outside SMX. */
static void lock_feature_control(void)
{
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

	wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK |
					FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

/* SDM vol. 3D A.7/A.8: bits fixed to 1 in FIXED0, to 0 where FIXED1 is 0. */
static uint64_t apply_fixed(uint64_t value, uint32_t fixed0, uint32_t fixed1)
{
	return (value | rdmsr(fixed0)) & rdmsr(fixed1);
}

static uint64_t read_msr(uint32_t msr)
{
	return rdmsr(msr);
}

/* INS/OUTS exits describe their operands (IA32_VMX_BASIC[54], A.1). */
static bool ins_outs_info;

static int vmx_cpu_enable(struct per_cpu *cpu)
{
	struct cpu_facts facts;
	struct cpu_verdict verdict;
	struct vmx_caps caps;
	uint32_t *region = (uint32_t *)(uintptr_t)cpu->virt_page;

	/* Firmware configures each core; check this one, not just the BSP. */
	cpu_facts_read(&facts);
	cpu_assess(&facts, &verdict);
	if (verdict.virt != VIRT_VMX) {
		cpu->virt_error = verdict.problem ? verdict.problem :
				  "this CPU reports no VT-x";
		return -ENODEV;
	}
	if (verdict.must_lock_feature_control)
		lock_feature_control();
	/* Every VMCS on this CPU uses the controls this CPU allows. */
	vmx_read_caps(&caps, read_msr);
	if (vmx_configure(&caps, &cpu_config[cpu->index], &cpu->virt_error))
		return -ENODEV;
	write_cr0(apply_fixed(read_cr0(), MSR_IA32_VMX_CR0_FIXED0,
			      MSR_IA32_VMX_CR0_FIXED1));
	write_cr4(apply_fixed(read_cr4() | CR4_VMXE, MSR_IA32_VMX_CR4_FIXED0,
			      MSR_IA32_VMX_CR4_FIXED1));
	region[0] = caps.basic & VMX_BASIC_REVISION_MASK;
	ins_outs_info = caps.basic & VMX_BASIC_INS_OUTS_INFO;
	if (vmxon(cpu->virt_page)) {
		cpu->virt_error = "VMXON failed";
		return -EIO;
	}
	return 0;
}

/* --- vCPU creation and the VMCS set-up on the owning CPU --- */

static void msr_bitmap_allow(void *arg, uint32_t msr, bool writes)
{
	uint8_t *bm = arg;
	unsigned int base;

	if (msr < MSR_RANGE_SIZE) {
		base = MSR_BITMAP_READ_LOW;
	} else if (msr - MSR_HIGH_BASE < MSR_RANGE_SIZE) {
		base = MSR_BITMAP_READ_HIGH;
		msr -= MSR_HIGH_BASE;
	} else {
		return;		/* outside both ranges: always exits */
	}
	bm[base + msr / 8] &= ~(1U << (msr % 8));
	if (writes)
		bm[base + MSR_BITMAP_WRITE_OFFSET + msr / 8] &=
			~(1U << (msr % 8));
}

static int create_bitmaps(void)
{
	io_bitmap_pa = hv_alloc_pages(IO_BITMAP_PAGES, FRAME_NO_LIMIT);
	msr_bitmap_pa = hv_alloc_pages(1, FRAME_NO_LIMIT);
	if (!io_bitmap_pa || !msr_bitmap_pa)
		return -ENOMEM;
	/* Every port and MSR exits unless listed: the SVM path's policy. */
	memset((void *)io_bitmap_pa, 0xff, IO_BITMAP_PAGES * PAGE_SIZE);
	memset((void *)msr_bitmap_pa, 0xff, PAGE_SIZE);
	msr_policy_direct(MSR_INTEL, msr_bitmap_allow, (void *)msr_bitmap_pa);
	return 0;
}

static struct vmx_vcpu *vmx(struct vcpu *v)
{
	return v->arch;
}

/*
 * Runs on the boot CPU, while the vCPU runs on its own: a VMCS becomes
 * current only where it is used, so here it is only allocated.
 */
static int vmx_vcpu_create(struct vcpu *v, uint64_t stage2_root,
			   uint32_t asid)
{
	struct vmx_vcpu *s;

	if (!io_bitmap_pa && create_bitmaps())
		return -ENOMEM;
	if (vmx_vcpu_count == MAX_CPUS)
		return -ENOSPC;
	s = &vmx_vcpus[vmx_vcpu_count++];
	s->vmcs_pa = hv_alloc_pages_for(HV_MEM_VCPU, 1, FRAME_NO_LIMIT);
	if (!s->vmcs_pa)
		return -ENOMEM;
	*(uint32_t *)(uintptr_t)s->vmcs_pa =
		rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_REVISION_MASK;
	s->ept_root = stage2_root;
	s->vpid = (uint16_t)asid;	/* 0 is the host's (SDM 28.1) */
	v->arch = s;
	return 0;
}

/*
 * A shared core's vCPU has a software LAPIC, so CR8 (its TPR, SDM vol. 3A
 * 11.8.6) exits: written through, it would set the physical TPR that the
 * scheduler's timer and the next partition share.
 */
static uint32_t proc_controls(const struct vmx_vcpu *s)
{
	return s->cfg->proc | (s->shared ? PROC_CR8_LOAD_EXITING |
					   PROC_CR8_STORE_EXITING : 0);
}

static void setup_controls(struct vmx_vcpu *s)
{
	const struct vmx_config *cfg = s->cfg;

	/*
	 * A shared core's timer must exit whatever the guest does: external
	 * interrupts exit regardless of the guest's IF or HLT (SDM vol. 3C
	 * 25.2) and are acknowledged on exit (25.2, 28.2), so the host only
	 * owes the EOI. Owned cores keep their interrupts exitless.
	 */
	vmwrite(VMCS_PIN_CONTROLS, cfg->pin |
		(s->shared ? PIN_EXT_INT_EXITING : 0) |
		(s->preemption ? PIN_PREEMPTION_TIMER : 0));
	vmwrite(VMCS_PROC_CONTROLS, proc_controls(s));
	vmwrite(VMCS_PROC_CONTROLS2, cfg->proc2);
	vmwrite(VMCS_EXIT_CONTROLS, cfg->exit |
		(s->shared ? EXIT_ACK_INTR_ON_EXIT : 0));
	s->entry_controls = cfg->entry;
	vmwrite(VMCS_ENTRY_CONTROLS, s->entry_controls);
	/* No exceptions, CR3 targets or MSR lists: nothing else exits. */
	vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_TSC_OFFSET, s->tsc_offset);
	vmwrite(VMCS_IO_BITMAP_A, io_bitmap_pa);
	vmwrite(VMCS_IO_BITMAP_B, io_bitmap_pa + PAGE_SIZE);
	vmwrite(VMCS_MSR_BITMAP, msr_bitmap_pa);
	s->eptp = ept_pointer(s->ept_root, cfg->eptp_memtype);
	vmwrite(VMCS_EPT_POINTER, s->eptp);
	if (cfg->vpid)
		vmwrite(VMCS_VPID, s->vpid);
	if (cfg->proc2 & PROC2_ENABLE_XSAVES)
		vmwrite(VMCS_XSS_EXIT_BITMAP, 0);
	vmwrite(VMCS_CR0_MASK, cfg->cr0_mask);
	vmwrite(VMCS_CR4_MASK, cfg->cr4_mask);
	vmwrite(VMCS_LINK_POINTER, VMCS_LINK_NONE);
}

/* A segment register's selector, or with "str" the task register's. */
#define read_sel(insn)							\
	({								\
		uint16_t sel_;						\
		asm volatile(insn " %0" : "=r"(sel_));			\
		sel_;							\
	})

/* A 64-bit system descriptor's base (SDM vol. 3A 7.2.3, figure 7-4). */
static uint64_t tss_base(uint64_t gdt_base, uint16_t sel)
{
	const uint64_t *d =
		(const uint64_t *)(gdt_base + (sel & SEL_INDEX_MASK));

	return ((d[0] >> 16) & 0xffffff) | (((d[0] >> 56) & 0xff) << 24) |
	       (d[1] << 32);
}

/* What VM exit loads: this CPU as it runs now (SDM vol. 3C 24.5, 27.5). */
static void setup_host_state(void)
{
	struct descriptor_ptr gdtr, idtr;
	uint16_t tr = read_sel("str");

	asm volatile("sgdt %0" : "=m"(gdtr));
	asm volatile("sidt %0" : "=m"(idtr));
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, read_sel("mov %%cs,"));
	vmwrite(VMCS_HOST_SS_SEL, read_sel("mov %%ss,"));
	vmwrite(VMCS_HOST_DS_SEL, read_sel("mov %%ds,"));
	vmwrite(VMCS_HOST_ES_SEL, read_sel("mov %%es,"));
	vmwrite(VMCS_HOST_FS_SEL, read_sel("mov %%fs,"));
	vmwrite(VMCS_HOST_GS_SEL, read_sel("mov %%gs,"));
	vmwrite(VMCS_HOST_TR_SEL, tr);
	vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmwrite(VMCS_HOST_TR_BASE, tss_base(gdtr.base, tr));
	vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
	vmwrite(VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
	vmwrite(VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_point);
	/* HOST_RSP is written by vmx_enter, where the stack is known. */
}

/*
 * Makes the VMCS current on the calling CPU, the vCPU's own, the first
 * time it is needed there. VMCLEAR first puts it in the clear launch
 * state that VMPTRLD and VMLAUNCH expect (SDM vol. 3C 24.11.3).
 */
static int vmcs_load(struct vcpu *v)
{
	struct vmx_vcpu *s = vmx(v);

	if (s->loaded)
		return 0;
	if (vmclear(s->vmcs_pa) || vmptrld(s->vmcs_pa)) {
		snformat(s->detail, sizeof(s->detail),
			 "VMCLEAR/VMPTRLD of the VMCS at %#llx failed on CPU %u",
			 (unsigned long long)s->vmcs_pa, this_cpu_index());
		return -EIO;
	}
	s->cfg = &cpu_config[this_cpu_index()];
	setup_controls(s);
	setup_host_state();
	s->launched = false;
	s->flush_pending = true;
	s->loaded = true;
	return 0;
}

/* --- guest state --- */

static uint64_t guest_cr0(struct vmx_vcpu *s)
{
	return vmx_cr_visible(vmread(VMCS_GUEST_CR0), vmread(VMCS_CR0_SHADOW),
			      s->cfg->cr0_mask);
}

static uint64_t guest_cr4(struct vmx_vcpu *s)
{
	return vmx_cr_visible(vmread(VMCS_GUEST_CR4), vmread(VMCS_CR4_SHADOW),
			      s->cfg->cr4_mask);
}

static void set_guest_cr0(struct vmx_vcpu *s, uint64_t visible)
{
	vmwrite(VMCS_GUEST_CR0, vmx_cr0_real(s->cfg, visible));
	vmwrite(VMCS_CR0_SHADOW, visible);
}

static void set_guest_cr4(struct vmx_vcpu *s, uint64_t visible)
{
	vmwrite(VMCS_GUEST_CR4, vmx_cr4_real(s->cfg, visible));
	vmwrite(VMCS_CR4_SHADOW, visible);
}

static void set_segment(int seg, uint16_t selector, uint32_t ar,
			uint32_t limit, uint64_t base)
{
	vmwrite(VMCS_GUEST_SEL(seg), selector);
	vmwrite(VMCS_GUEST_AR(seg), ar);
	vmwrite(VMCS_GUEST_LIMIT(seg), limit);
	vmwrite(VMCS_GUEST_BASE(seg), base);
}

static void set_data_segments(uint32_t ar, uint32_t limit)
{
	static const int segs[] = { SEG_ES, SEG_SS, SEG_DS, SEG_FS, SEG_GS };

	for (unsigned int i = 0; i < 5; i++)
		set_segment(segs[i], 0, ar, limit, 0);
}

/*
 * The MSRs guests use without exits that VMX does not switch (SDM vol. 3C
 * 27.3, 27.5): they hold the guest's values while the hypervisor runs,
 * which is safe since a CPU serves one partition, and start from zero
 * like the rest of a reset.
 */
static void reset_unswitched_state(void)
{
	static const uint32_t msrs[] = {
		MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
		MSR_KERNEL_GS_BASE };

	for (unsigned int i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		wrmsr(msrs[i], 0);
	write_cr2(0);
}

/* Architectural values only: nothing of a previous run survives. */
static void reset_common(struct vmx_vcpu *s)
{
	set_segment(SEG_LDTR, 0, AR_LDT, GUEST_LIMIT_REAL, 0);
	set_segment(SEG_TR, 0, AR_TSS_BUSY, GUEST_LIMIT_REAL, 0);
	vmwrite(VMCS_GUEST_GDTR_BASE, 0);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, GUEST_LIMIT_REAL);
	vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, GUEST_LIMIT_REAL);
	vmwrite(VMCS_GUEST_CR3, 0);
	set_guest_cr4(s, 0);
	vmwrite(VMCS_GUEST_DR7, GUEST_DR7);
	vmwrite(VMCS_GUEST_RFLAGS, RFLAGS_FIXED1);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_PAT, GUEST_PAT_DEFAULT);
	vmwrite(VMCS_GUEST_EFER, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	for (int i = 0; i < PAE_PDPTES; i++)
		vmwrite(VMCS_GUEST_PDPTE(i), 0);
	s->entry_controls = s->cfg->entry;
	vmwrite(VMCS_ENTRY_CONTROLS, s->entry_controls);
	vmwrite(VMCS_PROC_CONTROLS, proc_controls(s));	/* no window exits */
	reset_unswitched_state();
}

static void vmx_vcpu_reset(struct vcpu *v, const struct vcpu_entry *e)
{
	struct vmx_vcpu *s = vmx(v);

	memset(v->gpr, 0, sizeof(v->gpr));
	/* A failure is reported by the next vcpu_run. */
	if (vmcs_load(v))
		return;
	reset_common(s);
	if (e->mode == ENTRY_PROTECTED32) {
		/* Multiboot 0.6.96 3.2: flat 4 GiB segments, PE, no PG. */
		set_segment(SEG_CS, 0x8, AR_CODE32, GUEST_LIMIT_FLAT, 0);
		set_data_segments(AR_DATA32, GUEST_LIMIT_FLAT);
		set_guest_cr0(s, CR0_PE | CR0_ET);
		vmwrite(VMCS_GUEST_RIP, e->rip);
		v->gpr[REG_RAX] = e->eax;
		v->gpr[REG_RBX] = e->ebx;
		v->gpr[REG_RSI] = e->esi;
	} else {
		/* After SIPI (SDM vol. 3A 9.4.4.2): CS = vector << 8. */
		set_segment(SEG_CS, (uint16_t)(e->sipi_vector << 8), AR_CODE16,
			    GUEST_LIMIT_REAL, (uint64_t)e->sipi_vector << 12);
		set_data_segments(AR_DATA16, GUEST_LIMIT_REAL);
		set_guest_cr0(s, CR0_RESET);
		vmwrite(VMCS_GUEST_RIP, 0);
	}
	/* Translations cached for the previous run must go. */
	s->flush_pending = true;
}

/* --- what the guest does that is handled here, unseen by kernel/ --- */

static void *identity(uint64_t phys, void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

/*
 * PAE paging outside long mode keeps its four PDPTEs in the VMCS: loading
 * them is part of the CR0/CR4 write emulated here (SDM vol. 3C 26.3.2.4).
 */
static bool load_pdptes(struct vmx_vcpu *s)
{
	const struct page_table ept = {
		.fmt = &pt_format_ept,
		.mem = { .phys_to_virt = identity },
		.root = s->ept_root,
	};
	uint64_t gpa = vmread(VMCS_GUEST_CR3) & PAE_PDPT_MASK, hpa, size;
	const uint64_t *pdpte;
	unsigned int attrs;

	if (pt_walk(&ept, gpa, &hpa, &attrs, &size))
		return false;
	pdpte = (const uint64_t *)(uintptr_t)hpa;
	for (int i = 0; i < PAE_PDPTES; i++)
		vmwrite(VMCS_GUEST_PDPTE(i), pdpte[i]);
	return true;
}

static bool pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * MOV to CR0 changing PG or a bit VMX fixes, done as the CPU would: this
 * is where the guest enters and leaves IA-32e mode, EFER.LMA and the
 * IA-32e mode guest entry control changing together (SDM 26.3.1.1), and
 * where PAE paging loads its PDPTEs.
 */
static bool emulate_cr0_write(struct vmx_vcpu *s, uint64_t value,
			      bool code64)
{
	uint64_t old = guest_cr0(s), cr4 = guest_cr4(s);
	uint64_t efer = vmread(VMCS_GUEST_EFER);
	uint32_t entry = s->entry_controls;

	if (vmx_cr0_write_faults(old, value, cr4, efer, code64))
		return false;
	if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_MODE_GUEST;
	} else if (!(value & CR0_PG) && (efer & EFER_LMA)) {
		efer &= ~EFER_LMA;
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	}
	if (pae_paging(value, cr4, efer) && !(old & CR0_PG) &&
	    !load_pdptes(s))
		return false;
	vmwrite(VMCS_GUEST_EFER, efer);
	s->entry_controls = entry;
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	set_guest_cr0(s, value);
	/* MOV to CR0 changing PG flushes the TLB (SDM vol. 3A 4.10.4.1). */
	if ((old ^ value) & (CR0_PG | CR0_WP))
		s->flush_pending = true;
	return true;
}

/* MOV to CR4 setting VMXE or a bit the CPU does not have: #GP. */
static bool emulate_cr4_write(struct vmx_vcpu *s, uint64_t value)
{
	uint64_t old = guest_cr4(s), efer = vmread(VMCS_GUEST_EFER);

	if ((value & ~(s->cfg->cr4_fixed1 & ~CR4_VMXE)) ||
	    ((efer & EFER_LMA) && !(value & CR4_PAE)))
		return false;
	if (pae_paging(guest_cr0(s), value, efer) && !load_pdptes(s))
		return false;
	set_guest_cr4(s, value);
	if (old != value)
		s->flush_pending = true;
	return true;
}

static unsigned int vmx_code_bits(struct vcpu *v);
static void vmx_set_rip(struct vcpu *v, uint64_t rip);
static void vmx_inject_exception(struct vcpu *v, uint8_t vector,
				 bool has_error, uint32_t error);

/*
 * CR8 is TPR[7:4] (SDM vol. 3A 11.8.6.1); bits 63:4 are reserved and a
 * write setting one raises #GP (vol. 2B MOV to CR8).
 */
#define CR8_TPR			8
#define CR8_VALID_BITS		0xfULL

static bool emulate_cr8(struct vcpu *v, const struct vm_exit *x,
			const struct vmx_cr_access *a)
{
	uint64_t value = v->gpr[a->gpr];

	if (a->type == CR_QUAL_TYPE_MOV_FROM) {
		v->gpr[a->gpr] = v->lapic.tpr >> 4;
	} else if (value & ~CR8_VALID_BITS) {
		vmx_inject_exception(v, EXC_GP, true, 0);
		return true;
	} else {
		v->lapic.tpr = (uint32_t)value << 4;
	}
	vmx_set_rip(v, x->rip + x->insn_len);
	return true;
}

static bool handle_cr_access(struct vcpu *v, const struct vm_exit *x,
			     uint64_t q)
{
	struct vmx_vcpu *s = vmx(v);
	struct vmx_cr_access a;
	uint64_t value;
	bool ok, code64 = vmx_code_bits(v) == 64;

	vmx_decode_cr_access(q, &a);
	if (a.cr == CR8_TPR)
		return emulate_cr8(v, x, &a);
	if (a.type != CR_QUAL_TYPE_MOV_TO || (a.cr != 0 && a.cr != 4))
		return false;
	value = v->gpr[a.gpr];
	if (!code64)
		value = (uint32_t)value;
	ok = a.cr == 0 ? emulate_cr0_write(s, value, code64) :
			 emulate_cr4_write(s, value);
	if (ok)
		vmx_set_rip(v, x->rip + x->insn_len);
	else
		vmx_inject_exception(v, EXC_GP, true, 0);
	return true;
}

/*
 * XSETBV exits unconditionally on VMX (SDM vol. 3C 25.1.2) where SVM lets
 * it run. The hypervisor keeps no extended state, so XCR0 holds the
 * guest's value, as on the SVM path; the CPU has already checked CPL 0
 * and CR4.OSXSAVE (25.1.1), the host needs OSXSAVE for a moment itself.
 */
static bool emulate_xsetbv(struct vcpu *v)
{
	struct cpuid_regs r = cpuid(CPUID_XSAVE_LEAF, 0);
	uint64_t supported = ((uint64_t)r.edx << 32) | r.eax;
	uint64_t value = (v->gpr[REG_RDX] << 32) | (uint32_t)v->gpr[REG_RAX];
	uint64_t cr4 = read_cr4();

	if ((uint32_t)v->gpr[REG_RCX] != 0 ||
	    !vmx_xcr0_valid(value, supported))
		return false;
	write_cr4(cr4 | CR4_OSXSAVE);
	asm volatile("xsetbv" : : "c"(0), "a"((uint32_t)value),
		     "d"((uint32_t)(value >> 32)) : "memory");
	write_cr4(cr4);
	return true;
}

/* --- exits --- */

/*
 * An exit in the middle of delivering an event to the guest (an NMI kick
 * while the CPU walked the guest's IDT, say) loses the event unless it is
 * injected again (SDM vol. 3C 27.2.4, 28.2.1.1).
 */
static void requeue_vectoring_event(void)
{
	uint32_t info = vmread(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	if (info & INTR_INFO_ERROR_VALID)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR,
			vmread(VMCS_IDT_VECTORING_ERROR));
	if ((info & INTR_INFO_TYPE_MASK) >= INTR_TYPE_SOFT_FIRST)
		vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
	vmwrite(VMCS_ENTRY_INTR_INFO,
		info & (INTR_INFO_VALID | INTR_INFO_ERROR_VALID |
			INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK));
}

/*
 * An NMI that exits leaves NMIs blocked, as a delivered one does, until
 * the next IRET. VM entry used to clear that from the guest's "blocking by
 * NMI" bit; with virtual NMIs the bit means virtual-NMI blocking (SDM vol.
 * 3C 24.4.2, table 24-3), so the host must IRET itself or the next kick
 * would never exit (seen in Bochs). An IRET to the next instruction.
 */
static void unblock_nmis(void)
{
	uint64_t scratch;

	asm volatile("movq %%rsp, %0\n\t"
		     "pushq %1\n\t"
		     "pushq %0\n\t"
		     "pushfq\n\t"
		     "pushq %2\n\t"
		     "leaq 1f(%%rip), %0\n\t"
		     "pushq %0\n\t"
		     "iretq\n"
		     "1:"
		     : "=&r"(scratch)
		     : "r"((uint64_t)read_sel("mov %%ss,")),
		       "r"((uint64_t)read_sel("mov %%cs,"))
		     : "memory", "cc");
}

static void snapshot_guest_state(struct vmx_vcpu *s, struct vmx_guest_state *g)
{
	g->cr0 = vmread(VMCS_GUEST_CR0);
	g->cr4 = vmread(VMCS_GUEST_CR4);
	g->efer = vmread(VMCS_GUEST_EFER);
	g->pat = vmread(VMCS_GUEST_PAT);
	g->dr7 = vmread(VMCS_GUEST_DR7);
	g->rflags = vmread(VMCS_GUEST_RFLAGS);
	g->rip = vmread(VMCS_GUEST_RIP);
	g->link_pointer = vmread(VMCS_LINK_POINTER);
	g->entry_controls = s->entry_controls;
	g->activity = vmread(VMCS_GUEST_ACTIVITY);
	g->interruptibility = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	g->gdtr_limit = vmread(VMCS_GUEST_GDTR_LIMIT);
	g->idtr_limit = vmread(VMCS_GUEST_IDTR_LIMIT);
	for (int i = 0; i < VMX_SEGS; i++) {
		g->seg[i].selector = vmread(VMCS_GUEST_SEL(i));
		g->seg[i].limit = vmread(VMCS_GUEST_LIMIT(i));
		g->seg[i].ar = vmread(VMCS_GUEST_AR(i));
		g->seg[i].base = vmread(VMCS_GUEST_BASE(i));
	}
}

/* VM entry got as far as the guest state and refused it (SDM 26.7, 26.8). */
static void describe_entry_failure(struct vmx_vcpu *s, uint32_t basic,
				   uint64_t q, struct vm_exit *x)
{
	struct vmx_guest_state g;
	const char *why;

	x->reason = EXIT_INVALID_STATE;
	if (basic == VMX_EXIT_INVALID_GUEST_STATE &&
	    q == ENTRY_QUAL_PDPTE_LOAD) {
		why = "the guest's PAE PDPTEs are invalid";
	} else if (basic == VMX_EXIT_INVALID_GUEST_STATE) {
		snapshot_guest_state(s, &g);
		why = vmx_check_guest_state(s->cfg, &g);
		if (!why)
			why = "no check made here names the field";
	} else if (basic == VMX_EXIT_MSR_LOADING) {
		why = "loading an MSR on VM entry failed";
	} else if (basic == VMX_EXIT_MACHINE_CHECK) {
		why = "machine check during VM entry";
	} else {
		why = "VM entry failed";
	}
	snformat(s->detail, sizeof(s->detail),
		 "%s (SDM vol. 3C 26.3; exit reason %u, CR0 %#llx CR4 %#llx EFER %#llx)",
		 why, basic, (unsigned long long)vmread(VMCS_GUEST_CR0),
		 (unsigned long long)vmread(VMCS_GUEST_CR4),
		 (unsigned long long)vmread(VMCS_GUEST_EFER));
	x->vendor_detail = s->detail;
	/*
	 * Whether a failed entry leaves the VMCS launched is not spelled
	 * out: clear it (the data stays) so the next entry is a VMLAUNCH.
	 */
	if (!vmclear(s->vmcs_pa) && !vmptrld(s->vmcs_pa))
		s->launched = false;
}

/* Sets or clears interrupt/NMI-window exiting, keeping other controls. */
static void window_exiting(uint32_t bits, bool on)
{
	uint64_t proc = vmread(VMCS_PROC_CONTROLS) & ~(uint64_t)bits;

	vmwrite(VMCS_PROC_CONTROLS, proc | (on ? bits : 0));
}

/*
 * Acknowledged on exit (a shared core): the scheduler's timer or a
 * device's posting vector, handled as the host IDT would, then its EOI.
 */
static void take_external_interrupt(void)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

	if (info & INTR_INFO_VALID)
		irq_host_dispatch(info & INTR_INFO_VECTOR_MASK);
}

/*
 * Fills x; returns true when the exit was dealt with here and kernel/
 * has only to count it (EXIT_HANDLED), false when it must handle it.
 */
static bool decode_exit(struct vcpu *v, struct vm_exit *x)
{
	struct vmx_vcpu *s = vmx(v);
	uint32_t reason = vmread(VMCS_EXIT_REASON);
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);

	*x = (struct vm_exit){
		.reason = vmx_exit_kind(basic),
		.rip = vmread(VMCS_GUEST_RIP),
		.insn_len = vmread(VMCS_EXIT_INSN_LEN),
		.vendor_code = reason,
	};
	if (reason & EXIT_REASON_ENTRY_FAILED) {
		describe_entry_failure(s, basic, q, x);
		return false;
	}
	requeue_vectoring_event();
	switch (basic) {
	case VMX_EXIT_EXCEPTION_NMI:
		/* No exception exits: an NMI is another CPU's kick. */
		if ((vmread(VMCS_EXIT_INTR_INFO) & INTR_INFO_TYPE_MASK) ==
		    INTR_TYPE_NMI) {
			unblock_nmis();
			x->reason = EXIT_KICK;
		}
		break;
	case VMX_EXIT_IO:
		vmx_decode_io(q, x);
		if (x->io.string && ins_outs_info)
			vmx_decode_io_string((uint32_t)vmread(VMCS_EXIT_INSN_INFO),
					     x);
		break;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		x->msr.index = (uint32_t)v->gpr[REG_RCX];
		break;
	case VMX_EXIT_EPT_VIOLATION:
		vmx_decode_ept_violation(q, vmread(VMCS_GUEST_PHYS_ADDR), x);
		break;
	case VMX_EXIT_EPT_MISCONFIG:
		snformat(s->detail, sizeof(s->detail),
			 "EPT misconfiguration at guest-physical %#llx (SDM vol. 3C 29.3.3.1)",
			 (unsigned long long)vmread(VMCS_GUEST_PHYS_ADDR));
		x->vendor_detail = s->detail;
		break;
	case VMX_EXIT_CR_ACCESS:
		return handle_cr_access(v, x, q);
	case VMX_EXIT_EXTERNAL_INTERRUPT:
		take_external_interrupt();
		break;
	case VMX_EXIT_NMI_WINDOW:
		/* The guest's IRET ended its NMI: vcpu_loop injects the next. */
		window_exiting(PROC_NMI_WINDOW_EXITING, false);
		return true;
	case VMX_EXIT_INTR_WINDOW:
		/* The guest can take an interrupt: vcpu_step injects it. */
		window_exiting(PROC_INTR_WINDOW_EXITING, false);
		return true;
	case VMX_EXIT_XSETBV:
		if (emulate_xsetbv(v))
			vmx_set_rip(v, x->rip + x->insn_len);
		else
			vmx_inject_exception(v, EXC_GP, true, 0);
		return true;
	}
	return false;
}

static void entry_failed(struct vmx_vcpu *s, int rc, struct vm_exit *x)
{
	uint32_t error = rc == 1 ? vmread(VMCS_INSN_ERROR) : 0;

	*x = (struct vm_exit){ .reason = EXIT_INVALID_STATE,
			       .rip = vmread(VMCS_GUEST_RIP) };
	if (rc == 1)
		snformat(s->detail, sizeof(s->detail),
			 "VM%s failed: VM-instruction error %u, %s (SDM vol. 3C 31.4)",
			 s->launched ? "RESUME" : "LAUNCH", error,
			 vmx_insn_error_text(error));
	else
		snformat(s->detail, sizeof(s->detail),
			 "VM entry failed without a current VMCS (VMfailInvalid)");
	x->vendor_code = error;
	x->vendor_detail = s->detail;
}

static void vmx_vcpu_run(struct vcpu *v, struct vm_exit *exit)
{
	struct vmx_vcpu *s = vmx(v);
	int rc;

	if (vmcs_load(v)) {
		*exit = (struct vm_exit){ .reason = EXIT_INVALID_STATE,
					  .vendor_detail = s->detail };
		return;
	}
	if (s->flush_pending)
		invept(s->cfg->invept_type, s->eptp);
	s->flush_pending = false;
	vmwrite(VMCS_GUEST_RSP, v->gpr[REG_RSP]);
	rc = vmx_enter(v->gpr, s->launched);
	if (rc) {
		entry_failed(s, rc, exit);
		return;
	}
	s->launched = true;
	v->gpr[REG_RSP] = vmread(VMCS_GUEST_RSP);
	if (decode_exit(v, exit))
		exit->reason = EXIT_HANDLED;
}

/* The instruction completed: its STI/MOV SS shadow ends with it. */
static void vmx_set_rip(struct vcpu *v, uint64_t rip)
{
	uint64_t shadow = vmread(VMCS_GUEST_INTERRUPTIBILITY);

	(void)v;
	vmwrite(VMCS_GUEST_RIP, rip);
	if (shadow & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			shadow & ~(uint64_t)(INTERRUPTIBILITY_STI |
					     INTERRUPTIBILITY_MOV_SS));
}

static void vmx_get_paging(struct vcpu *v, struct guest_paging *p)
{
	struct vmx_vcpu *s = vmx(v);

	p->cr0 = guest_cr0(s);
	p->cr3 = vmread(VMCS_GUEST_CR3);
	p->cr4 = guest_cr4(s);
	p->efer = vmread(VMCS_GUEST_EFER);
}

static unsigned int vmx_code_bits(struct vcpu *v)
{
	uint32_t ar = vmread(VMCS_GUEST_AR(SEG_CS));

	(void)v;
	if (!(vmread(VMCS_GUEST_CR0) & CR0_PE))
		return 16;
	if ((vmread(VMCS_GUEST_EFER) & EFER_LMA) && (ar & AR_L))
		return 64;
	return ar & AR_DB ? 32 : 16;
}

static uint64_t vmx_cs_base(struct vcpu *v)
{
	(void)v;
	return vmread(VMCS_GUEST_BASE(SEG_CS));
}

static uint64_t vmx_seg_base(struct vcpu *v, unsigned int seg)
{
	(void)v;
	return vmread(VMCS_GUEST_BASE(seg));
}

static uint64_t vmx_get_rflags(struct vcpu *v)
{
	(void)v;
	return vmread(VMCS_GUEST_RFLAGS);
}

static void vmx_set_rflags(struct vcpu *v, uint64_t rflags)
{
	(void)v;
	vmwrite(VMCS_GUEST_RFLAGS, rflags);
}

/*
 * SDM vol. 3C 26.2.1.3: an error code goes with exactly the exceptions
 * that push one, and never in real mode (unrestricted guest, PE = 0).
 */
static void vmx_inject_exception(struct vcpu *v, uint8_t vector,
				 bool has_error, uint32_t error)
{
	uint32_t info = vector | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

	(void)v;
	if (has_error && (vmread(VMCS_GUEST_CR0) & CR0_PE)) {
		info |= INTR_INFO_ERROR_VALID;
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

/*
 * With virtual NMIs, an injected NMI blocks the next one until the guest's
 * IRET, recorded in the interruptibility state; physical NMIs still exit
 * (SDM vol. 3C 25.3, 26.6.1.2). A blocked NMI waits for the NMI-window exit
 * (25.2). An NMI may not be injected in a MOV SS shadow (26.3.1.5); CPUs
 * differ on whether STI's shadow blocks NMIs (vol. 3A 6.8.3), so it is
 * dropped instead, as the NMI-window exit may not wait for it either.
 */
static bool vmx_inject_nmi(struct vcpu *v)
{
	uint64_t blocking;

	if (vmcs_load(v))
		return false;
	blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	if ((vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID) ||
	    (blocking & (INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI))) {
		window_exiting(PROC_NMI_WINDOW_EXITING, true);
		return false;
	}
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, blocking & ~INTERRUPTIBILITY_STI);
	vmwrite(VMCS_ENTRY_INTR_INFO, EXC_NMI | INTR_TYPE_NMI | INTR_INFO_VALID);
	return true;
}

/*
 * An external interrupt from a software LAPIC (SDM vol. 3C 26.6.1) goes in
 * unless RFLAGS.IF or an STI/MOV SS shadow blocks it (vol. 3A 6.8.1,
 * 6.8.3) or another event is being injected; then the interrupt-window
 * exit (25.2) comes once it can. A guest halted without an exit (HLT is
 * not intercepted on shared cores) is made active to take it; its RIP
 * is already past the HLT.
 */
static bool vmx_inject_irq(struct vcpu *v, uint8_t vector)
{
	if (vmcs_load(v))
		return false;
	if (!(vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID) &&
	    (vmread(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	    !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
	      (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))) {
		vmwrite(VMCS_ENTRY_INTR_INFO,
			vector | INTR_TYPE_EXT_INT | INTR_INFO_VALID);
		vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
		vmx(v)->irq_injected = true;
		return true;
	}
	window_exiting(PROC_INTR_WINDOW_EXITING, true);
	return false;
}

/* An entry always delivers what it injects, or requeues it (above). */
static bool vmx_irq_taken(struct vcpu *v)
{
	bool taken = vmx(v)->irq_injected;

	vmx(v)->irq_injected = false;
	return taken;
}

/*
 * Guest MSRs kept in the VMCS guest area (SDM vol. 3C 24.4.1), or, for
 * those VMX does not switch, left live in the core while the hypervisor
 * runs (reset_unswitched_state).
 */
static uint32_t guest_area_field(uint32_t index)
{
	switch (index) {
	case MSR_FS_BASE:
		return VMCS_GUEST_BASE(SEG_FS);
	case MSR_GS_BASE:
		return VMCS_GUEST_BASE(SEG_GS);
	case MSR_SYSENTER_ESP:
		return VMCS_GUEST_SYSENTER_ESP;
	case MSR_SYSENTER_EIP:
		return VMCS_GUEST_SYSENTER_EIP;
	case MSR_EFER:
		return VMCS_GUEST_EFER;
	case MSR_PAT:
		return VMCS_GUEST_PAT;
	default:
		return 0;
	}
}

static bool unswitched(uint32_t index)
{
	return index == MSR_LSTAR || index == MSR_CSTAR ||
	       index == MSR_KERNEL_GS_BASE;
}

static bool vmx_msr_read(struct vcpu *v, uint32_t index, uint64_t *value)
{
	(void)v;
	if (guest_area_field(index))
		*value = vmread(guest_area_field(index));
	else if (unswitched(index))
		*value = rdmsr(index);
	else
		return false;
	return true;
}

/* Refused writes (false) become #GP, as on the CPU itself. */
static bool vmx_msr_write(struct vcpu *v, uint32_t index, uint64_t value)
{
	struct vmx_vcpu *s = vmx(v);
	uint64_t old;

	if (index == MSR_PAT) {
		if (!vmx_pat_valid(value))
			return false;
		vmwrite(VMCS_GUEST_PAT, value);
		return true;
	}
	if (unswitched(index)) {
		wrmsr(index, value);
		return true;
	}
	if (index != MSR_EFER) {
		if (!guest_area_field(index))
			return false;
		vmwrite(guest_area_field(index), value);
		return true;
	}
	old = vmread(VMCS_GUEST_EFER);
	/* LMA is read-only; LME cannot change while paging is on. */
	if ((value & ~(GUEST_EFER_WRITABLE | EFER_LMA)) ||
	    ((guest_cr0(s) & CR0_PG) && ((old ^ value) & EFER_LME)))
		return false;
	vmwrite(VMCS_GUEST_EFER,
		(value & GUEST_EFER_WRITABLE) | (old & EFER_LMA));
	return true;
}

/*
 * RDTSC, RDTSCP and RDMSR of the TSC add the offset (SDM vol. 3C 25.3);
 * a VMCS not yet current on its CPU takes it when it is set up.
 */
static void vmx_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
	vmx(v)->tsc_offset = offset;
	if (vmx(v)->loaded)
		vmwrite(VMCS_TSC_OFFSET, offset);
}

/* Allowed-1 settings: the high half of a capability MSR (SDM vol. 3D A.3). */
static bool control_allowed(uint32_t msr, uint32_t bits)
{
	return ((rdmsr(msr) >> 32) & bits) == bits;
}

/*
 * The window's end is the VMX-preemption timer's where the CPU has one
 * (SDM vol. 3C 26.5.1): it counts in the guest only, HLT included, and
 * exits with no interrupt to acknowledge. External-interrupt exiting
 * stays on, for the LAPIC timer where there is no preemption timer and
 * for any interrupt that would otherwise reach the guest. (Bochs 2.7 also
 * leaves an interrupt pending while the guest's IF is clear, despite
 * external-interrupt exiting: the preemption timer does not depend on
 * it.)
 */
static unsigned int preemption_shift;

static int vmx_vcpu_share(struct vcpu *v)
{
	struct vmx_vcpu *s = vmx(v);

	if (!control_allowed(MSR_IA32_VMX_PINBASED_CTLS, PIN_EXT_INT_EXITING) ||
	    !control_allowed(MSR_IA32_VMX_EXIT_CTLS, EXIT_ACK_INTR_ON_EXIT) ||
	    !control_allowed(MSR_IA32_VMX_PROCBASED_CTLS,
			     PROC_INTR_WINDOW_EXITING | PROC_CR8_LOAD_EXITING |
			     PROC_CR8_STORE_EXITING))
		return -ENODEV;
	s->shared = true;	/* set up when its VMCS first loads */
	s->preemption = control_allowed(MSR_IA32_VMX_PINBASED_CTLS,
					PIN_PREEMPTION_TIMER);
	preemption_shift = rdmsr(MSR_IA32_VMX_MISC) &
			   VMX_MISC_PREEMPTION_RATE_MASK;
	return 0;
}

static void vmx_set_window_end(struct vcpu *v, uint64_t tsc)
{
	uint64_t now = rdtsc();
	uint64_t left = tsc > now ? (tsc - now) >> preemption_shift : 0;

	if (!vmx(v)->preemption) {
		lapic_timer_fire_at(tsc);
		return;
	}
	/* Made current by vcpu_switch, set up by vmcs_load: write it now. */
	if (vmcs_load(v))
		return;
	vmwrite(VMCS_PREEMPTION_TIMER_VALUE,
		left > 0xffffffffULL ? 0xffffffffULL : left);
}

/* Each vCPU keeps its VMCS; a shared core makes the next one current. */
static void vmx_vcpu_switch(struct vcpu *v)
{
	struct vmx_vcpu *s = vmx(v);

	/* On failure vmcs_load tries again, and names it if it fails. */
	if (s->loaded && vmptrld(s->vmcs_pa))
		s->loaded = false;
}

/* Not in the VMCS, left in the core's registers (SDM vol. 3C 27.3). */
static const uint32_t vmx_live_msrs[] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE,
};

/* SDM vol. 3D A.10: IA32_VMX_EPT_VPID_CAP bit 17. */
static bool vmx_stage2_1g(void)
{
	return rdmsr(MSR_IA32_VMX_EPT_VPID_CAP) & EPT_CAP_1G;
}

const struct virt_ops vmx_ops = {
	.name = "VMX",
	.cpu_enable = vmx_cpu_enable,
	.stage2_format = &pt_format_ept,
	.stage2_1g = vmx_stage2_1g,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_reset = vmx_vcpu_reset,
	.vcpu_share = vmx_vcpu_share,
	.vcpu_switch = vmx_vcpu_switch,
	.live_msrs = vmx_live_msrs,
	.live_msr_count = sizeof(vmx_live_msrs) / sizeof(vmx_live_msrs[0]),
	.set_window_end = vmx_set_window_end,
	.vcpu_run = vmx_vcpu_run,
	.set_rip = vmx_set_rip,
	.get_paging = vmx_get_paging,
	.code_bits = vmx_code_bits,
	.cs_base = vmx_cs_base,
	.seg_base = vmx_seg_base,
	.get_rflags = vmx_get_rflags,
	.set_rflags = vmx_set_rflags,
	.inject_exception = vmx_inject_exception,
	.inject_nmi = vmx_inject_nmi,
	.inject_irq = vmx_inject_irq,
	.irq_taken = vmx_irq_taken,
	.msr_read = vmx_msr_read,
	.msr_write = vmx_msr_write,
	.set_tsc_offset = vmx_set_tsc_offset,
};
