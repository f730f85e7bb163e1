/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PASSTHROUGH_H
#define KERNEL_PASSTHROUGH_H

#include "boot/boot_info.h"

/*
 * At takeover, before any partition runs: every PCI function no partition
 * owns stops bus mastering (firmware leaves it on), then the IOMMU the
 * firmware describes starts with every requester blocked.
 */
void passthrough_takeover(struct boot_info *info);

#endif
