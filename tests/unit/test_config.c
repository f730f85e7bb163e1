/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "lib/errno.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)

/* Too big for a test's stack frame under the sanitizers; one is enough. */
static struct config cfg;
static struct config_error err;
static const struct config zero_cfg;

/* The example of the brief, as a user would write it. */
static const char example[] =
	"# comments with '#' (outside double quotes), blank lines ok\n"
	"[hypervisor]\n"
	"exit_when_done = yes        # yes|no\n"
	"\n"
	"[partition hello]\n"
	"cpus = 1                    # CPU indexes\n"
	"memory = 32M                # K, M, G suffixes\n"
	"kernel = guests/hello.elf   # path on the boot volume\n"
	"cmdline = \"count=3\"         # optional; quoted or bare\n"
	"modules = guests/data.bin, guests/more.bin   # optional\n"
	"on_fault = stop             # stop | restart\n";

/* A valid partition body, for tests that only care about one line. */
#define HEAD		"[partition a]\n"
#define REST		"cpus = 1\nmemory = 32M\nkernel = k.elf\n"

static int parse(const char *text)
{
	return config_parse(text, strlen(text), &cfg, &err);
}

static void check_ok(const char *file, int line, const char *text, size_t len)
{
	int ret = config_parse(text, len, &cfg, &err);

	if (ret) {
		print_error("parse failed (%d) at line %u: %s\n", ret, err.line,
			    err.message);
		_fail(file, line);
	}
}

/*
 * An error must name the right line, carry every key word, and leave no
 * half-parsed config behind.
 */
static void check_error(const char *file, int line, const char *text,
			size_t len, unsigned int want_line,
			const char *const *words)
{
	int ret = config_parse(text, len, &cfg, &err);
	bool ok = ret == -EINVAL && err.line == want_line;

	for (; *words; words++) {
		if (!strstr(err.message, *words)) {
			print_error("message lacks \"%s\"\n", *words);
			ok = false;
		}
	}
	if (memcmp(&cfg, &zero_cfg, sizeof(cfg)) != 0) {
		print_error("config not cleared after the error\n");
		ok = false;
	}
	if (strlen(err.message) + 1 >= sizeof(err.message)) {
		print_error("message probably truncated\n");
		ok = false;
	}
	if (!ok) {
		print_error("ret %d, line %u (want %u): %s\n", ret, err.line,
			    want_line, err.message);
		_fail(file, line);
	}
}

#define OK(text)	check_ok(__FILE__, __LINE__, text, strlen(text))
#define ERR(text, want_line, ...)					\
	check_error(__FILE__, __LINE__, text, strlen(text), want_line,	\
		    (const char *const[]){ __VA_ARGS__, NULL })

static void test_example_parses(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];

	(void)state;
	OK(example);
	assert_true(cfg.exit_when_done);
	assert_int_equal(cfg.partition_count, 1);
	assert_string_equal(p->name, "hello");
	assert_int_equal(p->line, 5);
	assert_int_equal(p->cpus, 1ULL << 1);
	assert_int_equal(p->cpus_line, 6);
	assert_int_equal(p->memory, 32 * MIB);
	assert_int_equal(p->memory_line, 7);
	assert_string_equal(p->kernel.path, "guests/hello.elf");
	assert_int_equal(p->kernel.line, 8);
	assert_string_equal(p->cmdline, "count=3");
	assert_int_equal(p->module_count, 2);
	assert_string_equal(p->modules[0].path, "guests/data.bin");
	assert_string_equal(p->modules[1].path, "guests/more.bin");
	assert_int_equal(p->modules[0].line, 10);
	assert_int_equal(p->modules[1].line, 10);
	assert_int_equal(p->on_fault, FAULT_ACTION_STOP);
}

static void test_defaults_and_several_partitions(void **state)
{
	(void)state;
	OK("[partition linux]\ncpus = 0-1\nmemory = 1G\nkernel = bz\n"
	   "on_fault = restart\n"
	   "[partition rt_1]\ncpus = 2\nmemory = 2M\nkernel = rt.elf\n"
	   "[hypervisor]\nexit_when_done = no\n");
	assert_false(cfg.exit_when_done);
	assert_int_equal(cfg.partition_count, 2);
	assert_string_equal(cfg.partitions[0].name, "linux");
	assert_int_equal(cfg.partitions[0].on_fault, FAULT_ACTION_RESTART);
	assert_int_equal(cfg.partitions[0].memory, GIB);
	assert_string_equal(cfg.partitions[1].name, "rt_1");
	assert_int_equal(cfg.partitions[1].line, 6);
	assert_int_equal(cfg.partitions[1].cpus, 1ULL << 2);
	assert_int_equal(cfg.partitions[1].on_fault, FAULT_ACTION_STOP);
	assert_string_equal(cfg.partitions[1].cmdline, "");
	assert_int_equal(cfg.partitions[1].module_count, 0);

	OK(HEAD REST);
	assert_false(cfg.exit_when_done);
	OK(HEAD REST "[hypervisor]\nexit_when_done = YES\n");
	assert_true(cfg.exit_when_done);
}

static void test_cpu_lists_and_ranges(void **state)
{
	static const struct {
		const char *list;
		uint64_t mask;
	} rows[] = {
		{ "0", 1 },
		{ "1,3", 0xa },
		{ "2-3", 0xc },
		{ "1,4-6", 0x72 },
		{ " 1 , 3 - 4 ", 0x1a },
		{ "5-5", 0x20 },
		{ "63", 1ULL << 63 },
		{ "0-63", ~0ULL },
		{ "62-63,0", (3ULL << 62) | 1 },
		{ "\"1,3\"", 0xa },
		{ "007", 0x80 },
	};
	char text[200];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text),
			 HEAD "cpus = %s\nmemory = 2M\nkernel = k\n",
			 rows[i].list);
		OK(text);
		if (cfg.partitions[0].cpus != rows[i].mask) {
			print_error("cpus = %s: got %#llx\n", rows[i].list,
				    (unsigned long long)cfg.partitions[0].cpus);
			fail();
		}
	}
}

