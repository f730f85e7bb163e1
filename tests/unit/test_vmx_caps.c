/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/asm.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "lib/errno.h"

/*
 * Capability MSRs shaped like a Skylake server's (and Bochs'
 * corei7_skylake_x): TRUE controls, EPT with 2M/1G pages, VPID,
 * unrestricted guest. Allowed-0 settings low, allowed-1 settings high.
 */
#define BASIC		0x00da040000000004ULL	/* bit 55: TRUE_* MSRs */
#define PIN		0x0000007f00000016ULL	/* default1: 1, 2, 4 */
#define PROC		0xfff9fffe04006172ULL	/* default1 without CR3 exits */
#define PROC_NOT_TRUE	0xfff9fffe0401e172ULL	/* CR3-load/store forced on */
#define PROC2		0x00f1fffb00000000ULL
#define EXIT		0x01ffffff00036dfbULL
#define ENTRY		0x0003ffff000011fbULL
#define EPT_VPID	0x00000f0106734141ULL
#define CR0_FIXED0	0x80000021ULL		/* PE, NE, PG */
#define CR0_FIXED1	0xffffffffULL
#define CR4_FIXED0	0x2000ULL		/* VMXE */
#define CR4_FIXED1	0x3727ffULL

static struct vmx_caps caps;
static struct vmx_config cfg;
static const char *problem;

static int setup(void **state)
{
	(void)state;
	caps = (struct vmx_caps){
		.basic = BASIC, .pin = PIN, .proc = PROC, .proc2 = PROC2,
		.exit = EXIT, .entry = ENTRY, .ept_vpid = EPT_VPID,
		.cr0_fixed0 = CR0_FIXED0, .cr0_fixed1 = CR0_FIXED1,
		.cr4_fixed0 = CR4_FIXED0, .cr4_fixed1 = CR4_FIXED1,
	};
	problem = NULL;
	return 0;
}

static void expect_refusal(const char *words)
{
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), -ENODEV);
	assert_non_null(problem);
	assert_non_null(strstr(problem, words));
}

static void test_controls_of_a_skylake(void **state)
{
	(void)state;
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	/*
	 * Reserved default1 bits forced on, NMI exiting and virtual NMIs, no
	 * interrupt exits; NMI-window exiting is set only while an NMI waits.
	 */
	assert_int_equal(cfg.pin, 0x16 | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS);
	assert_false(cfg.proc & PROC_NMI_WINDOW_EXITING);
	assert_int_equal(cfg.proc, 0x04006172U | PROC_USE_IO_BITMAPS |
				   PROC_USE_MSR_BITMAPS | PROC_USE_TSC_OFFSETTING |
				   PROC_SECONDARY_CONTROLS);
	assert_false(cfg.proc & (PROC_HLT_EXITING | PROC_CR3_LOAD_EXITING |
				 PROC_RDTSC_EXITING));
	assert_int_equal(cfg.proc2, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID |
				    PROC2_UNRESTRICTED_GUEST |
				    PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID |
				    PROC2_ENABLE_XSAVES);
	/* Debug controls: the TRUE MSRs allow them off, guests need them. */
	assert_int_equal(cfg.exit, 0x36dfbU | EXIT_SAVE_DEBUG_CONTROLS |
				   EXIT_HOST_ADDR_SPACE_SIZE |
				   EXIT_SAVE_EFER | EXIT_LOAD_EFER |
				   EXIT_SAVE_PAT | EXIT_LOAD_PAT);
	assert_int_equal(cfg.entry, 0x11fbU | ENTRY_LOAD_DEBUG_CONTROLS |
				    ENTRY_LOAD_EFER | ENTRY_LOAD_PAT);
	assert_true(cfg.vpid);
	assert_int_equal(cfg.eptp_memtype, 6);
	assert_int_equal(cfg.invept_type, INVEPT_SINGLE_CONTEXT);
}

