/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/virt.h"
#include "lib/errno.h"

static const struct virt_ops *selected;

int virt_select(enum virt_kind kind)
{
	switch (kind) {
	case VIRT_SVM:
		selected = &svm_ops;
		return 0;
	case VIRT_VMX:
		selected = &vmx_ops;
		return 0;
	default:
		return -ENODEV;
	}
}

const struct virt_ops *virt(void)
{
	return selected;
}