static void test_bad_cpu_lists(void **state)
{
	(void)state;
	ERR(HEAD "cpus = 3-1\n", 2, "3-1", "backwards", "1-3");
	ERR(HEAD "cpus = 1,,2\n", 2, "empty entry", "1,,2", "comma");
	ERR(HEAD "cpus = 1,\n", 2, "empty entry");
	ERR(HEAD "cpus = ,1\n", 2, "empty entry");
	ERR(HEAD "cpus = 64\n", 2, "cpu 64", "out of range", "0 to 63");
	ERR(HEAD "cpus = 2-64\n", 2, "cpu 64", "out of range");
	ERR(HEAD "cpus = 99999999999999999999999\n", 2, "out of range");
	ERR(HEAD "cpus = one\n", 2, "bad cpu list", "\"one\"", "1,3", "2-3");
	ERR(HEAD "cpus = -1\n", 2, "bad cpu list");
	ERR(HEAD "cpus = 1-\n", 2, "bad cpu list");
	ERR(HEAD "cpus = 1-2-3\n", 2, "bad cpu list");
	ERR(HEAD "cpus = 1 2\n", 2, "bad cpu list");
	ERR(HEAD "cpus = 0x1\n", 2, "bad cpu list");
	ERR(HEAD "cpus = 1,1\n", 2, "cpu 1", "twice");
	ERR(HEAD "cpus = 1-3,2\n", 2, "cpu 2", "twice");
	ERR(HEAD "cpus =\n", 2, "cpus", "no value", "cpus = 1");
	ERR(HEAD "cpus = \"\"\n", 2, "no value");
}

static void test_cpu_in_two_partitions(void **state)
{
	(void)state;
	ERR("[partition linux]\ncpus = 1-3\nmemory = 32M\nkernel = k\n"
	    "[partition rt]\nmemory = 2M\ncpus = 0,3\nkernel = r\n", 7,
	    "cpu 3 is already in partition \"linux\"", "line 2",
	    "its own CPUs");
	ERR("[partition a]\ncpus = 0\nmemory = 32M\nkernel = k\n"
	    "[partition b]\ncpus = 1\nmemory = 32M\nkernel = k\n"
	    "[partition c]\ncpus = 1-2\nmemory = 2M\nkernel = k\n", 10,
	    "cpu 1 is already in partition \"b\"", "[schedule cpu1]");
}

/* Two partitions sharing cpu 1 in time, a third alone on cpu 2. */
#define SHARED	"[partition rt]\ncpus = 1\nmemory = 2M\nkernel = k\n"	\
		"[partition lx]\ncpus = 1-2\nmemory = 2M\nkernel = k\n"	\
		"[partition solo]\ncpus = 3\nmemory = 2M\nkernel = k\n"

static void test_schedules(void **state)
{
	const struct schedule_config *s;

	(void)state;
	OK(SHARED "[schedule cpu1]\nmajor_frame = 20ms\n"
	   "windows = rt 5ms, lx 12ms, rt 3ms\n");
	assert_int_equal(cfg.schedule_count, 1);
	s = config_schedule_of(&cfg, 1);
	assert_non_null(s);
	assert_null(config_schedule_of(&cfg, 2));
	assert_int_equal(s->line, 13);
	assert_int_equal(s->major_frame_ns, 20 * CONFIG_NS_PER_MS);
	assert_int_equal(s->window_count, 3);
	assert_int_equal(s->windows[0].partition, 0);
	assert_int_equal(s->windows[0].ns, 5 * CONFIG_NS_PER_MS);
	assert_int_equal(s->windows[1].partition, 1);
	assert_int_equal(s->windows[1].ns, 12 * CONFIG_NS_PER_MS);
	assert_int_equal(s->windows[2].partition, 0);
	/* Gaps, units, quotes, and the table before the partitions. */
	OK("[schedule cpu1]\nwindows = idle 500us, \"rt 2ms\", lx 1500us\n"
	   "major_frame = \"1s\"\n" SHARED);
	s = config_schedule_of(&cfg, 1);
	assert_int_equal(s->windows[0].partition, CONFIG_WINDOW_IDLE);
	assert_int_equal(s->windows[0].ns, 500 * CONFIG_NS_PER_US);
	assert_int_equal(s->windows[2].ns, 1500 * CONFIG_NS_PER_US);
	assert_int_equal(s->major_frame_ns, CONFIG_NS_PER_S);
	/* Exactly the frame is fine. */
	OK(SHARED "[schedule cpu1]\nmajor_frame = 10ms\n"
	   "windows = rt 5ms, lx 5ms\n");
	/* Devices on a shared core: their MSIs are posted (msi_post.c). */
	OK("[partition rt]\ncpus = 1\nmemory = 2M\nkernel = k\n"
	   "[partition lx]\ncpus = 1\nmemory = 2M\nkernel = k\n"
	   "devices = 00:03.0\n"
	   "[schedule cpu1]\nmajor_frame = 2ms\nwindows = lx 1ms, rt 1ms\n");
	assert_int_equal(cfg.partitions[1].device_count, 1);
	assert_non_null(config_schedule_of(&cfg, 1));
}