static void test_missing_features_are_named(void **state)
{
	(void)state;
	caps.proc2 &= ~((uint64_t)PROC2_UNRESTRICTED_GUEST << 32);
	expect_refusal("unrestricted guest");

	setup(NULL);
	caps.pin &= ~((uint64_t)PIN_NMI_EXITING << 32);
	expect_refusal("NMI exiting");

	setup(NULL);
	caps.pin &= ~((uint64_t)PIN_VIRTUAL_NMIS << 32);
	expect_refusal("virtual NMIs");

	setup(NULL);
	caps.proc &= ~((uint64_t)PROC_NMI_WINDOW_EXITING << 32);
	expect_refusal("NMI-window exiting");

	/* Forced on, the NMI window would never close. */
	setup(NULL);
	caps.proc |= PROC_NMI_WINDOW_EXITING;
	expect_refusal("processor-based control");

	setup(NULL);
	caps.proc &= ~((uint64_t)PROC_SECONDARY_CONTROLS << 32);
	expect_refusal("secondary controls");

	setup(NULL);
	caps.exit &= ~((uint64_t)EXIT_LOAD_EFER << 32);
	expect_refusal("IA32_EFER");

	setup(NULL);
	caps.entry &= ~((uint64_t)ENTRY_LOAD_PAT << 32);
	expect_refusal("IA32_PAT");

	setup(NULL);
	caps.proc &= ~((uint64_t)PROC_USE_MSR_BITMAPS << 32);
	expect_refusal("MSR bitmaps");
}

static void test_forced_controls_are_refused(void **state)
{
	(void)state;
	/* Without TRUE_* MSRs, CR3-load/store exiting cannot be turned off. */
	caps.proc = PROC_NOT_TRUE;
	expect_refusal("CR3-load exiting");

	setup(NULL);
	caps.pin |= PIN_EXT_INT_EXITING;
	expect_refusal("pin-based");
}

static void test_optional_controls_only_where_available(void **state)
{
	(void)state;
	caps.proc2 &= ~((uint64_t)(PROC2_ENABLE_VPID | PROC2_ENABLE_XSAVES |
				   PROC2_ENABLE_RDTSCP) << 32);
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	assert_false(cfg.vpid);
	assert_int_equal(cfg.proc2, PROC2_ENABLE_EPT |
				    PROC2_UNRESTRICTED_GUEST |
				    PROC2_ENABLE_INVPCID);
}

static void test_ept_capabilities(void **state)
{
	(void)state;
	caps.ept_vpid &= ~(EPT_CAP_MEMTYPE_WB | EPT_CAP_INVEPT_SINGLE);
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	assert_int_equal(cfg.eptp_memtype, 0);
	assert_int_equal(cfg.invept_type, INVEPT_ALL_CONTEXT);

	caps.ept_vpid &= ~EPT_CAP_MEMTYPE_UC;
	expect_refusal("write-back");

	setup(NULL);
	caps.ept_vpid &= ~EPT_CAP_WALK_4;
	expect_refusal("4-level");

	setup(NULL);
	caps.ept_vpid &= ~(EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL);
	expect_refusal("INVEPT");
}

static void test_guest_cr0_and_cr4(void **state)
{
	uint64_t reset = CR0_CD | CR0_NW | CR0_ET;

	(void)state;
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	/* NE is forced; PE and PG stay the guest's with unrestricted guest. */
	assert_int_equal(vmx_cr0_real(&cfg, CR0_PE | CR0_ET),
			 CR0_PE | CR0_ET | CR0_NE);
	assert_int_equal(vmx_cr0_real(&cfg, reset), reset | CR0_NE);
	/* The host owns NE (forced), PG (intercepted) and bits 63:32. */
	assert_true(cfg.cr0_mask & CR0_NE);
	assert_true(cfg.cr0_mask & CR0_PG);
	assert_true(cfg.cr0_mask & (1ULL << 32));
	assert_false(cfg.cr0_mask & (CR0_PE | CR0_CD | CR0_NW | CR0_WP));
	/* The guest reads back what it wrote, not the forced NE. */
	assert_int_equal(vmx_cr_visible(reset | CR0_NE, reset, cfg.cr0_mask),
			 reset);
	assert_int_equal(vmx_cr4_real(&cfg, CR4_PAE), CR4_PAE | CR4_VMXE);
	assert_int_equal(vmx_cr_visible(CR4_PAE | CR4_VMXE, CR4_PAE,
					 cfg.cr4_mask), CR4_PAE);
	assert_true(cfg.cr4_mask & CR4_VMXE);
	assert_false(cfg.cr4_mask & CR4_PAE);

	/* A CPU that cannot run with caching off: CD and NW are hidden. */
	caps.cr0_fixed1 = CR0_FIXED1 & ~(CR0_CD | CR0_NW);
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	assert_int_equal(vmx_cr0_real(&cfg, reset), CR0_ET | CR0_NE);
	assert_true(cfg.cr0_mask & CR0_CD);
	assert_int_equal(vmx_cr_visible(CR0_ET | CR0_NE, reset,
					cfg.cr0_mask), reset);
}

