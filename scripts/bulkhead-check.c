/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bulkhead-check: the hypervisor's own config parser (config/config.c),
 * run on the host, so that a mistake shows up before the USB stick is
 * written rather than on the serial console of the target.
 *
 *   bulkhead-check [--cpus N] [--memory SIZE] [--list-files] FILE
 *
 * Exit 0: fine; 1: the config has errors (stderr, "FILE:LINE: message");
 * 2: usage error or unreadable FILE.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"

#define EXIT_CONFIG	1
#define EXIT_USAGE	2
/* A guess above any machine the config can describe (64 CPUs). */
#define CPUS_ARG_MAX	4096
/* Without --cpus, any index a config can hold (the width of cpus). */
#define ANY_CPU_COUNT	64
#define HOST_PATH_MAX	4096

struct options {
	const char *file;
	unsigned int cpus;		/* 0: not given */
	uint64_t memory;
	bool memory_given;
	bool list_files;
};

/* One problem with a named file; printed in line order at the end. */
struct file_problem {
	unsigned int line;
	char message[HOST_PATH_MAX + 256];
};

static const char usage_text[] =
	"usage: bulkhead-check [--cpus N] [--memory SIZE] [--list-files] FILE\n"
	"  checks a bulkhead.cfg the way the hypervisor will read it at boot,\n"
	"  and that every file it names exists relative to FILE's folder\n"
	"  --cpus N       also check CPU indexes against a machine with N CPUs\n"
	"  --memory SIZE  also check that the partitions fit in SIZE (e.g. 4G)\n"
	"                 of memory free for partitions\n"
	"  --list-files   print only the files the config names, one per line\n"
	"exit status: 0 fine, 1 errors in the config, 2 usage or unreadable FILE\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "bulkhead-check: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: bulkhead-check [--cpus N] [--memory SIZE] [--list-files] FILE (--help for more)\n");
	return EXIT_USAGE;
}

static int parse_cpus_arg(const char *arg, unsigned int *cpus)
{
	char *end;
	unsigned long v;

	if (!*arg)
		return usage_error("%s", "--cpus needs a value, e.g. --cpus 4");
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v == 0 ||
	    v > CPUS_ARG_MAX)
		return usage_error("--cpus %s: give the number of CPUs, e.g. --cpus 4",
				   arg);
	*cpus = (unsigned int)v;
	return 0;
}

static int parse_memory_arg(const char *arg, struct options *o)
{
	if (!*arg)
		return usage_error("%s", "--memory needs a value, e.g. --memory 4G");
	if (config_parse_size(arg, strlen(arg), &o->memory))
		return usage_error("--memory %s: give a size like 1024M or 4G",
				   arg);
	o->memory_given = true;
	return 0;
}

/* "--opt VALUE" and "--opt=VALUE" both work; NULL when it is not opt. */
static const char *option_value(int argc, char **argv, int *i,
				const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

static int parse_option(int argc, char **argv, int *i, struct options *o)
{
	const char *value;

	if ((value = option_value(argc, argv, i, "--cpus")))
		return parse_cpus_arg(value, &o->cpus);
	if ((value = option_value(argc, argv, i, "--memory")))
		return parse_memory_arg(value, o);
	if (strcmp(argv[*i], "--list-files") == 0) {
		o->list_files = true;
		return 0;
	}
	return usage_error("unknown option %s", argv[*i]);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	bool options_done = false;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!options_done && (strcmp(argv[i], "-h") == 0 ||
				      strcmp(argv[i], "--help") == 0)) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (!options_done && strcmp(argv[i], "--") == 0) {
			options_done = true;
		} else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
			ret = parse_option(argc, argv, &i, o);
			if (ret)
				return ret;
		} else if (o->file) {
			return usage_error("one FILE only (also got %s)", argv[i]);
		} else {
			o->file = argv[i];
		}
	}
	if (!o->file)
		return usage_error("%s", "no FILE given");
	return 0;
}