static void test_bad_schedules(void **state)
{
	(void)state;
#define SCHED	SHARED "[schedule cpu1]\n"
	ERR(SCHED "major_frame = 20ms\nwindows = rt 5ms, xx 2ms, lx 3ms\n",
	    15, "unknown partition \"xx\"", "idle");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 0ms, lx 3ms\n", 15,
	    "window \"rt\" is 0 long", "100us");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 50us, lx 3ms\n", 15,
	    "shorter than the minimum of 100us");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 15ms, lx 6ms\n", 15,
	    "add up to 21ms", "major_frame = 20ms (line 14)",
	    "shorten a window");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 5ms, lx 2ms, solo 1ms\n",
	    15, "partition \"solo\" has a window on cpu 1",
	    "cpus = 3, line 10", "add 1 to its cpus");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 5ms, idle 2ms\n", 6,
	    "partition \"lx\" uses cpu 1", "no window in [schedule cpu1] (line 13)",
	    "'lx 5ms'");
	ERR(SHARED "[schedule cpu2]\nmajor_frame = 20ms\nwindows = lx 5ms\n"
	    "[schedule cpu1]\nmajor_frame = 2ms\nwindows = lx 1ms, rt 1ms\n",
	    13, "[schedule cpu2] is for a core only partition \"lx\" uses",
	    "remove the section");
	ERR(SHARED "[schedule cpu5]\nmajor_frame = 20ms\nwindows = idle 5ms\n",
	    13, "no partition uses cpu 5", "remove [schedule cpu5]");
	ERR(SHARED, 6, "cpu 1 is already in partition \"rt\" (line 2)",
	    "[schedule cpu1]");
	ERR(SCHED "windows = rt 5ms\n", 13, "has no major_frame",
	    "major_frame = 20ms");
	ERR(SCHED "major_frame = 20ms\n", 13, "has no windows");
	ERR(SCHED "major_frame = 20\n", 14, "bad major_frame \"20\"",
	    "us, ms or s");
	ERR(SCHED "major_frame = 0s\n", 14, "major_frame is 0");
	ERR(SCHED "major_frame = 2s\n", 14, "longer than the limit of 1s");
	ERR(SCHED "major_frame = 20ms\nmajor_frame = 20ms\n", 15,
	    "already set on line 14");
	ERR(SCHED "major_frame = 20ms\nwindows = rt\n", 15,
	    "window \"rt\" has no length", "rt 5ms", "idle 2ms");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 5 mins\n", 15,
	    "bad length \"5 mins\" of window \"rt\"");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 2s\n", 15,
	    "longer than a major frame may be");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 1ms,, lx 1ms\n", 15,
	    "empty entry in windows");
	ERR(SCHED "major_frame = 20ms\nwindows =\n", 15,
	    "windows has no value");
	ERR(SCHED "major_frame = 20ms\nwindows = rt 1ms, rt 1ms, rt 1ms, "
	    "rt 1ms, rt 1ms, rt 1ms, rt 1ms, rt 1ms, rt 1ms, rt 1ms, rt 1ms, "
	    "rt 1ms, rt 1ms, rt 1ms, rt 1ms, rt 1ms, lx 1ms\n", 15,
	    "too many windows", "at most 16");
	ERR(SCHED "major_frame = 20ms\nwindow = rt 1ms\n", 15,
	    "unknown key 'window' in [schedule cpu1]",
	    "did you mean 'windows'");
	ERR(SCHED "cpus = 1\n", 14, "cpus belongs in a [partition NAME]",
	    "not in [schedule cpu1]");
	ERR(HEAD "windows = a 1ms\n", 2, "windows belongs in a [schedule cpuN]",
	    "not in [partition a]");
	ERR(SHARED "[schedule]\n", 13, "needs a core", "[schedule cpu1]");
	ERR(SHARED "[schedule 1]\n", 13, "bad core \"1\"",
	    "[schedule cpu1]");
	ERR(SHARED "[schedule cpux]\n", 13, "bad core \"cpux\"");
	ERR(SHARED "[schedule cpu64]\n", 13, "from 0 to 63");
	ERR(SCHED "major_frame = 2ms\nwindows = lx 1ms, rt 1ms\n"
	    "[schedule cpu1]\n", 16, "second [schedule cpu1]",
	    "line 13");
	ERR("[shedule cpu1]\n", 1, "did you mean [schedule]");
#undef SCHED
}

static void test_pci_devices(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];
	char text[CONFIG_DEVICE_TEXT_MAX];

	(void)state;
	OK(HEAD REST "devices = 00:05.0, 0000:00:1F.2,1a:00.7, 0001:02:03.4\n");
	assert_int_equal(p->device_count, 4);
	assert_int_equal(p->devices_line, 5);
	assert_int_equal(p->devices[0], CONFIG_DEVICE(0, 0, 5, 0));
	assert_int_equal(p->devices[1], CONFIG_DEVICE(0, 0, 0x1f, 2));
	assert_int_equal(p->devices[2], CONFIG_DEVICE(0, 0x1a, 0, 7));
	assert_int_equal(p->devices[3], CONFIG_DEVICE(1, 2, 3, 4));
	config_format_device(p->devices[1], text, sizeof(text));
	assert_string_equal(text, "00:1f.2");
	config_format_device(CONFIG_DEVICE(0xffff, 0xff, 0x1f, 7), text,
			     sizeof(text));
	assert_string_equal(text, "ffff:ff:1f.7");
	OK(HEAD REST);
	assert_int_equal(p->device_count, 0);
}