/* A CPU's MSRs for vmx_read_caps; reading one not listed fails the test. */
struct fake_msr {
	uint32_t index;
	uint64_t value;
};

static const struct fake_msr *fake_msrs;
static unsigned int fake_msr_count;

static uint64_t fake_read(uint32_t msr)
{
	for (unsigned int i = 0; i < fake_msr_count; i++)
		if (fake_msrs[i].index == msr)
			return fake_msrs[i].value;
	fail_msg("read of MSR %#x, which this CPU does not have", msr);
	return 0;
}

#define FAKE(table) (fake_msrs = (table), \
		     fake_msr_count = sizeof(table) / sizeof((table)[0]))

static void test_caps_read_from_the_true_msrs(void **state)
{
	static const struct fake_msr skylake[] = {
		{ MSR_IA32_VMX_BASIC, BASIC },
		{ MSR_IA32_VMX_PINBASED_CTLS, 0x7f00000016ULL | 0xffULL },
		{ MSR_IA32_VMX_TRUE_PINBASED_CTLS, PIN },
		{ MSR_IA32_VMX_PROCBASED_CTLS, PROC_NOT_TRUE },
		{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, PROC },
		{ MSR_IA32_VMX_PROCBASED_CTLS2, PROC2 },
		{ MSR_IA32_VMX_EXIT_CTLS, EXIT | 0xffff },
		{ MSR_IA32_VMX_TRUE_EXIT_CTLS, EXIT },
		{ MSR_IA32_VMX_ENTRY_CTLS, ENTRY | 0xffff },
		{ MSR_IA32_VMX_TRUE_ENTRY_CTLS, ENTRY },
		{ MSR_IA32_VMX_EPT_VPID_CAP, EPT_VPID },
		{ MSR_IA32_VMX_CR0_FIXED0, CR0_FIXED0 },
		{ MSR_IA32_VMX_CR0_FIXED1, CR0_FIXED1 },
		{ MSR_IA32_VMX_CR4_FIXED0, CR4_FIXED0 },
		{ MSR_IA32_VMX_CR4_FIXED1, CR4_FIXED1 },
	};
	struct vmx_caps c;

	(void)state;
	FAKE(skylake);
	vmx_read_caps(&c, fake_read);
	assert_int_equal(c.pin, PIN);
	assert_int_equal(c.proc, PROC);
	assert_int_equal(c.exit, EXIT);
	assert_int_equal(c.entry, ENTRY);
	assert_int_equal(c.proc2, PROC2);
	assert_int_equal(c.ept_vpid, EPT_VPID);
	assert_int_equal(c.cr0_fixed0, CR0_FIXED0);
	assert_int_equal(c.cr4_fixed1, CR4_FIXED1);
	/* With the TRUE MSRs, CR3 exiting may be off: the CPU is usable. */
	assert_int_equal(vmx_configure(&c, &cfg, &problem), 0);
	assert_false(cfg.proc & (PROC_CR3_LOAD_EXITING |
				 PROC_CR3_STORE_EXITING));
}

