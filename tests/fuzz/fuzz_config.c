/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The config parser (config/config.c) on any text. Invariants: a failed
 * parse leaves the config zeroed and a message naming a line of the file;
 * a config that parses prints (as a user could have written it) and
 * parses back to the same config, whose print is the same text again.
 */
#include <string.h>

#include "config/config.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

#define PRINT_MAX	16384

struct out {
	char buf[PRINT_MAX];
	size_t len;
};

static void put(struct out *o, const char *s, size_t n)
{
	FUZZ_CHECK(o->len + n < sizeof(o->buf), "printed config too long");
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A value needs quotes when it holds what the syntax would take apart:
 * '#' (a comment), ',' (in lists) or blanks at either end. Bare otherwise,
 * so that the printed line is never longer than the line it came from.
 */
static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);

	return !n || strchr(s, '#') || strchr(s, ',') || blank(s[0]) ||
	       blank(s[n - 1]);
}

/*
 * No escape exists: a value holding '"' was written bare, its '#' and
 * ',' inside balanced quotes, and goes back as it was.
 */
static void put_value(struct out *o, const char *s)
{
	bool quote = !strchr(s, '"') && needs_quotes(s);

	if (quote)
		puts_(o, "\"");
	puts_(o, s);
	if (quote)
		puts_(o, "\"");
}

static void put_key(struct out *o, const char *key, const char *value)
{
	puts_(o, key);
	puts_(o, "=");
	put_value(o, value);
	puts_(o, "\n");
}

static void print_partition(struct out *o, const struct partition_config *p)
{
	char text[CONFIG_CPUS_TEXT_MAX];

	puts_(o, "[partition ");
	puts_(o, p->name);
	puts_(o, "]\n");
	config_format_cpus(p->cpus, text, sizeof(text));
	put_key(o, "cpus", text);
	config_format_size(p->memory, text, sizeof(text));
	put_key(o, "memory", text);
	put_key(o, "kernel", p->kernel.path);
	if (p->cmdline[0])
		put_key(o, "cmdline", p->cmdline);
	if (p->module_count) {
		puts_(o, "modules=");
		for (unsigned int i = 0; i < p->module_count; i++) {
			if (i)
				puts_(o, ",");
			put_value(o, p->modules[i].path);
		}
		puts_(o, "\n");
	}
	if (p->initrd.path[0])
		put_key(o, "initrd", p->initrd.path);
	put_key(o, "on_fault",
		p->on_fault == FAULT_ACTION_RESTART ? "restart" : "stop");
	if (p->device_count) {
		puts_(o, "devices=");
		for (unsigned int i = 0; i < p->device_count; i++) {
			char dev[CONFIG_DEVICE_TEXT_MAX];

			config_format_device(p->devices[i], dev, sizeof(dev));
			puts_(o, i ? "," : "");
			puts_(o, dev);
		}
		puts_(o, "\n");
	}
}

static void print_config(struct out *o, const struct config *cfg)
{
	o->len = 0;
	puts_(o, "[hypervisor]\n");
	put_key(o, "exit_when_done", cfg->exit_when_done ? "yes" : "no");
	for (unsigned int i = 0; i < cfg->partition_count; i++)
		print_partition(o, &cfg->partitions[i]);
	o->buf[o->len] = '\0';
}

/* Line numbers differ between the two texts; everything else must not. */
static void forget_lines(struct config *cfg)
{
	for (unsigned int i = 0; i < CONFIG_MAX_PARTITIONS; i++) {
		struct partition_config *p = &cfg->partitions[i];

		p->line = p->cpus_line = p->memory_line = 0;
		p->devices_line = 0;
		p->kernel.line = p->initrd.line = 0;
		for (unsigned int m = 0; m < CONFIG_MAX_MODULES; m++)
			p->modules[m].line = 0;
	}
}

static unsigned int count_lines(const uint8_t *data, size_t size)
{
	unsigned int lines = size ? 1 : 0;

	for (size_t i = 0; i + 1 < size; i++)
		lines += data[i] == '\n';
	return lines;
}

static void check_failure(const struct config *cfg,
			  const struct config_error *err, unsigned int lines)
{
	static const struct config zero;
	char text[300];

	FUZZ_CHECK(!memcmp(cfg, &zero, sizeof(zero)),
		   "a failed parse left config data behind");
	FUZZ_CHECK(memchr(err->message, '\0', sizeof(err->message)) &&
		   err->message[0], "error message empty or unterminated");
	FUZZ_CHECK(err->line <= lines, "error on line %u of a %u-line file",
		   err->line, lines);
	config_error_format(err, NULL, text, sizeof(text));
}

static void check_machine(const struct config *cfg, struct fuzz_in *in)
{
	struct config_error err;
	unsigned int cpus = fuzz_u8(in);
	uint64_t free_bytes = fuzz_u64(in);
	int ret = config_check_machine(cfg, cpus, free_bytes, &err);

	FUZZ_CHECK(ret == 0 || ret == -ERANGE || ret == -ENOMEM,
		   "config_check_machine returned %d", ret);
	if (ret)
		FUZZ_CHECK(err.message[0], "machine error without a message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config first, second;
	static struct out printed, again;
	struct config_error err;
	struct fuzz_in in = { data, size, 0 };
	int ret;

	ret = config_parse((const char *)data, size, &first, &err);
	if (ret) {
		check_failure(&first, &err, count_lines(data, size));
		return 0;
	}
	print_config(&printed, &first);
	ret = config_parse(printed.buf, printed.len, &second, &err);
	FUZZ_CHECK(!ret, "the printed config does not parse: line %u: %s\n%s",
		   err.line, err.message, printed.buf);
	print_config(&again, &second);
	FUZZ_CHECK(printed.len == again.len &&
		   !memcmp(printed.buf, again.buf, printed.len),
		   "printing is not stable:\n%s\n---\n%s", printed.buf,
		   again.buf);
	forget_lines(&first);
	forget_lines(&second);
	FUZZ_CHECK(!memcmp(&first, &second, sizeof(first)),
		   "the config changed through print and parse:\n%s",
		   printed.buf);
	/* The tail of the input doubles as a machine to check against. */
	in.pos = size > 9 ? size - 9 : 0;
	check_machine(&second, &in);
	return 0;
}