static void test_bad_pci_devices(void **state)
{
	(void)state;
	ERR(HEAD REST "devices = 00:05\n", 5, "bad PCI device \"00:05\"",
	    "bus:device.function", "00:05.0");
	ERR(HEAD REST "devices = 00:20.0\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 00:05.8\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 100:05.0\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 00.05:0\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 1:2:3:4.0\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 0g:05.0\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 00:05.0,\n", 5, "empty entry");
	ERR(HEAD REST "devices =\n", 5, "devices", "no value");
	ERR(HEAD REST "devices = 00:05.0, 0000:00:05.0\n", 5,
	    "0000:00:05.0 is listed twice");
	ERR(HEAD REST "devices = 0,1,2,3,4,5,6,7,8\n", 5, "bad PCI device");
	ERR(HEAD REST "devices = 0:1.0,0:2.0,0:3.0,0:4.0,0:5.0,0:6.0,0:7.0,"
	    "0:8.0,0:9.0\n", 5, "too many devices", "at most 8");
	ERR(HEAD REST "devices = 00:05.0\n[partition b]\ncpus = 2\n"
	    "memory = 2M\nkernel = k\ndevices = 00:06.0, 00:05.0\n", 10,
	    "device 00:05.0 is already in partition \"a\" (line 5)",
	    "belongs to one partition");
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		int ret;
		uint64_t bytes;
	} rows[] = {
		{ "0", 0, 0 },
		{ "65536", 0, 65536 },
		{ "64K", 0, 64 << 10 },
		{ "32M", 0, 32 * MIB },
		{ "32m", 0, 32 * MIB },
		{ "1G", 0, GIB },
		{ "16g", 0, 16 * GIB },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "17179869183G", 0, 17179869183ULL * GIB },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ "1.5G", -EINVAL, 0 },
		{ "32MB", -EINVAL, 0 },
		{ "32 M", -EINVAL, 0 },
		{ "32T", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t bytes = 0;
		int ret = config_parse_size(rows[i].text, strlen(rows[i].text),
					    &bytes);

		if (ret != rows[i].ret || (!ret && bytes != rows[i].bytes)) {
			print_error("\"%s\": %d %llu\n", rows[i].text, ret,
				    (unsigned long long)bytes);
			fail();
		}
	}
	OK(HEAD "cpus = 1\nmemory = 3M\nkernel = k\n");
	assert_int_equal(cfg.partitions[0].memory, 3 * MIB);
	OK(HEAD "cpus = 1\nmemory = 2101248\nkernel = k\n");
	assert_int_equal(cfg.partitions[0].memory, 2 * MIB + 4096);
	OK(HEAD "cpus = 1\nmemory = \"4096K\"\nkernel = k\n");
	assert_int_equal(cfg.partitions[0].memory, 4 * MIB);
}

static void test_bad_memory(void **state)
{
	(void)state;
	ERR(HEAD "memory = lots\n", 2, "bad size", "\"lots\"", "K, M or G",
	    "32M");
	ERR(HEAD "memory = 32MB\n", 2, "suffix", "32MB", "K, M or G");
	ERR(HEAD "memory = 1.5G\n", 2, "bad size", "1.5G");
	ERR(HEAD "memory = 99999999999999999999\n", 2, "too large");
	ERR(HEAD "memory = 99999999999G\n", 2, "too large");
	ERR(HEAD "memory = 8796093022209M\n", 2, "x86-64");
	ERR(HEAD "memory = 1M\n", 2, "1M", "minimum", "2M");
	ERR(HEAD "memory = 0\n", 2, "minimum");
	ERR(HEAD "memory = 2097153\n", 2, "multiple of 4K", "2052K");
	ERR(HEAD "memory = 4097K\n", 2, "multiple of 4K", "4100K");
	ERR(HEAD "memory =\n", 2, "memory", "no value", "memory = 32M");
}

static void test_yes_no_and_stop_restart(void **state)
{
	(void)state;
	ERR("[hypervisor]\nexit_when_done = maybe\n", 2, "exit_when_done",
	    "yes or no", "maybe");
	ERR("[hypervisor]\nexit_when_done = yess\n", 2, "yes or no");
	ERR(HEAD "on_fault = reboot\n", 2, "on_fault", "stop or restart",
	    "reboot");
	ERR(HEAD "on_fault =\n", 2, "no value", "on_fault = stop");
	OK("[hypervisor]\nexit_when_done = \"yes\"\n" HEAD REST);
	assert_true(cfg.exit_when_done);
	OK(HEAD REST "on_fault = Restart\n");
	assert_int_equal(cfg.partitions[0].on_fault, FAULT_ACTION_RESTART);
}

static void test_watchdog(void **state)
{
	(void)state;
	OK(HEAD REST);
	assert_int_equal(cfg.partitions[0].watchdog_ms, 0);
	OK(HEAD REST "watchdog = 2s\n");
	assert_int_equal(cfg.partitions[0].watchdog_ms, 2000);
	OK(HEAD REST "watchdog = 500ms\n");
	assert_int_equal(cfg.partitions[0].watchdog_ms, 500);
	OK(HEAD REST "watchdog = \"10 MS\"\n");
	assert_int_equal(cfg.partitions[0].watchdog_ms, 10);
	OK(HEAD REST "watchdog = 3600s\n");
	assert_int_equal(cfg.partitions[0].watchdog_ms, 3600000);
	ERR(HEAD "watchdog = 2\n", 2, "no unit", "ms or s", "watchdog = 2s");
	ERR(HEAD "watchdog = 2min\n", 2, "bad unit \"min\"", "ms or s");
	ERR(HEAD "watchdog = s\n", 2, "bad watchdog", "watchdog = 2s");
	ERR(HEAD "watchdog = -1s\n", 2, "bad watchdog");
	ERR(HEAD "watchdog = 1.5s\n", 2, "bad unit \".5s\"");
	ERR(HEAD "watchdog = 9ms\n", 2, "below the minimum of 10ms");
	ERR(HEAD "watchdog = 0s\n", 2, "below the minimum");
	ERR(HEAD "watchdog = 3601s\n", 2, "above the maximum of 3600s");
	ERR(HEAD "watchdog = 99999999999999999999s\n", 2, "bad watchdog");
	ERR(HEAD "watchdog = 18446744073709551615s\n", 2, "above the maximum");
	ERR(HEAD "watchdog =\n", 2, "no value", "watchdog = 2s");
}