static void test_caps_without_true_msrs(void **state)
{
	/* An old CPU: no TRUE_* MSRs, no secondary controls, so no EPT. */
	static const struct fake_msr old[] = {
		{ MSR_IA32_VMX_BASIC, BASIC & ~VMX_BASIC_TRUE_CTLS },
		{ MSR_IA32_VMX_PINBASED_CTLS, PIN },
		{ MSR_IA32_VMX_PROCBASED_CTLS,
		  PROC_NOT_TRUE & ~((uint64_t)PROC_SECONDARY_CONTROLS << 32) },
		{ MSR_IA32_VMX_EXIT_CTLS, EXIT },
		{ MSR_IA32_VMX_ENTRY_CTLS, ENTRY },
		{ MSR_IA32_VMX_CR0_FIXED0, CR0_FIXED0 },
		{ MSR_IA32_VMX_CR0_FIXED1, CR0_FIXED1 },
		{ MSR_IA32_VMX_CR4_FIXED0, CR4_FIXED0 },
		{ MSR_IA32_VMX_CR4_FIXED1, CR4_FIXED1 },
	};
	/* Secondary controls without EPT or VPID: no EPT/VPID MSR. */
	static const struct fake_msr no_ept[] = {
		{ MSR_IA32_VMX_BASIC, BASIC },
		{ MSR_IA32_VMX_TRUE_PINBASED_CTLS, PIN },
		{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, PROC },
		{ MSR_IA32_VMX_PROCBASED_CTLS2,
		  PROC2 & ~((uint64_t)(PROC2_ENABLE_EPT | PROC2_ENABLE_VPID)
			    << 32) },
		{ MSR_IA32_VMX_TRUE_EXIT_CTLS, EXIT },
		{ MSR_IA32_VMX_TRUE_ENTRY_CTLS, ENTRY },
		{ MSR_IA32_VMX_CR0_FIXED0, CR0_FIXED0 },
		{ MSR_IA32_VMX_CR0_FIXED1, CR0_FIXED1 },
		{ MSR_IA32_VMX_CR4_FIXED0, CR4_FIXED0 },
		{ MSR_IA32_VMX_CR4_FIXED1, CR4_FIXED1 },
	};
	struct vmx_caps c;

	(void)state;
	FAKE(old);
	vmx_read_caps(&c, fake_read);
	assert_int_equal(c.proc, old[2].value);
	assert_int_equal(c.proc2, 0);
	assert_int_equal(c.ept_vpid, 0);
	/* CR3 exiting forced on is refused before EPT is even looked at. */
	assert_int_equal(vmx_configure(&c, &cfg, &problem), -ENODEV);
	assert_non_null(strstr(problem, "CR3-load exiting"));

	FAKE(no_ept);
	vmx_read_caps(&c, fake_read);
	assert_int_equal(c.ept_vpid, 0);
	assert_int_equal(vmx_configure(&c, &cfg, &problem), -ENODEV);
	assert_non_null(strstr(problem, "no EPT"));
}

/*
 * Guests own their interrupts and halt natively: no control that makes
 * an interrupt or HLT exit is ever set, and a CPU that forces one is
 * refused rather than run with exits nothing handles.
 */
static void test_interrupts_and_hlt_do_not_exit(void **state)
{
	(void)state;
	/* A CPU that allows every one of them. */
	caps.pin |= (uint64_t)PIN_EXT_INT_EXITING << 32;
	caps.proc |= (uint64_t)(PROC_HLT_EXITING | PROC_INTR_WINDOW_EXITING)
		     << 32;
	caps.exit |= (uint64_t)EXIT_ACK_INTR_ON_EXIT << 32;
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	assert_false(cfg.pin & PIN_EXT_INT_EXITING);
	assert_false(cfg.proc & (PROC_HLT_EXITING | PROC_INTR_WINDOW_EXITING));
	assert_false(cfg.exit & EXIT_ACK_INTR_ON_EXIT);

	setup(NULL);
	caps.proc |= PROC_HLT_EXITING;
	expect_refusal("processor-based control");

	setup(NULL);
	caps.exit |= EXIT_ACK_INTR_ON_EXIT;
	expect_refusal("VM-exit control");
}

/* The chaos guest's CR0 write that left IA-32e mode from 64-bit code. */
static void test_cr0_writes_that_fault(void **state)
{
	uint64_t on = CR0_PE | CR0_ET | CR0_PG, efer = EFER_LME | EFER_LMA;

	(void)state;
	assert_true(vmx_cr0_write_faults(on, on & ~CR0_PG, CR4_PAE, efer,
					 true));
	/* From compatibility mode, clearing PG leaves IA-32e mode. */
	assert_false(vmx_cr0_write_faults(on, on & ~CR0_PG, CR4_PAE, efer,
					  false));
	assert_false(vmx_cr0_write_faults(on, on | CR0_WP, CR4_PAE, efer,
					  true));
	assert_true(vmx_cr0_write_faults(on, on | (1ULL << 32), CR4_PAE,
					 efer, true));
	assert_true(vmx_cr0_write_faults(0, CR0_PG, 0, 0, false));
	assert_true(vmx_cr0_write_faults(on, on | CR0_NW, CR4_PAE, efer,
					 true));
	assert_false(vmx_cr0_write_faults(on, on | CR0_NW | CR0_CD, CR4_PAE,
					  efer, true));
	/* Entering IA-32e mode needs PAE; PAE-less 32-bit paging does not. */
	assert_true(vmx_cr0_write_faults(CR0_PE, CR0_PE | CR0_PG, 0,
					 EFER_LME, false));
	assert_false(vmx_cr0_write_faults(CR0_PE, CR0_PE | CR0_PG, 0, 0,
					  false));
}

