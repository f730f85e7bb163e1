/* SPDX-License-Identifier: BSD-2-Clause */
/* The AP start-up code of the smp guest, reused as is (see its comment). */
#include "guests/smp/trampoline.S"