static void test_quotes_and_comments(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];

	(void)state;
	OK(HEAD REST "cmdline = \"a # b\"  # a real comment\n");
	assert_string_equal(p->cmdline, "a # b");
	OK(HEAD REST "cmdline = console=ttyS0 x=\"1 # 2\" quiet # c\n");
	assert_string_equal(p->cmdline, "console=ttyS0 x=\"1 # 2\" quiet");
	OK(HEAD REST "cmdline =   spaced   out   \n");
	assert_string_equal(p->cmdline, "spaced   out");
	OK(HEAD REST "cmdline = \"  kept  \"\n");
	assert_string_equal(p->cmdline, "  kept  ");
	OK(HEAD REST "cmdline =\n");
	assert_string_equal(p->cmdline, "");
	OK(HEAD REST "cmdline = \"\"\n");
	assert_string_equal(p->cmdline, "");
	OK("[partition a]#c\ncpus=1#c\nmemory=32M\nkernel=\"my #1.elf\"\n"
	   "modules = \"a,b.bin\" , c.bin,\"d e.bin\"\n");
	assert_string_equal(p->kernel.path, "my #1.elf");
	assert_int_equal(p->module_count, 3);
	assert_string_equal(p->modules[0].path, "a,b.bin");
	assert_string_equal(p->modules[1].path, "c.bin");
	assert_string_equal(p->modules[2].path, "d e.bin");
	OK("\t[ partition \t a ]\t\n\t cpus\t=\t1\nmemory = 32M\nkernel = k\n");
	assert_string_equal(p->name, "a");
	OK("  # indented comment\n#[partition x]\n" HEAD REST);
	assert_int_equal(cfg.partition_count, 1);
	assert_int_equal(cfg.partitions[0].line, 3);
}

static void test_bad_quotes(void **state)
{
	(void)state;
	ERR(HEAD "cmdline = \"abc\n", 2, "unterminated quote", "closing");
	ERR(HEAD "cmdline = \"abc # not a comment\n", 2,
	    "unterminated quote");
	ERR(HEAD "cmdline = abc\" # x\n", 2, "unterminated quote");
	ERR(HEAD "kernel = \"a\" b\n", 2, "after the closing quote", "kernel");
	ERR(HEAD "modules = \"a\"b, c\n", 2, "after the closing quote");
}

static void test_crlf_and_encodings(void **state)
{
	char text[1024];
	size_t n = 0;

	(void)state;
	for (const char *s = example; *s; s++) {
		if (*s == '\n')
			text[n++] = '\r';
		text[n++] = *s;
	}
	text[n] = '\0';
	OK(text);
	assert_string_equal(cfg.partitions[0].name, "hello");
	assert_string_equal(cfg.partitions[0].cmdline, "count=3");
	assert_string_equal(cfg.partitions[0].modules[1].path,
			    "guests/more.bin");
	assert_int_equal(cfg.partitions[0].memory_line, 7);
	ERR("[partition a]\r\ncpus = 1\r\nmemory = 3X\r\n", 3, "suffix");

	/* No newline at the end, and CR at the very end. */
	OK(HEAD "cpus = 1\nmemory = 32M\nkernel = k.elf");
	assert_string_equal(cfg.partitions[0].kernel.path, "k.elf");
	OK(HEAD "cpus = 1\nmemory = 32M\nkernel = k.elf\r");
	assert_string_equal(cfg.partitions[0].kernel.path, "k.elf");

	OK("\xef\xbb\xbf" HEAD REST);
	assert_string_equal(cfg.partitions[0].name, "a");
	check_error(__FILE__, __LINE__, "\xff\xfe[\0p\0", 6, 0,
		    (const char *const[]){ "UTF-16", "UTF-8", NULL });
	check_error(__FILE__, __LINE__, HEAD "cpus = 1\0\n", 24, 2,
		    (const char *const[]){ "NUL", "plain text", NULL });
	ERR(HEAD "cpus = 1\rmemory = 2M\n", 2, "carriage return", "CRLF");
	ERR(HEAD "cpus = \x1b[1m\n", 2, "control character 0x1b");
}