static void test_cr_access_qualification(void **state)
{
	struct vmx_cr_access a;

	(void)state;
	/* mov %eax, %cr0 */
	vmx_decode_cr_access(0x0, &a);
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, CR_QUAL_TYPE_MOV_TO);
	assert_int_equal(a.gpr, 0);
	/* mov %rbx, %cr4: register 3 in bits 11:8. */
	vmx_decode_cr_access(0x304, &a);
	assert_int_equal(a.cr, 4);
	assert_int_equal(a.type, CR_QUAL_TYPE_MOV_TO);
	assert_int_equal(a.gpr, 3);
	/* mov %cr3, %r15: type 1 (from CR). */
	vmx_decode_cr_access(0xf13, &a);
	assert_int_equal(a.cr, 3);
	assert_int_equal(a.type, 1);
	assert_int_equal(a.gpr, 15);
	/* lmsw $0x1 (type 3): the source data in bits 31:16 is not a GPR. */
	vmx_decode_cr_access(0x10030, &a);
	assert_int_equal(a.cr, 0);
	assert_int_equal(a.type, 3);
	assert_int_equal(a.gpr, 0);
}

static void test_exit_kinds(void **state)
{
	(void)state;
	assert_int_equal(vmx_exit_kind(VMX_EXIT_CPUID), EXIT_CPUID);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_HLT), EXIT_HLT);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_EXTERNAL_INTERRUPT),
			 EXIT_INTERRUPT);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_PREEMPTION_TIMER),
			 EXIT_INTERRUPT);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_VMCALL), EXIT_HYPERCALL);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_IO), EXIT_IO);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_RDMSR), EXIT_MSR_READ);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_WRMSR), EXIT_MSR_WRITE);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_EPT_VIOLATION),
			 EXIT_STAGE2_FAULT);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_TRIPLE_FAULT), EXIT_SHUTDOWN);
	for (uint32_t r = VMX_EXIT_VMCLEAR; r <= VMX_EXIT_VMXON; r++)
		assert_int_equal(vmx_exit_kind(r), EXIT_VIRT_INSN);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_INVEPT), EXIT_VIRT_INSN);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_INVVPID), EXIT_VIRT_INSN);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_INVD), EXIT_INVD);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_INVALID_GUEST_STATE),
			 EXIT_INVALID_STATE);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_MSR_LOADING),
			 EXIT_INVALID_STATE);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_MACHINE_CHECK),
			 EXIT_INVALID_STATE);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_EPT_MISCONFIG),
			 EXIT_INVALID_STATE);
	/* INIT and SIPI reach guests through the emulated xAPIC only. */
	assert_int_equal(vmx_exit_kind(VMX_EXIT_INIT), EXIT_UNKNOWN);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_SIPI), EXIT_UNKNOWN);
	assert_int_equal(vmx_exit_kind(VMX_EXIT_TASK_SWITCH), EXIT_UNKNOWN);
}

static void test_io_qualification(void **state)
{
	struct vm_exit x = { 0 };

	(void)state;
	/* out %al, $0xf4: size 0 (1 byte), immediate operand (bit 6). */
	vmx_decode_io(0x00f40040ULL, &x);
	assert_int_equal(x.reason, EXIT_IO);
	assert_int_equal(x.io.port, 0xf4);
	assert_int_equal(x.io.size, 1);
	assert_false(x.io.in);
	assert_false(x.io.string);
	assert_false(x.io.rep);
	/* in %dx, %eax from 0x3f8. */
	vmx_decode_io(0x03f8000bULL, &x);
	assert_int_equal(x.io.port, 0x3f8);
	assert_int_equal(x.io.size, 4);
	assert_true(x.io.in);
	/* rep outsw to 0x3f8. */
	vmx_decode_io(0x03f80031ULL, &x);
	assert_int_equal(x.io.size, 2);
	assert_false(x.io.in);
	assert_true(x.io.string);
	assert_true(x.io.rep);
	assert_int_equal(x.io.seg, -1);
	/* Its instruction info: 32-bit addressing (1 << 7), FS (4 << 15). */
	vmx_decode_io_string(0x00020080U, &x);
	assert_int_equal(x.io.addr_size, 4);
	assert_int_equal(x.io.seg, 4);
	vmx_decode_io_string(0x00018100U, &x);	/* 64-bit, DS */
	assert_int_equal(x.io.addr_size, 8);
	assert_int_equal(x.io.seg, 3);
	vmx_decode_io_string(0, &x);		/* 16-bit, ES */
	assert_int_equal(x.io.addr_size, 2);
	assert_int_equal(x.io.seg, 0);
}

