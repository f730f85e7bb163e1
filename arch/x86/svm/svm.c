/* SPDX-License-Identifier: BSD-2-Clause */
/* AMD SVM back end (AMD64 APM vol. 2, chapter 15). */
#include "arch/x86/virt.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_facts.h"
#include "arch/x86/exception.h"
#include "arch/x86/msr.h"
#include "arch/x86/svm/vmcb.h"
#include "lib/errno.h"
#include "kernel/exit/msr_policy.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/string.h"
#include "kernel/vcpu.h"

#define IOPM_PAGES		3	/* 12 KiB: one bit per port (15.10.1) */
#define MSRPM_PAGES		2	/* 8 KiB: two bits per MSR (15.11) */
#define CPUID_EXT1_EDX_1G	(1U << 26)
#define GUEST_PAT_DEFAULT	0x0007040600070406ULL
#define GUEST_DR6		0xffff0ff0ULL
#define GUEST_DR7		0x400ULL
/* Segment attributes in VMCB form: type, S, DPL, P, AVL, L, D/B, G. */
#define ATTR_CODE32		0xc9b
#define ATTR_DATA32		0xc93
#define ATTR_CODE16		0x09b
#define ATTR_DATA16		0x093
#define ATTR_TSS_BUSY		0x08b
#define ATTR_LDT		0x082
#define ATTR_L			(1U << 9)
#define ATTR_DB			(1U << 10)
/* SCE, LME, NXE, FFXSR: LMA is the CPU's to set, SVME stays hidden. */
#define GUEST_EFER_WRITABLE	(EFER_SCE | EFER_LME | EFER_NXE | (1ULL << 14))
#define INSN_LEN_CPUID		2
#define INSN_LEN_RDWRMSR	2
#define INSN_LEN_VMMCALL	3
#define INSN_LEN_INVD		2	/* 0F 08 */
#define INSN_LEN_HLT		1

struct svm_vcpu {
	void *vmcb;
	uint64_t vmcb_pa;
	uint64_t host_area_pa;	/* VMSAVE target for the host's own state */
	bool flush_pending;
	bool shared;		/* on a core shared in time: INTR exits */
	bool irq_offered;	/* a V_IRQ of its software LAPIC, last entry */
	/*
	 * The guest's NMI blocking, which SVM does not track without V_NMI:
	 * from an injected NMI to the end of the guest's next IRET.
	 */
	bool nmi_masked;
	bool iret_seen;		/* intercepted; ends when RIP moves past */
	bool nmi_stepping;	/* single-stepping that IRET (TF, #DB exit) */
	uint64_t iret_rip;
	uint64_t dr6;		/* the guest's, before the step */
};

void svm_enter(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_area_pa,
	       bool host_interrupts);

static uint64_t iopm_pa, msrpm_pa;
static struct svm_vcpu svm_vcpus[MAX_CPUS];
static unsigned int svm_vcpu_count;
/* IOIO exits name the segment of OUTS (APM vol. 2 15.33). */
static bool decode_assists;

/*
 * AMD APM vol. 2 15.4: SVM is enabled by EFER.SVME; VMRUN saves host state
 * to the page named by VM_HSAVE_PA, which must be 4 KiB aligned.
 */
static int svm_cpu_enable(struct per_cpu *cpu)
{
	struct cpu_facts facts;
	struct cpu_verdict verdict;

	/* Firmware configures each core; check this one, not just the BSP. */
	cpu_facts_read(&facts);
	cpu_assess(&facts, &verdict);
	if (verdict.virt != VIRT_SVM) {
		cpu->virt_error = verdict.problem ? verdict.problem :
				  "this CPU reports no AMD-V";
		return -ENODEV;
	}
	decode_assists = facts.svm_features_edx & CPUID_SVM_EDX_DECODE_ASSISTS;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, cpu->virt_page);
	return 0;
}

/*
 * MSRPM: ranges 0-1FFF, C0000000-C0001FFF, C0010000-C0011FFF, two bits per
 * MSR: read intercept, then write intercept (15.11).
 */