static void test_sections(void **state)
{
	(void)state;
	ERR("[partitoin x]\n", 1, "unknown section", "[partitoin]",
	    "did you mean [partition]", "[hypervisor]", "[partition NAME]");
	ERR("[hypervsor]\n", 1, "did you mean [hypervisor]");
	ERR("[devices]\n", 1, "unknown section [devices]: the sections are");
	ERR("[Partition a]\n", 1, "did you mean [partition]");
	ERR("[]\n", 1, "unknown section");
	ERR("[partition]\n", 1, "needs a name", "[partition linux]");
	ERR("[partition   ]\n", 1, "needs a name");
	ERR("[partition a b]\n", 1, "\"a b\"", "space", "letters, digits");
	ERR("[partition a.b]\n", 1, "'.'", "letters, digits, '-' and '_'");
	ERR("[partition \"a\"]\n", 1, "'\"'");
	ERR("[partition caf\xc3\xa9]\n", 1, "non-ASCII");
	ERR("[partition aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", 1,
	    "32 characters", "31");
	OK("[partition aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n" REST);
	assert_string_equal(cfg.partitions[0].name,
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	OK("[partition Linux-2_b]\n" REST);
	ERR(HEAD REST "\n[partition a]\n", 6, "\"a\"", "already used",
	    "line 1", "own name");
	ERR("[hypervisor x]\n", 1, "takes no name");
	ERR("[hypervisor]\n" HEAD REST "[hypervisor]\n", 6, "second",
	    "line 1", "merge");
	ERR("[partition a\ncpus = 1\n", 1, "no closing ']'");
	ERR("[partition a] cpus = 1\n", 1, "after ']'");
	ERR("[partition a]]\n", 1, "after ']'");
}

static void test_keys(void **state)
{
	(void)state;
	ERR(HEAD "memroy = 32M\n", 2, "unknown key 'memroy'",
	    "[partition a]", "did you mean 'memory'",
	    "cpus, memory, kernel, cmdline, modules, initrd, on_fault, devices");
	ERR(HEAD "cpu = 1\n", 2, "did you mean 'cpus'");
	ERR(HEAD "Memory = 32M\n", 2, "lowercase", "'memory'");
	ERR(HEAD "disks = x\n", 2, "unknown key 'disks'",
	    "the keys there are cpus, memory");
	ERR("[hypervisor]\nexit_when_dune = yes\n", 2, "[hypervisor]",
	    "did you mean 'exit_when_done'", "exit_when_done");
	ERR("[hypervisor]\ncpus = 1\n", 2, "cpus belongs in",
	    "[partition NAME]", "not in [hypervisor]");
	ERR(HEAD "exit_when_done = yes\n", 2, "belongs in [hypervisor]",
	    "not in [partition a]");
	ERR("cpus = 1\n" HEAD REST, 1, "'cpus'", "outside any section",
	    "[partition NAME]");
	ERR("# c\n\nfoo = 1\n", 3, "outside any section");
	ERR(HEAD "cpus 1\n", 2, "no '='", "\"cpus 1\"", "KEY = VALUE",
	    "cpus = 1");
	ERR(HEAD "partition b\n", 2, "no '='", "memory = 32M");
	ERR(HEAD "= 1\n", 2, "no key before '='");
	ERR(HEAD "cpus = 1\nmemory = 32M\nmemory = 64M\n", 4, "memory",
	    "already set on line 3", "keep one");
	ERR("[hypervisor]\nexit_when_done = no\nexit_when_done = no\n", 3,
	    "already set on line 2");
	/* The same key in another section is no repeat. */
	OK(HEAD REST "[partition b]\ncpus = 2\nmemory = 2M\nkernel = k\n");
}

static void test_required_keys(void **state)
{
	(void)state;
	ERR("# x\n[partition a]\nmemory = 32M\nkernel = k\n", 2,
	    "partition \"a\" has no cpus", "cpus = 1");
	ERR(HEAD "cpus = 1\nkernel = k\n", 1, "has no memory",
	    "memory = 32M");
	ERR(HEAD "cpus = 1\nmemory = 32M\n", 1, "has no kernel",
	    "kernel = guests/hello.elf");
	/* Reported when the section ends, before later lines are judged. */
	ERR(HEAD "cpus = 1\nmemory = 32M\n[partition b]\nbogus = 1\n", 1,
	    "has no kernel");
	ERR(HEAD "cpus = 1\nmemory = 32M\n[hypervisor]\n", 1, "no kernel");
	ERR(HEAD "cpus = 1\nmemory = 32M\n[bogus]\n", 1, "no kernel");
}

static void test_no_partition(void **state)
{
	(void)state;
	ERR("", 0, "no [partition] section", "[partition hello]");
	ERR("# only a comment\n\n", 0, "no [partition] section");
	ERR("[hypervisor]\nexit_when_done = yes\n", 0,
	    "no [partition] section");
	check_error(__FILE__, __LINE__, NULL, 0, 0,
		    (const char *const[]){ "no [partition]", NULL });
}

static void test_paths(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];

	(void)state;
	OK(HEAD "cpus = 1\nmemory = 2M\nkernel = EFI/guests/Linux bz-6.1\n");
	assert_string_equal(p->kernel.path, "EFI/guests/Linux bz-6.1");
	ERR(HEAD "kernel = /guests/x.elf\n", 2, "\"/guests/x.elf\"",
	    "absolute", "drop the leading '/'");
	ERR(HEAD "kernel = ../x.elf\n", 2, "'..'", "boot volume");
	ERR(HEAD "kernel = guests/../../x\n", 2, "'..'");
	ERR(HEAD "modules = a, b/..\n", 2, "module path \"b/..\"", "'..'");
	ERR(HEAD "kernel = guests\\x.elf\n", 2, "'\\'", "'/'");
	ERR(HEAD "kernel = C:/x.elf\n", 2, "':'", "FAT");
	ERR(HEAD "kernel = a//b\n", 2, "empty folder name");
	ERR(HEAD "kernel = ./a\n", 2, "'.'", "./");
	ERR(HEAD "kernel = a/\n", 2, "ends in '/'");
	ERR(HEAD "kernel = caf\xc3\xa9.elf\n", 2, "non-ASCII");
	ERR(HEAD "kernel =\n", 2, "kernel has no value");
	ERR(HEAD "kernel = \"\"\n", 2, "no value");
}

static void test_modules(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];

	(void)state;
	OK(HEAD REST "modules = m0,m1,m2,m3,m4,m5,m6,m7\n");
	assert_int_equal(p->module_count, CONFIG_MAX_MODULES);
	assert_string_equal(p->modules[7].path, "m7");
	ERR(HEAD REST "modules = m0,m1,m2,m3,m4,m5,m6,m7,m8\n", 5,
	    "too many modules", "8");
	ERR(HEAD "modules = a,,b\n", 2, "empty entry in modules");
	ERR(HEAD "modules = a,\n", 2, "empty entry");
	ERR(HEAD "modules = a, \"\"\n", 2, "empty entry");
	ERR(HEAD "modules =\n", 2, "modules has no value", "remove the line");
}

static void test_initrd(void **state)
{
	const struct partition_config *p = &cfg.partitions[0];

	(void)state;
	OK(HEAD REST);
	assert_string_equal(p->initrd.path, "");
	assert_int_equal(p->initrd.line, 0);
	OK(HEAD REST "initrd = linux/initrd.img\n");
	assert_string_equal(p->initrd.path, "linux/initrd.img");
	assert_int_equal(p->initrd.line, 5);
	OK(HEAD REST "initrd = \"linux/a,b.img\"  # quoted comma\n");
	assert_string_equal(p->initrd.path, "linux/a,b.img");
	OK("[partition a]\ninitrd = i0\n" REST
	   "[partition b]\ncpus = 2\nmemory = 2M\nkernel = k\ninitrd = \"i1\"\n");
	assert_string_equal(cfg.partitions[0].initrd.path, "i0");
	assert_int_equal(cfg.partitions[0].initrd.line, 2);
	assert_string_equal(cfg.partitions[1].initrd.path, "i1");
	ERR(HEAD REST "initrd = a.img, b.img\n", 5, "initrd takes one file",
	    "concatenate");
	ERR(HEAD REST "initrd = a\ninitrd = b\n", 6, "initrd is already set",
	    "line 5");
	ERR(HEAD REST "initrd =\n", 5, "initrd has no value",
	    "initrd = linux/initrd.img");
	ERR(HEAD REST "initrd = /boot/initrd.img\n", 5,
	    "initrd path \"/boot/initrd.img\"", "absolute");
	ERR(HEAD REST "initrd = ../initrd.img\n", 5, "initrd path", "'..'");
	ERR(HEAD REST "initrdd = x\n", 5, "initrd");
	ERR("[hypervisor]\ninitrd = x\n" HEAD REST, 2, "initrd");
}

