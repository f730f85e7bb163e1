/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_VERSION_H
#define LIB_VERSION_H

#define BULKHEAD_VERSION	"0.1.0"

#endif