static void msrpm_allow(void *arg, uint32_t msr, bool writes)
{
	uint8_t *pm = arg;
	static const struct { uint32_t base; uint32_t offset; } ranges[] = {
		{ 0x00000000U, 0x0000 },
		{ 0xc0000000U, 0x0800 },
		{ 0xc0010000U, 0x1000 },
	};

	for (unsigned int i = 0; i < 3; i++) {
		uint32_t n = msr - ranges[i].base;

		if (msr >= ranges[i].base && n < 0x2000) {
			pm[ranges[i].offset + n / 4] &=
				~((writes ? 3U : 1U) << (2 * (n % 4)));
			return;
		}
	}
}

static int create_bitmaps(void)
{
	iopm_pa = hv_alloc_pages(IOPM_PAGES, FRAME_NO_LIMIT);
	msrpm_pa = hv_alloc_pages(MSRPM_PAGES, FRAME_NO_LIMIT);
	if (!iopm_pa || !msrpm_pa)
		return -ENOMEM;
	/* Every port and MSR exits unless listed: a deny-by-default policy. */
	memset((void *)iopm_pa, 0xff, IOPM_PAGES * PAGE_SIZE);
	memset((void *)msrpm_pa, 0xff, MSRPM_PAGES * PAGE_SIZE);
	msr_policy_direct(MSR_AMD, msrpm_allow, (void *)msrpm_pa);
	return 0;
}

static struct svm_vcpu *svm(struct vcpu *v)
{
	return v->arch;
}

static void set_intercepts(void *vmcb)
{
	vmcb_w32(vmcb, VMCB_INTERCEPT_MISC1,
		 MISC1_NMI | MISC1_CPUID | MISC1_IOIO_PROT | MISC1_MSR_PROT |
		 MISC1_SHUTDOWN | MISC1_INVLPGA | MISC1_INVD);
	vmcb_w32(vmcb, VMCB_INTERCEPT_MISC2,
		 MISC2_VMRUN | MISC2_VMMCALL | MISC2_VMLOAD | MISC2_VMSAVE |
		 MISC2_STGI | MISC2_CLGI | MISC2_SKINIT);
	vmcb_w64(vmcb, VMCB_IOPM_BASE, iopm_pa);
	vmcb_w64(vmcb, VMCB_MSRPM_BASE, msrpm_pa);
	/*
	 * V_INTR_MASKING clear and INTR not intercepted: a physical interrupt
	 * is taken through the guest's IDT when the guest's IF allows it (APM
	 * vol. 2 15.21.1), so a partition's interrupts cost no exit.
	 */
	vmcb_w64(vmcb, VMCB_VINTR, 0);
}

static int svm_vcpu_create(struct vcpu *v, uint64_t stage2_root,
			   uint32_t asid)
{
	struct svm_vcpu *s;
	void *vmcb;

	if (!iopm_pa && create_bitmaps())
		return -ENOMEM;
	if (svm_vcpu_count == MAX_CPUS)
		return -ENOSPC;
	s = &svm_vcpus[svm_vcpu_count++];
	s->vmcb_pa = hv_alloc_pages_for(HV_MEM_VCPU, 1, FRAME_NO_LIMIT);
	s->host_area_pa = hv_alloc_pages_for(HV_MEM_VCPU, 1, FRAME_NO_LIMIT);
	if (!s->vmcb_pa || !s->host_area_pa)
		return -ENOMEM;
	vmcb = s->vmcb = (void *)s->vmcb_pa;
	v->arch = s;
	set_intercepts(vmcb);
	vmcb_w32(vmcb, VMCB_ASID, asid);
	vmcb_w64(vmcb, VMCB_NP_ENABLE, NP_ENABLE);
	vmcb_w64(vmcb, VMCB_N_CR3, stage2_root);
	s->flush_pending = true;
	return 0;
}

static void set_segment(void *vmcb, unsigned int seg, uint16_t selector,
			uint16_t attrib, uint32_t limit, uint64_t base)
{
	vmcb_w16(vmcb, seg + SEG_SELECTOR, selector);
	vmcb_w16(vmcb, seg + SEG_ATTRIB, attrib);
	vmcb_w32(vmcb, seg + SEG_LIMIT, limit);
	vmcb_w64(vmcb, seg + SEG_BASE, base);
}