static void test_ept_violation_qualification(void **state)
{
	struct vm_exit x = { 0 };

	(void)state;
	/* A read with a valid linear address (bits 7, 8). */
	vmx_decode_ept_violation(0x181, 0x1000000, &x);
	assert_int_equal(x.reason, EXIT_STAGE2_FAULT);
	assert_int_equal(x.stage2.gpa, 0x1000000);
	assert_false(x.stage2.write);
	assert_false(x.stage2.fetch);
	vmx_decode_ept_violation(0x182, 0xfee00300, &x);
	assert_true(x.stage2.write);
	assert_false(x.stage2.fetch);
	vmx_decode_ept_violation(0x184, 0x7f000000, &x);
	assert_true(x.stage2.fetch);
}

static void test_insn_error_text(void **state)
{
	(void)state;
	assert_non_null(strstr(vmx_insn_error_text(7), "control fields"));
	assert_non_null(strstr(vmx_insn_error_text(8), "host-state"));
	assert_non_null(strstr(vmx_insn_error_text(99), "31.4"));
	assert_non_null(strstr(vmx_insn_error_text(0), "31.4"));
}

static void test_pat(void **state)
{
	(void)state;
	assert_true(vmx_pat_valid(0x0007040600070406ULL));
	assert_false(vmx_pat_valid(0x0007040600070402ULL));
	assert_false(vmx_pat_valid(0x0807040600070406ULL));
}

static void test_xcr0(void **state)
{
	const uint64_t cpu = 0x2ff;	/* x87 .. AVX-512, PKRU */

	(void)state;
	assert_true(vmx_xcr0_valid(0x1, cpu));
	assert_true(vmx_xcr0_valid(0x7, cpu));
	assert_true(vmx_xcr0_valid(0xe7, cpu));
	assert_true(vmx_xcr0_valid(0x207, cpu));
	assert_false(vmx_xcr0_valid(0x0, cpu));		/* x87 is mandatory */
	assert_false(vmx_xcr0_valid(0x2, cpu));
	assert_false(vmx_xcr0_valid(0x5, cpu));		/* AVX without SSE */
	assert_false(vmx_xcr0_valid(0x67, cpu));	/* part of AVX-512 */
	assert_false(vmx_xcr0_valid(0xe3, cpu));	/* AVX-512, no AVX */
	assert_false(vmx_xcr0_valid(0x0b, cpu));	/* half of MPX */
	assert_false(vmx_xcr0_valid(0x407, cpu));	/* not supported */
}

/* The state vcpu_reset gives a Multiboot entry: flat 32-bit, PG off. */
static struct vmx_guest_state protected32(void)
{
	struct vmx_guest_state g = {
		.cr0 = CR0_PE | CR0_ET | CR0_NE, .cr4 = CR4_VMXE,
		.pat = 0x0007040600070406ULL, .dr7 = 0x400, .rflags = 2,
		.rip = 0x100000, .link_pointer = ~0ULL,
		.entry_controls = ENTRY_LOAD_EFER | ENTRY_LOAD_PAT,
		.gdtr_limit = 0xffff, .idtr_limit = 0xffff,
	};

	for (int s = SEG_ES; s <= SEG_GS; s++)
		g.seg[s] = (typeof(g.seg[s])){ 0, 0xffffffff, 0xc093, 0 };
	g.seg[SEG_CS].selector = 8;
	g.seg[SEG_CS].ar = 0xc09b;
	g.seg[SEG_LDTR] = (typeof(g.seg[0])){ 0, 0xffff, 0x82, 0 };
	g.seg[SEG_TR] = (typeof(g.seg[0])){ 0, 0xffff, 0x8b, 0 };
	return g;
}

