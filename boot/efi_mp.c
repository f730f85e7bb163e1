/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_mp.h"
#include "boot/efi_util.h"

#define EFI_MP_SERVICES_PROTOCOL_GUID \
	{ 0x3fdda605, 0xa76e, 0x4f46, \
	  { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }
#define PROCESSOR_ENABLED_BIT	(1U << 1)

struct efi_processor_information {
	UINT64 processor_id;	/* the APIC ID */
	UINT32 status_flag;
	UINT32 package, core, thread;
};

/* Only the two members we call; the rest of the table is not used. */
struct efi_mp_services {
	EFI_STATUS (EFIAPI *get_number_of_processors)(
		struct efi_mp_services *self, UINTN *total, UINTN *enabled);
	EFI_STATUS (EFIAPI *get_processor_info)(
		struct efi_mp_services *self, UINTN number,
		struct efi_processor_information *info);
};

EFI_STATUS efi_mp_list_cpus(struct madt_info *info)
{
	EFI_GUID guid = EFI_MP_SERVICES_PROTOCOL_GUID;
	struct efi_mp_services *mp;
	UINTN total, enabled;
	EFI_STATUS s;

	s = efi_st->BootServices->LocateProtocol(&guid, NULL, (void **)&mp);
	if (EFI_ERROR(s))
		return s;
	s = mp->get_number_of_processors(mp, &total, &enabled);
	if (EFI_ERROR(s))
		return s;
	info->cpu_count = 0;
	for (UINTN i = 0; i < total; i++) {
		struct efi_processor_information p;

		if (EFI_ERROR(mp->get_processor_info(mp, i, &p)) ||
		    !(p.status_flag & PROCESSOR_ENABLED_BIT))
			continue;
		if (info->cpu_count == MAX_CPUS) {
			info->skipped_cpus++;
			continue;
		}
		info->cpus[info->cpu_count++] = (struct madt_cpu){
			.apic_id = (uint32_t)p.processor_id,
			.acpi_uid = (uint32_t)i };
	}
	return info->cpu_count ? EFI_SUCCESS : EFI_NOT_FOUND;
}