static void set_data_segments(void *vmcb, uint16_t attrib, uint32_t limit)
{
	static const unsigned int segs[] = {
		VMCB_ES, VMCB_SS, VMCB_DS, VMCB_FS, VMCB_GS };

	for (unsigned int i = 0; i < 5; i++)
		set_segment(vmcb, segs[i], 0, attrib, limit, 0);
}

static void nmi_unmask(void *vmcb, struct svm_vcpu *s)
{
	s->nmi_masked = s->iret_seen = s->nmi_stepping = false;
	vmcb_w32(vmcb, VMCB_INTERCEPT_MISC1,
		 vmcb_r32(vmcb, VMCB_INTERCEPT_MISC1) & ~MISC1_IRET);
	vmcb_w32(vmcb, VMCB_INTERCEPT_EXC, 0);
}

/*
 * Guest NMI blocking without V_NMI (QEMU's TCG has none), as KVM does it:
 * IRET is intercepted while an injected NMI is in service, but the exit
 * comes before the IRET (APM vol. 2 15.9), so blocking ends only once
 * RIP has moved past it. An NMI waiting for that is delivered by
 * single-stepping the IRET: the trap comes after it, as TF was set at its
 * start (SDM vol. 3B 18.3.1.4), and the IRET itself replaces the guest's
 * RFLAGS, TF included. Returns true for the exits consumed here.
 */
static bool nmi_track(struct vcpu *v, uint64_t code, struct vm_exit *x)
{
	struct svm_vcpu *s = svm(v);
	void *vmcb = s->vmcb;
	uint64_t info = vmcb_r64(vmcb, VMCB_EXIT_INT_INFO);

	/* An NMI whose delivery the exit cut short is delivered again. */
	if ((info & EVENTINJ_VALID) &&
	    (info & EVENTINJ_TYPE_MASK) == EVENTINJ_TYPE_NMI)
		vmcb_w64(vmcb, VMCB_EVENT_INJ, info & EVENTINJ_EVENT_MASK);
	if (s->iret_seen && x->rip != s->iret_rip) {
		if (s->nmi_stepping)
			vmcb_w64(vmcb, VMCB_DR6, s->dr6);
		nmi_unmask(vmcb, s);
	}
	if (code == SVM_EXIT_IRET) {
		vmcb_w32(vmcb, VMCB_INTERCEPT_MISC1,
			 vmcb_r32(vmcb, VMCB_INTERCEPT_MISC1) & ~MISC1_IRET);
		s->iret_seen = true;
		s->iret_rip = x->rip;
	}
	return code == SVM_EXIT_IRET || code == SVM_EXIT_EXC_DB;
}

static bool svm_inject_nmi(struct vcpu *v)
{
	struct svm_vcpu *s = svm(v);
	void *vmcb = s->vmcb;

	/* An exception being injected: the NMI waits for the next exit. */
	if (vmcb_r64(vmcb, VMCB_EVENT_INJ) & EVENTINJ_VALID)
		return false;
	if (s->iret_seen && !s->nmi_stepping) {
		s->nmi_stepping = true;
		s->dr6 = vmcb_r64(vmcb, VMCB_DR6);
		vmcb_w32(vmcb, VMCB_INTERCEPT_EXC, INTERCEPT_EXC_DB);
		vmcb_w64(vmcb, VMCB_RFLAGS,
			 vmcb_r64(vmcb, VMCB_RFLAGS) | RFLAGS_TF);
	}
	if (s->nmi_masked)
		return false;
	/*
	 * EVENTINJ goes in whatever the interrupt shadow (APM vol. 2 15.20);
	 * CPUs differ on whether STI's blocks NMIs (SDM vol. 3A 6.8.3).
	 */
	vmcb_w64(vmcb, VMCB_EVENT_INJ,
		 EXC_NMI | EVENTINJ_TYPE_NMI | EVENTINJ_VALID);
	vmcb_w32(vmcb, VMCB_INTERCEPT_MISC1,
		 vmcb_r32(vmcb, VMCB_INTERCEPT_MISC1) | MISC1_IRET);
	s->nmi_masked = true;
	return true;
}

