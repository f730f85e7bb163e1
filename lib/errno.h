/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

/* Error codes returned (negated) by hypervisor functions. */
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define ENOMEM		12
#define EFAULT		14
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENOSYS		38
#define ETIMEDOUT	110
#define ENOTSUP		95

#endif
