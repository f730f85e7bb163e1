/* SPDX-License-Identifier: BSD-2-Clause */
/* The smp guest's way of starting an AP, shared rather than copied. */
#include "guests/smp/ap_start.c"