/* The VINTR intercept with a virtual request: an interrupt window exit. */
static void vintr_window(void *vmcb, bool on)
{
	uint64_t vintr = vmcb_r64(vmcb, VMCB_VINTR) & ~VINTR_WINDOW;
	uint32_t misc1 = vmcb_r32(vmcb, VMCB_INTERCEPT_MISC1) & ~MISC1_VINTR;

	vmcb_w64(vmcb, VMCB_VINTR, vintr | (on ? VINTR_WINDOW : 0));
	vmcb_w32(vmcb, VMCB_INTERCEPT_MISC1, misc1 | (on ? MISC1_VINTR : 0));
}

/* Clears the save area: a reset starts from architectural values only. */
static void reset_common(void *vmcb)
{
	memset((uint8_t *)vmcb + VMCB_ES, 0, PAGE_SIZE - VMCB_ES);
	set_segment(vmcb, VMCB_GDTR, 0, 0, 0xffff, 0);
	set_segment(vmcb, VMCB_IDTR, 0, 0, 0xffff, 0);
	set_segment(vmcb, VMCB_LDTR, 0, ATTR_LDT, 0xffff, 0);
	set_segment(vmcb, VMCB_TR, 0, ATTR_TSS_BUSY, 0xffff, 0);
	/* The guest never sees SVME: it is hidden by the MSR intercept. */
	vmcb_w64(vmcb, VMCB_EFER, EFER_SVME);
	vmcb_w64(vmcb, VMCB_DR6, GUEST_DR6);
	vmcb_w64(vmcb, VMCB_DR7, GUEST_DR7);
	vmcb_w64(vmcb, VMCB_RFLAGS, RFLAGS_FIXED1);
	vmcb_w64(vmcb, VMCB_G_PAT, GUEST_PAT_DEFAULT);
	vmcb_w64(vmcb, VMCB_EVENT_INJ, 0);
	vmcb_w64(vmcb, VMCB_INT_SHADOW, 0);
}

static void svm_vcpu_reset(struct vcpu *v, const struct vcpu_entry *e)
{
	void *vmcb = svm(v)->vmcb;

	reset_common(vmcb);
	memset(v->gpr, 0, sizeof(v->gpr));
	if (e->mode == ENTRY_PROTECTED32) {
		/* Multiboot 0.6.96 3.2: flat 4 GiB segments, PE set, PG clear. */
		set_segment(vmcb, VMCB_CS, 0x8, ATTR_CODE32, 0xffffffff, 0);
		set_data_segments(vmcb, ATTR_DATA32, 0xffffffff);
		vmcb_w64(vmcb, VMCB_CR0, CR0_PE | CR0_ET);
		vmcb_w64(vmcb, VMCB_RIP, e->rip);
		v->gpr[REG_RAX] = e->eax;
		v->gpr[REG_RBX] = e->ebx;
		v->gpr[REG_RSI] = e->esi;
	} else {
		/* After SIPI (SDM vol. 3A 9.4.4.2): CS = vector << 8, IP = 0. */
		set_segment(vmcb, VMCB_CS, (uint16_t)(e->sipi_vector << 8),
			    ATTR_CODE16, 0xffff, (uint64_t)e->sipi_vector << 12);
		set_data_segments(vmcb, ATTR_DATA16, 0xffff);
		vmcb_w64(vmcb, VMCB_CR0, CR0_RESET);
		vmcb_w64(vmcb, VMCB_RIP, 0);
	}
	svm(v)->flush_pending = true;
	nmi_unmask(vmcb, svm(v));
	vintr_window(vmcb, false);
	vmcb_w64(vmcb, VMCB_VINTR,
		 vmcb_r64(vmcb, VMCB_VINTR) & ~VINTR_REQUEST_MASK);
	svm(v)->irq_offered = false;
}

