/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_IOMMU_H
#define ARCH_X86_IOMMU_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * DMA and interrupt remapping: each partition's devices reach only that
 * partition's RAM, and send only the interrupts the hypervisor set up for
 * them. One driver per vendor (amd_vi.c for ACPI IVRS, vtd.c for DMAR)
 * behind struct iommu_ops, chosen from the ACPI tables, not the CPU.
 */

/* Which DMA remapping hardware the firmware describes, if any. */
enum iommu_kind {
	IOMMU_NONE,
	IOMMU_AMD_VI,	/* ACPI IVRS */
	IOMMU_VT_D,	/* ACPI DMAR */
};

#define IOMMU_MAX_DOMAINS	8	/* one per partition (CONFIG_MAX_PARTITIONS) */
#define IOMMU_IRQS_PER_DEVICE	64	/* MSI-X vectors remapped per function */
#define IOMMU_MAX_IOAPICS	8

/* One DMA or interrupt fault, as the IOMMU logged it. */
struct iommu_fault {
	uint16_t rid;		/* requester: bus << 8 | devfn */
	uint64_t address;	/* DMA address, or the interrupt's index */
	bool write;
	bool interrupt;		/* an interrupt-remapping fault */
	uint32_t reason;	/* the vendor's fault/event code */
	const char *what;	/* the vendor's name for it */
};

typedef void (*iommu_fault_fn)(const struct iommu_fault *f, void *ctx);

/* What a device (or an I/O APIC entry) must send for a remapped interrupt. */
struct iommu_msi {
	uint64_t address;
	uint32_t data;
};

/* The I/O APICs the hypervisor routes through (from the MADT). */
struct iommu_ioapic {
	uint8_t id;
	uint32_t address;
};

struct iommu_ops {
	const char *name;	/* "AMD-Vi", "VT-d" */
	enum iommu_kind kind;	/* the ACPI table it drives */
	/*
	 * On the boot CPU at takeover, own page tables live, before any
	 * partition runs: reads the ACPI table (IVRS or DMAR, whole, checksum
	 * checked), allocates every table, blocks every requester's DMA and
	 * interrupts, and turns translation and interrupt remapping on.
	 * Negative on error, with the reason logged.
	 */
	int (*init)(const uint8_t *table, uint32_t len,
		    const struct iommu_ioapic *ioapics, unsigned int ioapic_count);
	/* DMA of domain `domain` to [iova, iova + size) reaches hpa. */
	int (*map)(unsigned int domain, uint64_t iova, uint64_t hpa,
		   uint64_t size);
	/* rid's DMA goes through `domain` from now on (all caches flushed). */
	int (*attach)(uint16_t rid, unsigned int domain);
	/* rid is blocked again, DMA and interrupts, and caches flushed. */
	void (*detach)(uint16_t rid);
	/*
	 * Interrupt `index` of rid goes to the CPU with `apic_id` as fixed
	 * `vector`, physical destination, edge; *msg is what the device must
	 * write. Nothing else rid sends with that index gets through.
	 */
	int (*irq_set)(uint16_t rid, unsigned int index, uint32_t apic_id,
		       uint8_t vector, struct iommu_msi *msg);
	/* Interrupt `index` of rid is blocked again. */
	void (*irq_clear)(uint16_t rid, unsigned int index);
	/*
	 * The entry irq_set wrote for interrupt `index` of rid drops what it
	 * receives (masked, no fault logged) or delivers it again, changed
	 * in place and flushed: the message irq_set returned stays valid.
	 * Nothing happens to an entry that was never set or was cleared.
	 */
	void (*irq_mask)(uint16_t rid, unsigned int index, bool masked);
	/*
	 * The 64-bit redirection entry that makes I/O APIC `ioapic_id`'s pin
	 * deliver an edge NMI to `apic_id` with remapping on (the console).
	 */
	int (*ioapic_nmi)(uint8_t ioapic_id, unsigned int pin, uint32_t apic_id,
			  uint64_t *rte);
	/*
	 * I/O APIC `ioapic_id`'s `pin` (a PCI INTx line) sends fixed `vector`
	 * to the CPU with `apic_id`, and nothing else. *rte is the
	 * redirection entry for it, to which the caller adds the trigger
	 * mode, polarity and mask; its vector field (bits 7:0) is what an
	 * EOI written to that I/O APIC must name to re-arm the pin.
	 */
	int (*ioapic_irq)(uint8_t ioapic_id, unsigned int pin,
			  uint32_t apic_id, uint8_t vector, uint64_t *rte);
	/* That pin's interrupts are blocked again. */
	void (*ioapic_irq_clear)(uint8_t ioapic_id, unsigned int pin);
	/* Reports and clears every logged fault; returns how many. */
	unsigned int (*poll_faults)(iommu_fault_fn fn, void *ctx);
};

#endif
