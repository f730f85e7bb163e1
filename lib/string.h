/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

/*
 * The freestanding hypervisor provides these itself (lib/string.c); host
 * builds of the same logic use the C library's.
 */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
/* The first occurrence of needle in haystack, or NULL. */
char *strstr(const char *haystack, const char *needle);

#endif