static void decode_io(void *vmcb, struct vm_exit *x)
{
	uint64_t info = vmcb_r64(vmcb, VMCB_EXIT_INFO1);
	unsigned int size = (info >> IOIO_SIZE_SHIFT) & 7;

	x->reason = EXIT_IO;
	x->io.port = info >> IOIO_PORT_SHIFT;
	x->io.size = size == 4 ? 4 : size == 2 ? 2 : 1;
	x->io.in = info & IOIO_IN;
	x->io.string = info & IOIO_STRING;
	x->io.rep = info & IOIO_REP;
	/* QEMU's TCG sets none of the three: then it is decoded. */
	x->io.addr_size = info & IOIO_A16 ? 2 : info & IOIO_A32 ? 4 :
			  info & IOIO_A64 ? 8 : 0;
	x->io.seg = decode_assists ?
		    (int8_t)((info >> IOIO_SEG_SHIFT) & IOIO_SEG_MASK) : -1;
	/* EXITINFO2 holds the next RIP even without NRIP save (15.10.2). */
	x->insn_len = vmcb_r64(vmcb, VMCB_EXIT_INFO2) - x->rip;
}

static void decode_exit(struct vcpu *v, struct vm_exit *x)
{
	void *vmcb = svm(v)->vmcb;
	uint64_t code = vmcb_r64(vmcb, VMCB_EXIT_CODE);

	/* QEMU's TCG stores VMEXIT_INVALID (-1) in the low 32 bits only. */
	if (code == (uint32_t)SVM_EXIT_INVALID)
		code = SVM_EXIT_INVALID;
	*x = (struct vm_exit){ .reason = EXIT_UNKNOWN, .vendor_code = code,
			       .rip = vmcb_r64(vmcb, VMCB_RIP) };
	switch (code) {
	case SVM_EXIT_CPUID:
		x->reason = EXIT_CPUID;
		x->insn_len = INSN_LEN_CPUID;
		break;
	case SVM_EXIT_IOIO:
		decode_io(vmcb, x);
		break;
	case SVM_EXIT_MSR:
		x->reason = vmcb_r64(vmcb, VMCB_EXIT_INFO1) ? EXIT_MSR_WRITE :
							     EXIT_MSR_READ;
		x->msr.index = (uint32_t)v->gpr[REG_RCX];
		x->insn_len = INSN_LEN_RDWRMSR;
		break;
	case SVM_EXIT_NPF:
		x->reason = EXIT_STAGE2_FAULT;
		x->stage2.gpa = vmcb_r64(vmcb, VMCB_EXIT_INFO2);
		x->stage2.write = vmcb_r64(vmcb, VMCB_EXIT_INFO1) & NPF_WRITE;
		x->stage2.fetch = vmcb_r64(vmcb, VMCB_EXIT_INFO1) & NPF_FETCH;
		break;
	case SVM_EXIT_INVD:
		x->reason = EXIT_INVD;
		x->insn_len = INSN_LEN_INVD;
		break;
	case SVM_EXIT_HLT:
		x->reason = EXIT_HLT;
		x->insn_len = INSN_LEN_HLT;
		break;
	case SVM_EXIT_VMMCALL:
		x->reason = EXIT_HYPERCALL;
		x->insn_len = INSN_LEN_VMMCALL;
		break;
	case SVM_EXIT_SHUTDOWN:
		x->reason = EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_NMI:
		x->reason = EXIT_KICK;
		break;
	case SVM_EXIT_INTR:
		x->reason = EXIT_INTERRUPT;
		break;
	case SVM_EXIT_INVALID:
		x->reason = EXIT_INVALID_STATE;
		x->vendor_detail = "VMRUN refused the guest state (APM vol. 2 15.5.1 consistency checks)";
		break;
	default:
		if (code >= SVM_EXIT_VMRUN && code <= SVM_EXIT_SKINIT)
			x->reason = EXIT_VIRT_INSN;
		break;
	}
}