static void fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

static void test_lengths(void **state)
{
	char text[2048], long_value[600];

	(void)state;
	fill(long_value, 'p', CONFIG_PATH_MAX - 1);
	snprintf(text, sizeof(text), HEAD "cpus=1\nmemory=2M\nkernel = %s\n",
		 long_value);
	OK(text);
	assert_int_equal(strlen(cfg.partitions[0].kernel.path),
			 CONFIG_PATH_MAX - 1);
	fill(long_value, 'p', CONFIG_PATH_MAX);
	snprintf(text, sizeof(text), HEAD "kernel = %s\n", long_value);
	ERR(text, 2, "kernel path is 128 characters", "127", "shorter");
	snprintf(text, sizeof(text), HEAD "modules = a,%s\n", long_value);
	ERR(text, 2, "module path is 128 characters");

	fill(long_value, 'c', CONFIG_CMDLINE_MAX - 1);
	snprintf(text, sizeof(text), HEAD REST "cmdline = %s\n", long_value);
	OK(text);
	assert_int_equal(strlen(cfg.partitions[0].cmdline),
			 CONFIG_CMDLINE_MAX - 1);
	fill(long_value, 'c', CONFIG_CMDLINE_MAX);
	snprintf(text, sizeof(text), HEAD REST "cmdline = \"%s\"\n",
		 long_value);
	ERR(text, 5, "cmdline is 256 characters", "255");

	/* The limit counts the line's characters, not its line end. */
	fill(long_value, '#', CONFIG_LINE_MAX);
	snprintf(text, sizeof(text), HEAD REST "%s\r\n", long_value);
	OK(text);
	fill(long_value, '#', CONFIG_LINE_MAX + 1);
	snprintf(text, sizeof(text), HEAD REST "%s\n", long_value);
	ERR(text, 5, "513 characters", "512", "shorten");
}

static void test_too_many_partitions(void **state)
{
	char text[2048];
	size_t n = 0;

	(void)state;
	for (unsigned int i = 0; i < CONFIG_MAX_PARTITIONS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[partition p%u]\ncpus = %u\nmemory = 2M\nkernel = k\n",
				      i, i);
	OK(text);
	assert_int_equal(cfg.partition_count, CONFIG_MAX_PARTITIONS);
	assert_string_equal(cfg.partitions[7].name, "p7");
	assert_int_equal(cfg.partitions[7].line, 29);
	snprintf(text + n, sizeof(text) - n, "[partition p8]\n");
	ERR(text, 33, "too many partitions", "8");
}

static void test_null_error_and_reuse(void **state)
{
	(void)state;
	assert_int_equal(config_parse("[x]", 3, &cfg, NULL), -EINVAL);
	assert_int_equal(config_parse(example, strlen(example), &cfg, NULL),
			 0);
	/* A failed parse of a second file leaves nothing of the first. */
	assert_int_equal(parse("[x]\n"), -EINVAL);
	assert_memory_equal(&cfg, &zero_cfg, sizeof(cfg));
	/* A good parse after a bad one carries no stale error state. */
	assert_int_equal(parse(example), 0);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.message, "");
}

static void test_machine_checks(void **state)
{
	(void)state;
	OK("[partition a]\ncpus = 0-1\nmemory = 512M\nkernel = k\n"
	   "[partition b]\ncpus = 2,3\nmemory = 511M\nkernel = k\n");
	assert_int_equal(config_check_machine(&cfg, 4, GIB, &err), 0);
	assert_int_equal(config_check_machine(&cfg, 64, UINT64_MAX, &err), 0);
	assert_int_equal(config_check_machine(&cfg, 1000, GIB, NULL), 0);

	assert_int_equal(config_check_machine(&cfg, 3, GIB, &err), -ERANGE);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.message, "cpu 3 of partition \"b\""));
	assert_non_null(strstr(err.message, "3 CPU(s), 0-2"));
	assert_int_equal(config_check_machine(&cfg, 0, GIB, &err), -ERANGE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.message, "no usable CPUs"));

	assert_int_equal(config_check_machine(&cfg, 4, GIB - 1, &err),
			 -ENOMEM);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.message, "not enough memory"));
	assert_non_null(strstr(err.message, "partition \"b\""));
	assert_non_null(strstr(err.message, "1G"));
	assert_non_null(strstr(err.message, "1023M is free"));

	assert_int_equal(config_check_machine(&cfg, 4, 256 * MIB, &err),
			 -ENOMEM);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "partition \"a\" the partitions need 512M"));

	/* Each partition is rounded up to 2 MiB before adding. */
	OK("[partition a]\ncpus = 0\nmemory = 3M\nkernel = k\n"
	   "[partition b]\ncpus = 1\nmemory = 2052K\nkernel = k\n");
	assert_int_equal(config_check_machine(&cfg, 2, 8 * MIB, &err), 0);
	assert_int_equal(config_check_machine(&cfg, 2, 8 * MIB - 1, &err),
			 -ENOMEM);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.message, "need 8M"));

	/* A hand-built config cannot wrap the sum. */
	cfg.partitions[1].memory = UINT64_MAX;
	assert_int_equal(config_check_machine(&cfg, 2, UINT64_MAX - 1, &err),
			 -ENOMEM);
}

