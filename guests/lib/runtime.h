/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_LIB_RUNTIME_H
#define GUESTS_LIB_RUNTIME_H

/*
 * Tiny runtime for the 32-bit Multiboot test guests: serial console,
 * printf, Multiboot info helpers, command line parsing, port I/O.
 * No 64-bit division anywhere: there is no 32-bit libgcc to provide it.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guests/lib/multiboot.h"

/* Exit codes shared by all guests (main() chooses its own otherwise). */
#define GUEST_EXIT_BAD_MAGIC	0x7f

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Linker symbols: start and end of the loaded image (end includes .bss). */
extern char __image_start[], __image_end[];

/* Provided by each guest. */
int main(uint32_t magic, const struct mb_info *mbi);

/* Write code to the debug-exit port 0xF4, then cli; hlt forever. */
void guest_exit(uint32_t code) __attribute__((noreturn));
void halt_forever(void) __attribute__((noreturn));

/* Polled 16550 on COM1 (0x3F8), 115200 8N1. */
#define SERIAL_PORT	0x3f8
void serial_init(void);
void serial_putc(char c);	/* '\n' becomes "\r\n" */
void serial_puts(const char *s);

/* %s %c %d %i %u %x %X %p %%, flags '0' '-', width, 'l' (32-bit);
 * 'll' is accepted for x/X only (64-bit hex, printed by shifting). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* String helpers (the compiler may also emit calls to the mem* ones). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/*
 * Command line: whitespace separated words, options are `key=value`.
 * Numbers are decimal, or hex with 0x; an optional '-' negates.
 */
unsigned long parse_ulong(const char *s, const char **endp);
/* Value of the first `key=` word at or after cmdline, or NULL. */
const char *cmdline_find(const char *cmdline, const char *key);
/* `key=123` as a number; dflt if absent or not a number. Values above
 * LONG_MAX come back wrapped: cast to uint32_t for addresses. */
long cmdline_int(const char *cmdline, const char *key, long dflt);

/* Multiboot info access; all return safe values when a flag is clear. */
bool mb_check(uint32_t magic, const struct mb_info *mbi);
static inline bool mb_has(const struct mb_info *mbi, uint32_t flag)
{
	return mbi && (mbi->flags & flag);
}
const char *mb_cmdline(const struct mb_info *mbi);	/* "" if none */
uint32_t mb_mem_lower_kib(const struct mb_info *mbi);
uint32_t mb_mem_upper_kib(const struct mb_info *mbi);
const struct mb_mmap_entry *mb_mmap_first(const struct mb_info *mbi);
const struct mb_mmap_entry *mb_mmap_next(const struct mb_info *mbi,
					 const struct mb_mmap_entry *e);
#define mb_for_each_mmap(e, mbi) \
	for ((e) = mb_mmap_first(mbi); (e); (e) = mb_mmap_next(mbi, e))
uint64_t mb_available_bytes(const struct mb_info *mbi);
uint32_t mb_module_count(const struct mb_info *mbi);
const struct mb_module *mb_module(const struct mb_info *mbi, uint32_t i);

/* Port I/O and other instructions. */
static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/* Hide a pointer's value from the optimiser (e.g. a legitimate address 0). */
static inline void *launder_ptr(void *p)
{
	asm volatile("" : "+r"(p));
	return p;
}

/* Simple test-and-set spinlock. */
struct spinlock {
	volatile uint32_t locked;
};

static inline void spin_lock(struct spinlock *l)
{
	uint32_t one;

	for (;;) {
		one = 1;
		asm volatile("xchgl %0, %1"
			     : "+r"(one), "+m"(l->locked) : : "memory");
		if (!one)
			return;
		while (l->locked)
			cpu_relax();
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	asm volatile("" ::: "memory");
	l->locked = 0;
}

static inline uint32_t atomic_inc_return(volatile uint32_t *p)
{
	uint32_t v = 1;

	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v + 1;
}

/* msr_gp.c: MSR accesses that return true when they raised #GP. */
void msr_gp_init(void);
bool rdmsr_gp(uint32_t msr, uint64_t *value);
bool wrmsr_gp(uint32_t msr, uint64_t value);

#endif /* GUESTS_LIB_RUNTIME_H */