/*
 * An event whose delivery an exit cut short is delivered again at the next
 * entry (APM vol. 2 15.7.2): an external interrupt after any exit (one
 * injected from a software LAPIC, or one the guest took from its own
 * core's, already acknowledged there), and an exception the hypervisor
 * injected (a #GP for a refused MSR) when a shared core's timer cut in.
 * NMIs are nmi_track's; software interrupts run again from their
 * instruction.
 */
static void reinject_cut_event(void *vmcb, const struct vm_exit *x)
{
	uint64_t info = vmcb_r64(vmcb, VMCB_EXIT_INT_INFO);
	uint64_t type = info & EVENTINJ_TYPE_MASK;

	if (!(info & EVENTINJ_VALID))
		return;
	/* QEMU's TCG writes an interrupt it was delivering as an exception. */
	if (type == EVENTINJ_TYPE_EXCEPTION &&
	    (info & EVENTINJ_VECTOR_MASK) >= FIRST_INTERRUPT_VECTOR) {
		info = (info & ~EVENTINJ_TYPE_MASK & ~EVENTINJ_ERROR_VALID) |
		       EVENTINJ_TYPE_INTR;
		type = EVENTINJ_TYPE_INTR;
	}
	if (type == EVENTINJ_TYPE_INTR ||
	    (type == EVENTINJ_TYPE_EXCEPTION && x->reason == EXIT_INTERRUPT))
		vmcb_w64(vmcb, VMCB_EVENT_INJ, info);
}

/*
 * With V_INTR_MASKING the guest's CR8 is V_TPR (APM vol. 2 15.21.1), not
 * the core's TPR: on a shared core it mirrors TPR[7:4] of the software
 * LAPIC, which a CR8 write changes (SDM vol. 3A 11.8.6.1).
 */
static void tpr_to_vmcb(void *vmcb, const struct vcpu *v)
{
	uint64_t vintr = vmcb_r64(vmcb, VMCB_VINTR) & ~VINTR_TPR_MASK;

	vmcb_w64(vmcb, VMCB_VINTR, vintr | (v->lapic.tpr >> 4));
}

static void tpr_from_vmcb(const void *vmcb, struct vcpu *v)
{
	uint32_t cr8 = vmcb_r64(vmcb, VMCB_VINTR) & VINTR_TPR_MASK;

	if (cr8 != v->lapic.tpr >> 4)
		v->lapic.tpr = cr8 << 4;
}

static void svm_vcpu_run(struct vcpu *v, struct vm_exit *exit)
{
	struct svm_vcpu *s = svm(v);
	void *vmcb = s->vmcb;

	vmcb_w64(vmcb, VMCB_RAX, v->gpr[REG_RAX]);
	vmcb_w64(vmcb, VMCB_RSP, v->gpr[REG_RSP]);
	/* No clean bits are claimed: the CPU reloads everything (15.15.3). */
	vmcb_w32(vmcb, VMCB_CLEAN, 0);
	vmcb_w32(vmcb, VMCB_TLB_CONTROL, s->flush_pending ? TLB_FLUSH_ALL : 0);
	s->flush_pending = false;
	if (s->shared)
		tpr_to_vmcb(vmcb, v);
	svm_enter(v->gpr, s->vmcb_pa, s->host_area_pa, s->shared);
	if (s->shared)
		tpr_from_vmcb(vmcb, v);
	v->gpr[REG_RAX] = vmcb_r64(vmcb, VMCB_RAX);
	v->gpr[REG_RSP] = vmcb_r64(vmcb, VMCB_RSP);
	decode_exit(v, exit);
	reinject_cut_event(vmcb, exit);
	if (exit->vendor_code == SVM_EXIT_VINTR) {
		vintr_window(vmcb, false);
		exit->reason = EXIT_HANDLED;
	}
	if (nmi_track(v, exit->vendor_code, exit))
		exit->reason = EXIT_HANDLED;
}

/*
 * INTR intercepted with V_INTR_MASKING (APM vol. 2 15.21.1): physical
 * interrupts are masked by the host's IF, which svm_enter sets around
 * VMRUN, not by the guest's, so the timer exits whatever the guest does,
 * HLT included. The guest's own IF then masks only virtual interrupts:
 * those of its software LAPIC, injected by svm_inject_irq.
 */