/* The whole file, or NULL with the reason in errno. */
static char *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL, *bigger;
	size_t cap = 0, n;
	int saved;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			bigger = realloc(buf, cap);
			if (!bigger) {
				errno = ENOMEM;
				goto fail;
			}
			buf = bigger;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f))
		goto fail;
	fclose(f);
	return buf;
fail:
	saved = errno ? errno : EIO;
	free(buf);
	fclose(f);
	errno = saved;
	return NULL;
}

static void folder_of(const char *file, char *dir, size_t size)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		snprintf(dir, size, ".");
	else if (slash == file)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - file), file);
}

static bool check_one_file(const char *dir, const struct config_file_ref *ref,
			   struct file_problem *problem)
{
	char host[HOST_PATH_MAX];
	struct stat st;

	snprintf(host, sizeof(host), "%s/%s", dir, ref->path);
	problem->line = ref->line;
	if (stat(host, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			snprintf(problem->message, sizeof(problem->message),
				 "file %s not found (looked in %s)", ref->path,
				 dir);
		else
			snprintf(problem->message, sizeof(problem->message),
				 "cannot look at file %s in %s: %s", ref->path,
				 dir, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(problem->message, sizeof(problem->message),
			 "%s in %s is a folder, not a file: name the file itself",
			 ref->path, dir);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(problem->message, sizeof(problem->message),
			 "%s in %s is not a regular file: name a plain file",
			 ref->path, dir);
		return false;
	}
	if (access(host, R_OK) != 0) {
		snprintf(problem->message, sizeof(problem->message),
			 "file %s in %s is not readable: %s", ref->path, dir,
			 strerror(errno));
		return false;
	}
	return true;
}

static int by_line(const void *a, const void *b)
{
	const struct file_problem *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Every missing file at once: each costs a trip to the build machine. */
static bool check_files(const struct config *cfg, const char *file)
{
	static struct file_problem problems[CONFIG_MAX_PARTITIONS *
					    (CONFIG_MAX_MODULES + 2)];
	char dir[HOST_PATH_MAX];
	size_t count = 0, i;
	unsigned int p, m;

	folder_of(file, dir, sizeof(dir));
	for (p = 0; p < cfg->partition_count; p++) {
		const struct partition_config *part = &cfg->partitions[p];

		if (!check_one_file(dir, &part->kernel, &problems[count]))
			count++;
		for (m = 0; m < part->module_count; m++) {
			if (!check_one_file(dir, &part->modules[m],
					    &problems[count]))
				count++;
		}
		if (part->initrd.path[0] &&
		    !check_one_file(dir, &part->initrd, &problems[count]))
			count++;
	}
	qsort(problems, count, sizeof(problems[0]), by_line);
	for (i = 0; i < count; i++)
		fprintf(stderr, "%s:%u: %s\n", file, problems[i].line,
			problems[i].message);
	return count == 0;
}

static bool check_machine(const struct config *cfg, const struct options *o)
{
	struct config_error err;
	char line[512];

	if (!o->cpus && !o->memory_given)
		return true;
	if (config_check_machine(cfg, o->cpus ? o->cpus : ANY_CPU_COUNT,
				 o->memory_given ? o->memory : UINT64_MAX,
				 &err) == 0)
		return true;
	config_error_format(&err, o->file, line, sizeof(line));
	fprintf(stderr, "%s\n", line);
	return false;
}

static bool listed_before(const struct config *cfg, const char *path,
			  const struct config_file_ref *upto)
{
	unsigned int p, m;

	for (p = 0; p < cfg->partition_count; p++) {
		const struct partition_config *part = &cfg->partitions[p];

		if (&part->kernel == upto)
			return false;
		if (strcmp(part->kernel.path, path) == 0)
			return true;
		for (m = 0; m < part->module_count; m++) {
			if (&part->modules[m] == upto)
				return false;
			if (strcmp(part->modules[m].path, path) == 0)
				return true;
		}
		if (&part->initrd == upto)
			return false;
		if (strcmp(part->initrd.path, path) == 0)
			return true;
	}
	return false;
}

static void list_file(const struct config *cfg,
		      const struct config_file_ref *ref)
{
	if (!listed_before(cfg, ref->path, ref))
		printf("%s\n", ref->path);
}

static void list_files(const struct config *cfg)
{
	unsigned int p, m;

	for (p = 0; p < cfg->partition_count; p++) {
		const struct partition_config *part = &cfg->partitions[p];

		list_file(cfg, &part->kernel);
		for (m = 0; m < part->module_count; m++)
			list_file(cfg, &part->modules[m]);
		if (part->initrd.path[0])
			list_file(cfg, &part->initrd);
	}
}

static void print_devices(const struct partition_config *part)
{
	char bdf[CONFIG_DEVICE_TEXT_MAX];

	for (unsigned int d = 0; d < part->device_count; d++) {
		config_format_device(part->devices[d], bdf, sizeof(bdf));
		printf("%s%s", d ? " " : ", devices ", bdf);
	}
}

/* "schedule cpu1: frame 20ms: rt 5ms, lx 12ms, idle 3ms" */
static void print_schedule(const struct config *cfg,
			   const struct schedule_config *s)
{
	char length[24];
	uint64_t used = 0;

	config_format_duration(s->major_frame_ns, length, sizeof(length));
	printf("schedule cpu%u: frame %s:", s->cpu, length);
	for (unsigned int i = 0; i < s->window_count; i++) {
		const struct window_config *w = &s->windows[i];

		used += w->ns;
		config_format_duration(w->ns, length, sizeof(length));
		printf("%s %s %s", i ? "," : "",
		       w->partition == CONFIG_WINDOW_IDLE ? "idle" :
		       cfg->partitions[w->partition].name, length);
	}
	if (used < s->major_frame_ns) {
		config_format_duration(s->major_frame_ns - used, length,
				       sizeof(length));
		printf(", idle %s", length);
	}
	printf("\n");
}

static void print_summary(const struct config *cfg)
{
	char cpus[CONFIG_CPUS_TEXT_MAX], memory[24];
	unsigned int p;

	for (p = 0; p < cfg->partition_count; p++) {
		const struct partition_config *part = &cfg->partitions[p];

		config_format_cpus(part->cpus, cpus, sizeof(cpus));
		config_format_size(part->memory, memory, sizeof(memory));
		printf("partition %s: cpus %s, memory %s, kernel %s", part->name,
		       cpus, memory, part->kernel.path);
		if (part->module_count)
			printf(", %u module%s", part->module_count,
			       part->module_count == 1 ? "" : "s");
		if (part->initrd.path[0])
			printf(", initrd %s", part->initrd.path);
		if (part->on_fault == FAULT_ACTION_RESTART)
			printf(", restarts on fault");
		if (part->watchdog_ms)
			printf(", watchdog %ums", part->watchdog_ms);
		print_devices(part);
		printf("\n");
	}
	for (p = 0; p < cfg->schedule_count; p++)
		print_schedule(cfg, &cfg->schedules[p]);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct options o = { 0 };
	struct config_error err;
	char line[512];
	size_t len;
	char *text;
	bool ok;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	text = read_file(o.file, &len);
	if (!text) {
		fprintf(stderr, "bulkhead-check: cannot read %s: %s\n", o.file,
			strerror(errno));
		return EXIT_USAGE;
	}
	ret = config_parse(text, len, &cfg, &err);
	free(text);
	if (ret) {
		config_error_format(&err, o.file, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
		return EXIT_CONFIG;
	}
	/*
	 * --list-files serves the image builder, which looks for the files
	 * in more folders than the config's own and reports what is missing.
	 */
	ok = o.list_files || check_files(&cfg, o.file);
	ok = check_machine(&cfg, &o) && ok;
	if (!ok)
		return EXIT_CONFIG;
	if (o.list_files)
		list_files(&cfg);
	else
		print_summary(&cfg);
	return 0;
}