static void test_error_format(void **state)
{
	struct config_error e = { .line = 12, .message = "cpu 3 is taken" };
	char buf[64];

	(void)state;
	config_error_format(&e, "cfg/bulkhead.cfg", buf, sizeof(buf));
	assert_string_equal(buf, "cfg/bulkhead.cfg:12: cpu 3 is taken");
	e.line = 0;
	config_error_format(&e, "x.cfg", buf, sizeof(buf));
	assert_string_equal(buf, "x.cfg: cpu 3 is taken");
	config_error_format(&e, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "bulkhead.cfg: cpu 3 is taken");
	config_error_format(&e, "x.cfg", buf, 8);
	assert_string_equal(buf, "x.cfg: ");

	assert_int_equal(parse(HEAD "cpus = 64\n"), -EINVAL);
	config_error_format(&err, "b.cfg", buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "b.cfg:2: cpu 64 is out of range", 31),
			 0);
}

static void test_format_helpers(void **state)
{
	static const struct {
		uint64_t cpus;
		const char *text;
	} rows[] = {
		{ 0, "none" },
		{ 1, "0" },
		{ 0xa, "1,3" },
		{ 0xc, "2-3" },
		{ 0x72, "1,4-6" },
		{ ~0ULL, "0-63" },
		{ 1ULL << 63, "63" },
		{ (3ULL << 62) | 1, "0,62-63" },
	};
	char buf[CONFIG_CPUS_TEXT_MAX], small[4];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		config_format_cpus(rows[i].cpus, buf, sizeof(buf));
		assert_string_equal(buf, rows[i].text);
	}
	config_format_cpus(0x5555555555555555ULL, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 90);
	assert_int_equal(strncmp(buf, "0,2,4,6,8,10,", 13), 0);
	config_format_cpus(0x5555555555555555ULL, small, sizeof(small));
	assert_string_equal(small, "0,2");
	config_format_cpus(0x15, buf, 1);
	assert_string_equal(buf, "");

	config_format_size(32 * MIB, buf, sizeof(buf));
	assert_string_equal(buf, "32M");
	config_format_size(2 * GIB, buf, sizeof(buf));
	assert_string_equal(buf, "2G");
	config_format_size(2052 << 10, buf, sizeof(buf));
	assert_string_equal(buf, "2052K");
	config_format_size(5000, buf, sizeof(buf));
	assert_string_equal(buf, "5000");
	config_format_size(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
}

/* Round trip: what config_format_* print, the parser reads back. */
static void test_format_round_trip(void **state)
{
	char cpus[CONFIG_CPUS_TEXT_MAX], size[24], text[256];
	uint64_t mask = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 200; i++) {
		uint64_t bytes = ((mask >> 20) % 100000 + 512) * 4096;

		mask ^= mask << 13;
		mask ^= mask >> 7;
		mask ^= mask << 17;
		config_format_cpus(mask, cpus, sizeof(cpus));
		config_format_size(bytes, size, sizeof(size));
		snprintf(text, sizeof(text),
			 HEAD "cpus = %s\nmemory = %s\nkernel = k\n", cpus, size);
		OK(text);
		assert_int_equal(cfg.partitions[0].cpus, mask);
		assert_int_equal(cfg.partitions[0].memory, bytes);
	}
}

static bool valid_result(void)
{
	for (unsigned int i = 0; i < cfg.partition_count; i++) {
		const struct partition_config *p = &cfg.partitions[i];

		if (!p->cpus || p->memory < CONFIG_MIN_MEMORY ||
		    !p->kernel.path[0] || p->module_count > CONFIG_MAX_MODULES ||
		    strlen(p->name) >= CONFIG_NAME_MAX)
			return false;
		for (unsigned int j = 0; j < i; j++) {
			if (p->cpus & cfg.partitions[j].cpus)
				return false;
		}
	}
	return cfg.partition_count > 0 &&
	       cfg.partition_count <= CONFIG_MAX_PARTITIONS;
}

/*
 * Every prefix of the example and random damage to it: the parser must
 * never read out of bounds (ASan watches), and whatever it accepts must
 * obey the rules it enforces.
 */
static void test_damaged_input(void **state)
{
	static const char alphabet[] = "[]=#\",-\r\n\t 019KMGa/.\\\0\x80";
	size_t len = strlen(example);
	uint32_t seed = 12345;
	char *copy;

	(void)state;
	for (size_t n = 0; n <= len; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, example, n);
		if (config_parse(copy, n, &cfg, &err) == 0)
			assert_true(valid_result());
		else
			assert_true(err.message[0] != '\0');
		free(copy);
	}
	for (int round = 0; round < 20000; round++) {
		copy = malloc(len);
		memcpy(copy, example, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % len] =
				alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		if (config_parse(copy, len, &cfg, &err) == 0)
			assert_true(valid_result());
		else
			assert_true(err.message[0] != '\0');
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_parses),
		cmocka_unit_test(test_defaults_and_several_partitions),
		cmocka_unit_test(test_cpu_lists_and_ranges),
		cmocka_unit_test(test_bad_cpu_lists),
		cmocka_unit_test(test_cpu_in_two_partitions),
		cmocka_unit_test(test_schedules),
		cmocka_unit_test(test_bad_schedules),
		cmocka_unit_test(test_pci_devices),
		cmocka_unit_test(test_bad_pci_devices),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_memory),
		cmocka_unit_test(test_yes_no_and_stop_restart),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_quotes_and_comments),
		cmocka_unit_test(test_bad_quotes),
		cmocka_unit_test(test_crlf_and_encodings),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_required_keys),
		cmocka_unit_test(test_no_partition),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_too_many_partitions),
		cmocka_unit_test(test_null_error_and_reuse),
		cmocka_unit_test(test_machine_checks),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_format_helpers),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_damaged_input),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
