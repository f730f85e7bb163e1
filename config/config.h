/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * bulkhead.cfg, the one file a user edits by hand (docs/config.md). The
 * same parser runs in the hypervisor and in the host tool bulkhead-check,
 * so a config that passes the tool cannot fail to parse at boot.
 */

#define CONFIG_MAX_PARTITIONS	8
#define CONFIG_MAX_MODULES	8
#define CONFIG_NAME_MAX		32	/* including NUL */
#define CONFIG_PATH_MAX		128
#define CONFIG_CMDLINE_MAX	256
#define CONFIG_MIN_MEMORY	(2ULL << 20)
#define CONFIG_LINE_MAX		512	/* characters, without the line end */
/* Room for config_format_cpus() of any mask: "0,2,4,...,62" is 90. */
#define CONFIG_CPUS_TEXT_MAX	96
#define CONFIG_MAX_DEVICES	8	/* PCI functions per partition */
/* "ssss:bb:dd.f" and its NUL */
#define CONFIG_DEVICE_TEXT_MAX	13
/* watchdog = bounds: shorter than the checks' period, longer than a typo. */
#define CONFIG_WATCHDOG_MIN_MS	10
#define CONFIG_WATCHDOG_MAX_MS	(3600U * 1000)
/* [schedule cpuN]: one per core that partitions share in time. */
#define CONFIG_MAX_SCHEDULES	8
#define CONFIG_MAX_WINDOWS	16	/* per major frame, idle gaps included */
#define CONFIG_NS_PER_US	1000ULL
#define CONFIG_NS_PER_MS	1000000ULL
#define CONFIG_NS_PER_S		1000000000ULL
/*
 * A window shorter than this would be mostly the switch itself; a frame
 * longer than this keeps a partition's stop waiting (and the one-shot
 * timer counting) too long.
 */
#define CONFIG_MIN_WINDOW_NS	(100 * CONFIG_NS_PER_US)
#define CONFIG_MAX_FRAME_NS	CONFIG_NS_PER_S
/* window_config.partition of an idle gap ("idle 2ms"). */
#define CONFIG_WINDOW_IDLE	(-1)

enum fault_action { FAULT_ACTION_STOP, FAULT_ACTION_RESTART };

/*
 * A PCI function as `devices =` names it: segment << 16 | bus << 8 |
 * device << 3 | function, so the low 16 bits are its requester ID.
 */
#define CONFIG_DEVICE(seg, bus, dev, fn) \
	((uint32_t)(seg) << 16 | (uint32_t)(bus) << 8 | (uint32_t)(dev) << 3 | \
	 (uint32_t)(fn))

struct config_file_ref {
	char path[CONFIG_PATH_MAX];	/* relative to the volume root, '/' */
	unsigned int line;
};

struct partition_config {
	char name[CONFIG_NAME_MAX];
	unsigned int line;		/* of the [partition NAME] header */
	uint64_t cpus;			/* bit i = CPU index i */
	unsigned int cpus_line;
	uint64_t memory;		/* bytes */
	unsigned int memory_line;
	struct config_file_ref kernel;
	char cmdline[CONFIG_CMDLINE_MAX];
	unsigned int module_count;
	struct config_file_ref modules[CONFIG_MAX_MODULES];
	struct config_file_ref initrd;	/* path[0] == '\0': none (Linux only) */
	enum fault_action on_fault;
	unsigned int device_count;
	uint32_t devices[CONFIG_MAX_DEVICES];	/* CONFIG_DEVICE() values */
	unsigned int devices_line;
	uint32_t watchdog_ms;		/* 0: no watchdog */
};

/* One window of a major frame, in the order it runs. */
struct window_config {
	int partition;		/* index in config.partitions, or IDLE */
	uint64_t ns;
};

/*
 * The cyclic table of a core several partitions share: the windows run
 * in order from the frame's start, and the frame repeats forever; what is
 * left of the frame after the last window is idle.
 */
struct schedule_config {
	unsigned int cpu;
	unsigned int line;		/* of the [schedule cpuN] header */
	uint64_t major_frame_ns;
	unsigned int window_count;
	struct window_config windows[CONFIG_MAX_WINDOWS];
	unsigned int windows_line;
	/* Names as written, resolved to indexes once every section is read. */
	char names[CONFIG_MAX_WINDOWS][CONFIG_NAME_MAX];
};

struct config {
	bool exit_when_done;
	unsigned int partition_count;
	struct partition_config partitions[CONFIG_MAX_PARTITIONS];
	unsigned int schedule_count;
	struct schedule_config schedules[CONFIG_MAX_SCHEDULES];
};

struct config_error {
	unsigned int line;		/* 0 = the whole file */
	char message[200];
};

/*
 * Parses the whole file or nothing: on error *cfg is zeroed, *err holds the
 * first problem and a negative errno comes back. err may be NULL.
 */
int config_parse(const char *text, size_t len, struct config *cfg,
		 struct config_error *err);

/*
 * Checks against the machine: every CPU index < cpu_count (-ERANGE) and the
 * total memory, each partition rounded up to 2 MiB, fits in free_bytes
 * (-ENOMEM).
 */
int config_check_machine(const struct config *cfg, unsigned int cpu_count,
			 uint64_t free_bytes, struct config_error *err);

/* Formats "FILE:LINE: MESSAGE" (or "FILE: MESSAGE" for line 0) into buf. */
void config_error_format(const struct config_error *err, const char *file,
			 char *buf, size_t size);

/*
 * The config's size syntax (digits, optional K/M/G, 1024-based), for other
 * inputs that take sizes. 0, -EINVAL (bad number or suffix) or -ERANGE.
 */
int config_parse_size(const char *s, size_t len, uint64_t *bytes);

/* The table of a shared core, or NULL for a core one partition owns. */
const struct schedule_config *config_schedule_of(const struct config *cfg,
						 unsigned int cpu);

/* "5ms", "250us", "1s": exact, in the largest unit that divides it. */
void config_format_duration(uint64_t ns, char *buf, size_t size);

/* "1,4-6": the way cpus = is written, for logs and the host tool. */
void config_format_cpus(uint64_t cpus, char *buf, size_t size);

/* "00:05.0", or "0001:00:05.0" outside segment 0: as devices = takes it. */
void config_format_device(uint32_t device, char *buf, size_t size);

/* Exact, in the largest unit that divides it: "32M", "1G", "5000". */
void config_format_size(uint64_t bytes, char *buf, size_t size);

#endif