static int svm_vcpu_share(struct vcpu *v)
{
	struct svm_vcpu *s = svm(v);

	s->shared = true;
	vmcb_w32(s->vmcb, VMCB_INTERCEPT_MISC1,
		 vmcb_r32(s->vmcb, VMCB_INTERCEPT_MISC1) | MISC1_INTR);
	vmcb_w64(s->vmcb, VMCB_VINTR, VINTR_MASKING);
	return 0;
}

static void svm_set_rip(struct vcpu *v, uint64_t rip)
{
	vmcb_w64(svm(v)->vmcb, VMCB_RIP, rip);
}

static void svm_get_paging(struct vcpu *v, struct guest_paging *p)
{
	void *vmcb = svm(v)->vmcb;

	p->cr0 = vmcb_r64(vmcb, VMCB_CR0);
	p->cr3 = vmcb_r64(vmcb, VMCB_CR3);
	p->cr4 = vmcb_r64(vmcb, VMCB_CR4);
	p->efer = vmcb_r64(vmcb, VMCB_EFER) & ~EFER_SVME;
}

static unsigned int svm_code_bits(struct vcpu *v)
{
	void *vmcb = svm(v)->vmcb;
	uint16_t attr = vmcb_r16(vmcb, VMCB_CS + SEG_ATTRIB);

	if (!(vmcb_r64(vmcb, VMCB_CR0) & CR0_PE))
		return 16;
	if ((vmcb_r64(vmcb, VMCB_EFER) & (1ULL << 10)) && (attr & ATTR_L))
		return 64;
	return attr & ATTR_DB ? 32 : 16;
}

static uint64_t svm_cs_base(struct vcpu *v)
{
	return vmcb_r64(svm(v)->vmcb, VMCB_CS + SEG_BASE);
}

static uint64_t svm_seg_base(struct vcpu *v, unsigned int seg)
{
	return vmcb_r64(svm(v)->vmcb, VMCB_ES + seg * VMCB_SEG_STRIDE +
			SEG_BASE);
}

static uint64_t svm_get_rflags(struct vcpu *v)
{
	return vmcb_r64(svm(v)->vmcb, VMCB_RFLAGS);
}

static void svm_set_rflags(struct vcpu *v, uint64_t rflags)
{
	vmcb_w64(svm(v)->vmcb, VMCB_RFLAGS, rflags);
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector,
				 bool has_error, uint32_t error)
{
	uint64_t ev = vector | EVENTINJ_TYPE_EXCEPTION | EVENTINJ_VALID;

	if (has_error)
		ev |= EVENTINJ_ERROR_VALID | ((uint64_t)error << 32);
	vmcb_w64(svm(v)->vmcb, VMCB_EVENT_INJ, ev);
}

/*
 * The software LAPIC's interrupt is offered as a virtual interrupt (V_IRQ
 * with its vector and priority, V_TPR ignored: APM vol. 2 15.21.4), which
 * the guest takes as soon as its IF allows, out of HLT too; the CPU clears
 * V_IRQ when it does. Not EVENTINJ: QEMU's TCG (7.2) leaves an interrupt
 * injected at VMRUN as a pending exception after delivering it, and
 * delivers it a second time at its next loop exit that is not a #VMEXIT
 * (seen under -icount: once in 66 TSC deadlines, into the first handler).
 */
static bool svm_inject_irq(struct vcpu *v, uint8_t vector)
{
	struct svm_vcpu *s = svm(v);
	void *vmcb = s->vmcb;
	uint64_t vintr;

	/* An event an exit cut short goes first; then a window exit. */
	if (vmcb_r64(vmcb, VMCB_EVENT_INJ) & EVENTINJ_VALID) {
		vintr_window(vmcb, true);
		return false;
	}
	vintr_window(vmcb, false);
	vintr = vmcb_r64(vmcb, VMCB_VINTR) & ~VINTR_REQUEST_MASK;
	vmcb_w64(vmcb, VMCB_VINTR, vintr | VINTR_IRQ | VINTR_IGN_TPR |
		 (uint64_t)(vector >> 4) << VINTR_PRIO_SHIFT |
		 (uint64_t)vector << VINTR_VECTOR_SHIFT);
	s->irq_offered = true;
	return true;
}

