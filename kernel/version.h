/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define BULKHEAD_VERSION	"0.1.0"

#endif