static void expect_state_problem(const struct vmx_guest_state *g,
				 const char *words)
{
	const char *why = vmx_check_guest_state(&cfg, g);

	assert_non_null(why);
	assert_non_null(strstr(why, words));
}

static void test_guest_state_checks(void **state)
{
	struct vmx_guest_state g;

	(void)state;
	assert_int_equal(vmx_configure(&caps, &cfg, &problem), 0);
	g = protected32();
	assert_null(vmx_check_guest_state(&cfg, &g));

	/* Real mode after a SIPI to page 8: 16-bit segments, CD/NW set. */
	for (int s = SEG_ES; s <= SEG_GS; s++)
		g.seg[s] = (typeof(g.seg[s])){ 0, 0xffff, 0x93, 0 };
	g.seg[SEG_CS] = (typeof(g.seg[0])){ 0x800, 0xffff, 0x9b, 0x8000 };
	g.cr0 = CR0_CD | CR0_NW | CR0_ET | CR0_NE;
	g.rip = 0;
	assert_null(vmx_check_guest_state(&cfg, &g));

	g = protected32();
	g.cr0 &= ~CR0_NE;
	expect_state_problem(&g, "CR0");
	g = protected32();
	g.cr4 = 0;
	expect_state_problem(&g, "CR4");
	g = protected32();
	g.seg[SEG_CS].ar = 0xc091;	/* read-only data */
	expect_state_problem(&g, "guest CS type");
	g = protected32();
	g.seg[SEG_DS].ar = 0x4093;	/* 4 GiB limit in bytes */
	expect_state_problem(&g, "guest DS limit and G");
	g = protected32();
	g.seg[SEG_TR].ar |= AR_UNUSABLE;
	expect_state_problem(&g, "TR");
	g = protected32();
	g.efer = 1ULL << 10;		/* LMA without IA-32e mode */
	expect_state_problem(&g, "LMA");
	g = protected32();
	g.entry_controls |= ENTRY_IA32E_MODE_GUEST;
	expect_state_problem(&g, "IA-32e mode guest without CR0.PG");
	g = protected32();
	g.rflags = 0;
	expect_state_problem(&g, "RFLAGS");
	g = protected32();
	g.interruptibility = INTERRUPTIBILITY_STI;
	expect_state_problem(&g, "STI");
	g = protected32();
	g.activity = 7;
	expect_state_problem(&g, "activity");
	g = protected32();
	g.link_pointer = 0;
	expect_state_problem(&g, "link pointer");
	g = protected32();
	g.pat = 2;
	expect_state_problem(&g, "PAT");
	g = protected32();
	g.rip = 1ULL << 32;
	expect_state_problem(&g, "RIP");
	g = protected32();
	g.seg[SEG_SS].ar = 0xc0b3;	/* DPL 1 while CS has DPL 0 */
	expect_state_problem(&g, "DPL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_controls_of_a_skylake, setup),
		cmocka_unit_test(test_cr0_writes_that_fault),
		cmocka_unit_test_setup(test_missing_features_are_named, setup),
		cmocka_unit_test_setup(test_forced_controls_are_refused, setup),
		cmocka_unit_test_setup(test_optional_controls_only_where_available, setup),
		cmocka_unit_test_setup(test_ept_capabilities, setup),
		cmocka_unit_test_setup(test_guest_cr0_and_cr4, setup),
		cmocka_unit_test_setup(test_caps_read_from_the_true_msrs, setup),
		cmocka_unit_test_setup(test_caps_without_true_msrs, setup),
		cmocka_unit_test_setup(test_interrupts_and_hlt_do_not_exit, setup),
		cmocka_unit_test_setup(test_exit_kinds, setup),
		cmocka_unit_test_setup(test_cr_access_qualification, setup),
		cmocka_unit_test_setup(test_io_qualification, setup),
		cmocka_unit_test_setup(test_ept_violation_qualification, setup),
		cmocka_unit_test_setup(test_insn_error_text, setup),
		cmocka_unit_test_setup(test_pat, setup),
		cmocka_unit_test_setup(test_xcr0, setup),
		cmocka_unit_test_setup(test_guest_state_checks, setup),
	};

	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