static bool svm_irq_taken(struct vcpu *v)
{
	struct svm_vcpu *s = svm(v);
	void *vmcb = s->vmcb;
	uint64_t vintr = vmcb_r64(vmcb, VMCB_VINTR);

	if (!s->irq_offered)
		return false;
	s->irq_offered = false;
	vmcb_w64(vmcb, VMCB_VINTR, vintr & ~VINTR_REQUEST_MASK);
	return !(vintr & VINTR_IRQ);
}

/* Guest MSRs in the save area, kept there by VMSAVE/VMLOAD (15.5.1). */
static unsigned int save_area_offset(uint32_t index)
{
	switch (index) {
	case MSR_FS_BASE:
		return VMCB_FS + SEG_BASE;
	case MSR_GS_BASE:
		return VMCB_GS + SEG_BASE;
	case MSR_KERNEL_GS_BASE:
		return VMCB_KERNEL_GS_BASE;
	case MSR_LSTAR:
		return VMCB_LSTAR;
	case MSR_CSTAR:
		return VMCB_CSTAR;
	case MSR_PAT:
		return VMCB_G_PAT;
	default:
		return 0;
	}
}

static bool svm_msr_read(struct vcpu *v, uint32_t index, uint64_t *value)
{
	void *vmcb = svm(v)->vmcb;
	unsigned int offset = save_area_offset(index);

	if (index == MSR_EFER)
		*value = vmcb_r64(vmcb, VMCB_EFER) & ~EFER_SVME;
	else if (offset)
		*value = vmcb_r64(vmcb, offset);
	else
		return false;
	return true;
}

static bool svm_msr_write(struct vcpu *v, uint32_t index, uint64_t value)
{
	void *vmcb = svm(v)->vmcb;
	unsigned int offset = save_area_offset(index);

	/* LMA is read-only: a write made in long mode must keep it. */
	if (index == MSR_EFER)
		vmcb_w64(vmcb, VMCB_EFER, (value & GUEST_EFER_WRITABLE) |
			 (vmcb_r64(vmcb, VMCB_EFER) & EFER_LMA) | EFER_SVME);
	else if (offset)
		vmcb_w64(vmcb, offset, value);
	else
		return false;
	return true;
}

/* Added to the TSC for RDTSC, RDTSCP and RDMSR in the guest (15.30.5). */
static void svm_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
	vmcb_w64(svm(v)->vmcb, VMCB_TSC_OFFSET, offset);
}

/* 1 GiB nested pages need the host CPU's 1 GiB page support. */
static bool svm_stage2_1g(void)
{
	return cpuid(0x80000001U, 0).edx & CPUID_EXT1_EDX_1G;
}

const struct virt_ops svm_ops = {
	.name = "SVM",
	.cpu_enable = svm_cpu_enable,
	.stage2_format = &pt_format_npt,
	.stage2_1g = svm_stage2_1g,
	.vcpu_create = svm_vcpu_create,
	.vcpu_reset = svm_vcpu_reset,
	.vcpu_share = svm_vcpu_share,
	.vcpu_run = svm_vcpu_run,
	.set_rip = svm_set_rip,
	.get_paging = svm_get_paging,
	.code_bits = svm_code_bits,
	.cs_base = svm_cs_base,
	.seg_base = svm_seg_base,
	.get_rflags = svm_get_rflags,
	.set_rflags = svm_set_rflags,
	.inject_exception = svm_inject_exception,
	.inject_nmi = svm_inject_nmi,
	.inject_irq = svm_inject_irq,
	.irq_taken = svm_irq_taken,
	.msr_read = svm_msr_read,
	.msr_write = svm_msr_write,
	.set_tsc_offset = svm_set_tsc_offset,
};

