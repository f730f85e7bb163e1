/* SPDX-License-Identifier: BSD-2-Clause */
#include "config/config.h"

#include <stdarg.h>

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/limits.h"
#include "lib/string.h"

/*
 * The reader of these messages is someone with a text editor and a USB
 * stick, not a developer: every error says what is wrong and what to write
 * instead, and parsing stops at the first one so it cannot cascade.
 */

#define SIZE_K		(1ULL << 10)
#define SIZE_M		(1ULL << 20)
#define SIZE_G		(1ULL << 30)
#define MEMORY_ALIGN	(4ULL << 10)
#define MACHINE_ALIGN	(2ULL << 20)
/* The x86-64 physical address limit: more is a typo, not a machine. */
#define MEMORY_MAX	(1ULL << 52)

/* User text in messages is cut short so that the fix hint still fits. */
#define SHOWN_MAX	40
#define SHOW(t)		(int)((t).len < SHOWN_MAX ? (t).len : SHOWN_MAX), (t).s

/* Longer words are never typos of a key, and the rows stay small. */
#define SUGGEST_MAX	32

struct text {
	const char *s;
	size_t len;
};

enum section {
	SECTION_NONE,
	SECTION_HYPERVISOR,
	SECTION_PARTITION,
	SECTION_SCHEDULE,
};

enum key_id {
	KEY_EXIT_WHEN_DONE,
	KEY_CPUS,
	KEY_MEMORY,
	KEY_KERNEL,
	KEY_CMDLINE,
	KEY_MODULES,
	KEY_INITRD,
	KEY_ON_FAULT,
	KEY_DEVICES,
	KEY_WATCHDOG,
	KEY_COUNT
};

struct parser {
	struct config *cfg;
	struct config_error *err;
	unsigned int line;
	enum section section;
	struct partition_config *part;		/* in SECTION_PARTITION */
	unsigned int hypervisor_line;
	unsigned int key_lines[KEY_COUNT];	/* 0: not set in this section */
	struct schedule_config *sched;		/* in SECTION_SCHEDULE */
	unsigned int frame_line, windows_line;	/* its keys, 0: not set */
};

struct key_def {
	const char *name;
	enum section section;
	const char *example;		/* a line that would fix "missing" */
	int (*set)(struct parser *p, const struct key_def *key,
		   struct text value);
};

enum size_status { SIZE_OK, SIZE_BAD_NUMBER, SIZE_BAD_SUFFIX, SIZE_TOO_LARGE };

/* ---- text slices ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static struct text slice(struct text t, size_t from, size_t to)
{
	return (struct text){ t.s + from, to - from };
}

static struct text trim(struct text t)
{
	while (t.len && is_space(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len && is_space(t.s[t.len - 1]))
		t.len--;
	return t;
}

/* Index of the first c, or t.len. */
static size_t find_char(struct text t, char c)
{
	size_t i = 0;

	while (i < t.len && t.s[i] != c)
		i++;
	return i;
}

static bool text_eq(struct text t, const char *word)
{
	return strlen(word) == t.len && memcmp(t.s, word, t.len) == 0;
}

/* Values such as yes/no are forgiving about case; keys are not. */
static bool text_eq_nocase(struct text t, const char *word)
{
	size_t i;

	if (strlen(word) != t.len)
		return false;
	for (i = 0; i < t.len; i++) {
		if (to_lower(t.s[i]) != word[i])
			return false;
	}
	return true;
}

static void copy_text(char *dst, struct text t)
{
	memcpy(dst, t.s, t.len);
	dst[t.len] = '\0';
}

/* Splits off the text up to the next comma outside quotes. */
static struct text next_item(struct text *rest, bool *more)
{
	bool quoted = false;
	size_t i;
	struct text item;

	for (i = 0; i < rest->len; i++) {
		if (rest->s[i] == '"')
			quoted = !quoted;
		else if (rest->s[i] == ',' && !quoted)
			break;
	}
	item = trim(slice(*rest, 0, i));
	*more = i < rest->len;
	*rest = *more ? slice(*rest, i + 1, rest->len) : slice(*rest, i, i);
	return item;
}

static unsigned int lowest_bit(uint64_t mask)
{
	return (unsigned int)__builtin_ctzll(mask);
}

/* ---- errors ---- */

static void set_error(struct config_error *err, unsigned int line,
		      const char *fmt, va_list ap)
{
	err->line = line;
	vsnformat(err->message, sizeof(err->message), fmt, ap);
}

static int fail_at(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(p->err, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(p->err, p->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int machine_error(struct config_error *err, int code,
			 unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int machine_error(struct config_error *err, int code,
			 unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(err, line, fmt, ap);
	va_end(ap);
	return code;
}

static unsigned int min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Optimal string alignment distance, ignoring case: catches the usual
 * typos (a swapped pair, a missing or extra letter, Memory for memory).
 */
static unsigned int edit_distance(struct text a, const char *b)
{
	unsigned int rows[3][SUGGEST_MAX + 1];
	size_t lb = strlen(b), i, j;

	if (a.len > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SUGGEST_MAX;
	for (j = 0; j <= lb; j++)
		rows[0][j] = (unsigned int)j;
	for (i = 1; i <= a.len; i++) {
		unsigned int *cur = rows[i % 3], *prev = rows[(i - 1) % 3];
		unsigned int *prev2 = rows[(i + 1) % 3];

		cur[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			char ca = to_lower(a.s[i - 1]), cb = b[j - 1];

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
				      prev[j - 1] + (ca != cb));
			if (i > 1 && j > 1 && ca == b[j - 2] &&
			    to_lower(a.s[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[a.len % 3][lb];
}

/* The closest of names[] within two edits, or NULL. */
static const char *suggest(struct text word, const char *const *names,
			   size_t count)
{
	const char *best = NULL;
	unsigned int best_d = 3;
	size_t i;

	for (i = 0; i < count; i++) {
		unsigned int d = edit_distance(word, names[i]);

		if (d < best_d && d < strlen(names[i])) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

/* ---- keys ---- */

static int set_exit_when_done(struct parser *p, const struct key_def *key,
			      struct text value);
static int set_cpus(struct parser *p, const struct key_def *key,
		    struct text value);
static int set_memory(struct parser *p, const struct key_def *key,
		      struct text value);
static int set_kernel(struct parser *p, const struct key_def *key,
		      struct text value);
static int set_cmdline(struct parser *p, const struct key_def *key,
		       struct text value);
static int set_modules(struct parser *p, const struct key_def *key,
		       struct text value);
static int set_initrd(struct parser *p, const struct key_def *key,
		      struct text value);
static int set_on_fault(struct parser *p, const struct key_def *key,
			struct text value);
static int set_devices(struct parser *p, const struct key_def *key,
		       struct text value);
static int set_watchdog(struct parser *p, const struct key_def *key,
			struct text value);

static const struct key_def keys[KEY_COUNT] = {
	[KEY_EXIT_WHEN_DONE] = { "exit_when_done", SECTION_HYPERVISOR,
				 "exit_when_done = yes", set_exit_when_done },
	[KEY_CPUS] = { "cpus", SECTION_PARTITION, "cpus = 1", set_cpus },
	[KEY_MEMORY] = { "memory", SECTION_PARTITION, "memory = 32M",
			 set_memory },
	[KEY_KERNEL] = { "kernel", SECTION_PARTITION,
			 "kernel = guests/hello.elf", set_kernel },
	[KEY_CMDLINE] = { "cmdline", SECTION_PARTITION, "cmdline = \"quiet\"",
			  set_cmdline },
	[KEY_MODULES] = { "modules", SECTION_PARTITION,
			  "modules = guests/data.bin", set_modules },
	[KEY_INITRD] = { "initrd", SECTION_PARTITION,
			 "initrd = linux/initrd.img", set_initrd },
	[KEY_ON_FAULT] = { "on_fault", SECTION_PARTITION, "on_fault = stop",
			   set_on_fault },
	[KEY_DEVICES] = { "devices", SECTION_PARTITION,
			  "devices = 00:05.0, 00:06.0", set_devices },
	[KEY_WATCHDOG] = { "watchdog", SECTION_PARTITION, "watchdog = 2s",
			   set_watchdog },
};

static const struct key_def *find_key(struct text name, enum section section)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++) {
		if (text_eq(name, keys[i].name) &&
		    (section == SECTION_NONE || keys[i].section == section))
			return &keys[i];
	}
	return NULL;
}

/* ---- values ---- */

static int unquote(struct parser *p, const char *what, struct text *value)
{
	struct text inner;
	size_t close;

	if (!value->len || value->s[0] != '"')
		return 0;
	inner = slice(*value, 1, value->len);
	close = find_char(inner, '"');
	if (close == inner.len)
		return fail(p, "unterminated quote in %s: add the closing '\"'",
			    what);
	if (close != inner.len - 1)
		return fail(p, "text after the closing quote of %s: put the whole value inside the quotes",
			    what);
	*value = slice(inner, 0, close);
	return 0;
}

/* A single value: quotes are optional, and only cmdline may be empty. */
static int scalar(struct parser *p, const struct key_def *key,
		  struct text *value, bool allow_empty)
{
	int ret = unquote(p, key->name, value);

	if (ret)
		return ret;
	if (!value->len && !allow_empty)
		return fail(p, "%s has no value: write e.g. %s", key->name,
			    key->example);
	return 0;
}

static int set_exit_when_done(struct parser *p, const struct key_def *key,
			      struct text value)
{
	int ret = scalar(p, key, &value, false);

	if (ret)
		return ret;
	if (text_eq_nocase(value, "yes"))
		p->cfg->exit_when_done = true;
	else if (text_eq_nocase(value, "no"))
		p->cfg->exit_when_done = false;
	else
		return fail(p, "exit_when_done must be yes or no, not \"%.*s\"",
			    SHOW(value));
	return 0;
}

static int set_on_fault(struct parser *p, const struct key_def *key,
			struct text value)
{
	int ret = scalar(p, key, &value, false);

	if (ret)
		return ret;
	if (text_eq_nocase(value, "stop"))
		p->part->on_fault = FAULT_ACTION_STOP;
	else if (text_eq_nocase(value, "restart"))
		p->part->on_fault = FAULT_ACTION_RESTART;
	else
		return fail(p, "on_fault must be stop or restart, not \"%.*s\"",
			    SHOW(value));
	return 0;
}

/* Digits only, false on anything else or overflow. */
static bool parse_decimal(struct text t, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!t.len)
		return false;
	for (i = 0; i < t.len; i++) {
		unsigned int d = (unsigned int)(t.s[i] - '0');

		if (!is_digit(t.s[i]) || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool all_digits(struct text t)
{
	size_t i;

	for (i = 0; i < t.len; i++) {
		if (!is_digit(t.s[i]))
			return false;
	}
	return t.len > 0;
}

static int parse_cpu(struct parser *p, struct text list, struct text t,
		     unsigned int *cpu)
{
	uint64_t v = 0;

	if (!all_digits(t))
		return fail(p, "bad cpu list \"%.*s\": write CPU indexes (0 = boot CPU) like 1,3 or ranges like 2-3",
			    SHOW(list));
	if (!parse_decimal(t, &v) || v >= MAX_CPUS)
		return fail(p, "cpu %.*s is out of range: CPU indexes go from 0 to %d",
			    SHOW(t), MAX_CPUS - 1);
	*cpu = (unsigned int)v;
	return 0;
}

static uint64_t cpu_range(unsigned int first, unsigned int last)
{
	uint64_t upto = last == 63 ? ~0ULL : (1ULL << (last + 1)) - 1;

	return upto & ~((1ULL << first) - 1);
}

static int add_cpu_item(struct parser *p, struct text list, struct text item,
			uint64_t *mask)
{
	size_t dash = find_char(item, '-');
	struct text first = trim(slice(item, 0, dash)), last = first;
	unsigned int a, b;
	uint64_t range;
	int ret;

	if (!item.len)
		return fail(p, "empty entry in cpus = %.*s: remove the extra comma",
			    SHOW(list));
	if (dash < item.len)
		last = trim(slice(item, dash + 1, item.len));
	ret = parse_cpu(p, list, first, &a);
	if (!ret)
		ret = parse_cpu(p, list, last, &b);
	if (ret)
		return ret;
	if (a > b)
		return fail(p, "cpu range %.*s runs backwards: write %u-%u",
			    SHOW(item), b, a);
	range = cpu_range(a, b);
	if (*mask & range)
		return fail(p, "cpu %u is listed twice in cpus = %.*s: list each CPU once",
			    lowest_bit(*mask & range), SHOW(list));
	*mask |= range;
	return 0;
}

static int set_cpus(struct parser *p, const struct key_def *key,
		    struct text value)
{
	struct text rest;
	uint64_t mask = 0;
	bool more = true;
	int ret = scalar(p, key, &value, false);

	for (rest = value; !ret && more;)
		ret = add_cpu_item(p, value, next_item(&rest, &more), &mask);
	if (ret)
		return ret;
	p->part->cpus = mask;
	p->part->cpus_line = p->line;
	return 0;
}

static uint64_t suffix_unit(char c)
{
	switch (to_lower(c)) {
	case 'k':
		return SIZE_K;
	case 'm':
		return SIZE_M;
	case 'g':
		return SIZE_G;
	default:
		return 0;
	}
}

static enum size_status parse_size(struct text t, uint64_t *bytes)
{
	uint64_t v = 0, unit = 1;
	size_t i;

	for (i = 0; i < t.len && is_digit(t.s[i]); i++) {
		unsigned int d = (unsigned int)(t.s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return SIZE_TOO_LARGE;
		v = v * 10 + d;
	}
	if (i == 0)
		return SIZE_BAD_NUMBER;
	if (i < t.len) {
		bool letter = to_lower(t.s[i]) >= 'a' && to_lower(t.s[i]) <= 'z';

		if (!letter)
			return SIZE_BAD_NUMBER;
		unit = suffix_unit(t.s[i]);
		if (!unit || i + 1 != t.len)
			return SIZE_BAD_SUFFIX;
	}
	if (v > UINT64_MAX / unit)
		return SIZE_TOO_LARGE;
	*bytes = v * unit;
	return SIZE_OK;
}

int config_parse_size(const char *s, size_t len, uint64_t *bytes)
{
	switch (parse_size((struct text){ s, len }, bytes)) {
	case SIZE_OK:
		return 0;
	case SIZE_TOO_LARGE:
		return -ERANGE;
	default:
		return -EINVAL;
	}
}

static int check_memory_size(struct parser *p, struct text value,
			     uint64_t bytes)
{
	char fixed[24];

	if (bytes < CONFIG_MIN_MEMORY)
		return fail(p, "memory = %.*s is below the minimum of 2M: give the partition at least 2M",
			    SHOW(value));
	if (bytes > MEMORY_MAX)
		return fail(p, "memory = %.*s is more than an x86-64 machine can address: check the number and suffix",
			    SHOW(value));
	if (bytes % MEMORY_ALIGN) {
		config_format_size((bytes + MEMORY_ALIGN - 1) &
				   ~(MEMORY_ALIGN - 1), fixed, sizeof(fixed));
		return fail(p, "memory = %.*s is not a multiple of 4K: round it up to %s",
			    SHOW(value), fixed);
	}
	return 0;
}

static int set_memory(struct parser *p, const struct key_def *key,
		      struct text value)
{
	uint64_t bytes = 0;
	int ret = scalar(p, key, &value, false);

	if (ret)
		return ret;
	switch (parse_size(value, &bytes)) {
	case SIZE_BAD_NUMBER:
		return fail(p, "bad size \"%.*s\" for memory: write a whole number with an optional K, M or G suffix, e.g. 32M or 1G",
			    SHOW(value));
	case SIZE_BAD_SUFFIX:
		return fail(p, "bad size suffix in memory = %.*s: use K, M or G (1024-based), e.g. 32M",
			    SHOW(value));
	case SIZE_TOO_LARGE:
		return fail(p, "memory = %.*s is too large a number: check the number and suffix",
			    SHOW(value));
	case SIZE_OK:
		break;
	}
	ret = check_memory_size(p, value, bytes);
	if (ret)
		return ret;
	p->part->memory = bytes;
	p->part->memory_line = p->line;
	return 0;
}

/* "2s", "500ms": a whole number and a unit, within the bounds. */
static int set_watchdog(struct parser *p, const struct key_def *key,
			struct text value)
{
	size_t digits = 0;
	struct text number, unit;
	uint64_t n, ms;
	int ret = scalar(p, key, &value, false);

	if (ret)
		return ret;
	while (digits < value.len && is_digit(value.s[digits]))
		digits++;
	number = slice(value, 0, digits);
	unit = trim(slice(value, digits, value.len));
	if (!digits || !parse_decimal(number, &n))
		return fail(p, "bad watchdog \"%.*s\": write a whole number and a unit, e.g. watchdog = 2s or watchdog = 500ms",
			    SHOW(value));
	if (!unit.len)
		return fail(p, "watchdog = %.*s has no unit: write ms or s, e.g. watchdog = %.*ss",
			    SHOW(value), SHOW(number));
	if (text_eq_nocase(unit, "ms"))
		ms = n;
	else if (text_eq_nocase(unit, "s"))
		ms = n <= UINT64_MAX / 1000 ? n * 1000 : UINT64_MAX;
	else
		return fail(p, "bad unit \"%.*s\" in watchdog = %.*s: use ms or s, e.g. watchdog = 2s",
			    SHOW(unit), SHOW(value));
	if (ms < CONFIG_WATCHDOG_MIN_MS)
		return fail(p, "watchdog = %.*s is below the minimum of %ums: give the guest at least %ums between pets",
			    SHOW(value), CONFIG_WATCHDOG_MIN_MS,
			    CONFIG_WATCHDOG_MIN_MS);
	if (ms > CONFIG_WATCHDOG_MAX_MS)
		return fail(p, "watchdog = %.*s is above the maximum of %us: check the number and unit",
			    SHOW(value), CONFIG_WATCHDOG_MAX_MS / 1000);
	p->part->watchdog_ms = (uint32_t)ms;
	return 0;
}

/* Characters FAT cannot store in a file name. */
static bool fat_forbidden(char c)
{
	const char *bad = "<>:\"|?*";

	for (; *bad; bad++) {
		if (*bad == c)
			return true;
	}
	return false;
}

static int check_path_chars(struct parser *p, const char *what,
			    struct text path)
{
	size_t i;

	for (i = 0; i < path.len; i++) {
		char c = path.s[i];

		if (c == '\\')
			return fail(p, "%s path \"%.*s\" uses '\\': separate folders with '/'",
				    what, SHOW(path));
		if ((unsigned char)c >= 0x80)
			return fail(p, "%s path \"%.*s\" has a non-ASCII character: rename the file with plain ASCII letters",
				    what, SHOW(path));
		if (fat_forbidden(c))
			return fail(p, "%s path \"%.*s\" contains '%c', which FAT file names cannot hold: rename the file",
				    what, SHOW(path), c);
	}
	return 0;
}

/*
 * Files must stay inside the boot volume: the image builder copies them
 * from below the config's folder and the loader opens them from the root.
 */
static int check_path_parts(struct parser *p, const char *what,
			    struct text path)
{
	struct text rest = path;

	while (rest.len) {
		size_t slash = find_char(rest, '/');
		struct text part = slice(rest, 0, slash);

		if (!part.len)
			return fail(p, "%s path \"%.*s\" has an empty folder name: remove the extra '/'",
				    what, SHOW(path));
		if (text_eq(part, ".."))
			return fail(p, "%s path \"%.*s\" uses '..': name the file from the boot volume's root, without '..'",
				    what, SHOW(path));
		if (text_eq(part, "."))
			return fail(p, "%s path \"%.*s\" uses '.': drop the './'",
				    what, SHOW(path));
		if (slash == rest.len)
			break;
		rest = slice(rest, slash + 1, rest.len);
		if (!rest.len)
			return fail(p, "%s path \"%.*s\" ends in '/': name a file, not a folder",
				    what, SHOW(path));
	}
	return 0;
}

static int set_path(struct parser *p, const char *what, struct text path,
		    struct config_file_ref *ref)
{
	int ret;

	if (path.len >= CONFIG_PATH_MAX)
		return fail(p, "%s path is %zu characters long; the limit is %d: use a shorter path",
			    what, path.len, CONFIG_PATH_MAX - 1);
	if (path.s[0] == '/')
		return fail(p, "%s path \"%.*s\" is absolute: drop the leading '/' (paths start at the boot volume's root)",
			    what, SHOW(path));
	ret = check_path_chars(p, what, path);
	if (!ret)
		ret = check_path_parts(p, what, path);
	if (ret)
		return ret;
	copy_text(ref->path, path);
	ref->line = p->line;
	return 0;
}

static int set_kernel(struct parser *p, const struct key_def *key,
		      struct text value)
{
	int ret = scalar(p, key, &value, false);

	if (ret)
		return ret;
	return set_path(p, "kernel", value, &p->part->kernel);
}

static int set_cmdline(struct parser *p, const struct key_def *key,
		       struct text value)
{
	int ret = scalar(p, key, &value, true);

	if (ret)
		return ret;
	if (value.len >= CONFIG_CMDLINE_MAX)
		return fail(p, "cmdline is %zu characters long; the limit is %d: shorten it",
			    value.len, CONFIG_CMDLINE_MAX - 1);
	copy_text(p->part->cmdline, value);
	return 0;
}

static int add_module(struct parser *p, struct text item)
{
	struct partition_config *part = p->part;
	int ret = unquote(p, "a module path", &item);

	if (ret)
		return ret;
	if (!item.len)
		return fail(p, "empty entry in modules: remove the extra comma (or the empty \"\")");
	if (part->module_count == CONFIG_MAX_MODULES)
		return fail(p, "too many modules: a partition takes at most %d; combine some files",
			    CONFIG_MAX_MODULES);
	ret = set_path(p, "module", item, &part->modules[part->module_count]);
	if (!ret)
		part->module_count++;
	return ret;
}

static int set_modules(struct parser *p, const struct key_def *key,
		       struct text value)
{
	struct text rest = value;
	bool more = true;
	int ret = 0;

	if (!value.len)
		return fail(p, "%s has no value: write e.g. %s, or remove the line",
			    key->name, key->example);
	while (!ret && more)
		ret = add_module(p, next_item(&rest, &more));
	return ret;
}

/* One file: the Linux boot protocol has a single ramdisk slot. */
static int set_initrd(struct parser *p, const struct key_def *key,
		      struct text value)
{
	int ret;

	/* A list here is a user expecting modules-like syntax; quote a comma. */
	if (value.len && value.s[0] != '"' && find_char(value, ',') < value.len)
		return fail(p, "initrd takes one file, not a list: concatenate the archives into one (Linux unpacks them in turn), or quote a path that holds a comma");
	ret = scalar(p, key, &value, false);
	if (ret)
		return ret;
	return set_path(p, "initrd", value, &p->part->initrd);
}

/* ---- PCI devices ---- */

#define PCI_MAX_DEVICE		31	/* 5-bit device number */
#define PCI_MAX_FUNCTION	7	/* 3-bit function number */

static bool parse_hex(struct text t, size_t max_digits, unsigned int *out)
{
	unsigned int v = 0;

	if (!t.len || t.len > max_digits)
		return false;
	for (size_t i = 0; i < t.len; i++) {
		char c = to_lower(t.s[i]);

		if (is_digit(c))
			v = v * 16 + (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned int)(c - 'a' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/* [segment:]bus:device.function, all hexadecimal, as lspci writes them. */
static bool parse_device(struct text t, uint32_t *device)
{
	size_t c1 = find_char(t, ':'), c2, dot;
	unsigned int seg = 0, bus, dev, fn;
	struct text rest = t;

	c2 = c1 < t.len ? c1 + 1 + find_char(slice(t, c1 + 1, t.len), ':')
			: t.len;
	if (c2 < t.len) {
		if (!parse_hex(slice(t, 0, c1), 4, &seg))
			return false;
		rest = slice(t, c1 + 1, t.len);
	}
	c1 = find_char(rest, ':');
	dot = find_char(rest, '.');
	if (c1 >= rest.len || dot >= rest.len || dot < c1 ||
	    !parse_hex(slice(rest, 0, c1), 2, &bus) ||
	    !parse_hex(slice(rest, c1 + 1, dot), 2, &dev) ||
	    !parse_hex(slice(rest, dot + 1, rest.len), 1, &fn) ||
	    dev > PCI_MAX_DEVICE || fn > PCI_MAX_FUNCTION)
		return false;
	*device = CONFIG_DEVICE(seg, bus, dev, fn);
	return true;
}

void config_format_device(uint32_t device, char *buf, size_t size)
{
	unsigned int seg = device >> 16, bus = device >> 8 & 0xff;
	unsigned int dev = device >> 3 & 0x1f, fn = device & 7;

	if (seg)
		snformat(buf, size, "%04x:%02x:%02x.%x", seg, bus, dev, fn);
	else
		snformat(buf, size, "%02x:%02x.%x", bus, dev, fn);
}

static int check_device_owner(struct parser *p, uint32_t device,
			      struct text item)
{
	const struct partition_config *other;

	for (unsigned int i = 0; i < p->part->device_count; i++)
		if (p->part->devices[i] == device)
			return fail(p, "device %.*s is listed twice: list each PCI function once",
				    SHOW(item));
	for (other = p->cfg->partitions; other < p->part; other++)
		for (unsigned int i = 0; i < other->device_count; i++)
			if (other->devices[i] == device)
				return fail(p, "device %.*s is already in partition \"%s\" (line %u): a PCI function belongs to one partition",
					    SHOW(item), other->name,
					    other->devices_line);
	return 0;
}

static int add_device(struct parser *p, struct text item)
{
	uint32_t device;
	int ret;

	if (!item.len)
		return fail(p, "empty entry in devices: remove the extra comma");
	if (!parse_device(item, &device))
		return fail(p, "bad PCI device \"%.*s\": write bus:device.function in hexadecimal as lspci shows it, e.g. 00:05.0 or 0000:00:1f.2",
			    SHOW(item));
	if (p->part->device_count == CONFIG_MAX_DEVICES)
		return fail(p, "too many devices: a partition owns at most %d PCI functions",
			    CONFIG_MAX_DEVICES);
	ret = check_device_owner(p, device, item);
	if (!ret)
		p->part->devices[p->part->device_count++] = device;
	return ret;
}

static int set_devices(struct parser *p, const struct key_def *key,
		       struct text value)
{
	bool more = true;
	int ret = scalar(p, key, &value, false);
	struct text rest = value;

	p->part->devices_line = p->line;
	while (!ret && more)
		ret = add_device(p, next_item(&rest, &more));
	return ret;
}

/* ---- [schedule cpuN]: cores shared in time ---- */

static const char *const schedule_keys[] = { "major_frame", "windows" };
#define SCHEDULE_KEYS	(sizeof(schedule_keys) / sizeof(schedule_keys[0]))
/* The word that writes a gap in windows = (a partition named so cannot). */
#define IDLE_WORD	"idle"

static bool is_schedule_key(struct text name)
{
	for (size_t i = 0; i < SCHEDULE_KEYS; i++)
		if (text_eq(name, schedule_keys[i]))
			return true;
	return false;
}

static uint64_t duration_unit(struct text unit)
{
	if (text_eq(unit, "us"))
		return CONFIG_NS_PER_US;
	if (text_eq(unit, "ms"))
		return CONFIG_NS_PER_MS;
	if (text_eq(unit, "s"))
		return CONFIG_NS_PER_S;
	return 0;
}

/*
 * "5ms": a whole number and a unit, us, ms or s. Anything longer than the
 * longest frame is refused here, so sums of windows cannot overflow.
 */
static bool parse_duration(struct text t, uint64_t *ns)
{
	uint64_t v = 0, unit;
	size_t i = 0;

	while (i < t.len && is_digit(t.s[i]))
		i++;
	unit = duration_unit(trim(slice(t, i, t.len)));
	if (!unit || !parse_decimal(slice(t, 0, i), &v))
		return false;
	if (v > CONFIG_MAX_FRAME_NS / unit)
		v = CONFIG_MAX_FRAME_NS / unit + 1;
	*ns = v * unit;
	return true;
}

static int check_schedule_cpu(struct parser *p, struct text name,
			      unsigned int *cpu)
{
	uint64_t v = 0;

	if (!name.len)
		return fail(p, "[schedule] needs a core: write e.g. [schedule cpu1] (the index as in cpus =)");
	if (name.len < 4 || memcmp(name.s, "cpu", 3) != 0 ||
	    !all_digits(slice(name, 3, name.len)))
		return fail(p, "bad core \"%.*s\" in [schedule]: write cpu and the CPU index as in cpus =, e.g. [schedule cpu1]",
			    SHOW(name));
	if (!parse_decimal(slice(name, 3, name.len), &v) || v >= MAX_CPUS)
		return fail(p, "[schedule %.*s]: CPU indexes go from 0 to %d",
			    SHOW(name), MAX_CPUS - 1);
	*cpu = (unsigned int)v;
	return 0;
}

static int open_schedule(struct parser *p, struct text name)
{
	struct config *cfg = p->cfg;
	unsigned int cpu = 0;
	int ret = check_schedule_cpu(p, name, &cpu);

	if (ret)
		return ret;
	for (unsigned int i = 0; i < cfg->schedule_count; i++)
		if (cfg->schedules[i].cpu == cpu)
			return fail(p, "second [schedule cpu%u] (the first is on line %u): merge the two into one",
				    cpu, cfg->schedules[i].line);
	if (cfg->schedule_count == CONFIG_MAX_SCHEDULES)
		return fail(p, "too many schedules: at most %d cores can be shared; give some partitions cores of their own",
			    CONFIG_MAX_SCHEDULES);
	p->sched = &cfg->schedules[cfg->schedule_count++];
	p->sched->cpu = cpu;
	p->sched->line = p->line;
	p->section = SECTION_SCHEDULE;
	p->frame_line = p->windows_line = 0;
	return 0;
}

static int set_major_frame(struct parser *p, struct text value)
{
	uint64_t ns = 0;
	int ret = unquote(p, "major_frame", &value);

	if (ret)
		return ret;
	if (!parse_duration(value, &ns))
		return fail(p, "bad major_frame \"%.*s\": write a whole number with us, ms or s, e.g. major_frame = 20ms",
			    SHOW(value));
	if (!ns)
		return fail(p, "major_frame is 0: give the frame a length, e.g. major_frame = 20ms");
	if (ns > CONFIG_MAX_FRAME_NS)
		return fail(p, "major_frame = %.*s is longer than the limit of 1s: shorten it",
			    SHOW(value));
	p->sched->major_frame_ns = ns;
	return 0;
}

static int check_window_length(struct parser *p, struct text name,
			       struct text length, uint64_t ns)
{
	if (!ns)
		return fail(p, "window \"%.*s\" is 0 long: give it at least 100us, or remove it",
			    SHOW(name));
	if (ns < CONFIG_MIN_WINDOW_NS)
		return fail(p, "window \"%.*s\" of %.*s is shorter than the minimum of 100us: lengthen it or merge it with a neighbour",
			    SHOW(name), SHOW(length));
	if (ns > CONFIG_MAX_FRAME_NS)
		return fail(p, "window \"%.*s\" of %.*s is longer than a major frame may be (1s): shorten it",
			    SHOW(name), SHOW(length));
	return 0;
}

/* "rt 5ms" or "idle 2ms": the partition's name (resolved later), a length. */
static int add_window(struct parser *p, struct text item)
{
	struct schedule_config *s = p->sched;
	struct text name, length;
	uint64_t ns = 0;
	size_t gap;
	int ret;

	ret = unquote(p, "windows", &item);
	if (ret)
		return ret;
	if (!item.len)
		return fail(p, "empty entry in windows: remove the extra comma");
	for (gap = 0; gap < item.len && !is_space(item.s[gap]); gap++)
		;
	name = slice(item, 0, gap);
	length = trim(slice(item, gap, item.len));
	if (!length.len)
		return fail(p, "window \"%.*s\" has no length: write NAME LENGTH, e.g. %.*s 5ms (or idle 2ms for a gap)",
			    SHOW(name), SHOW(name));
	if (!parse_duration(length, &ns))
		return fail(p, "bad length \"%.*s\" of window \"%.*s\": write a whole number with us, ms or s, e.g. 5ms",
			    SHOW(length), SHOW(name));
	ret = check_window_length(p, name, length, ns);
	if (ret)
		return ret;
	if (name.len >= CONFIG_NAME_MAX)
		return fail(p, "unknown partition \"%.*s\" in windows: name a [partition NAME] of this file, or write idle for a gap",
			    SHOW(name));
	if (s->window_count == CONFIG_MAX_WINDOWS)
		return fail(p, "too many windows: a major frame holds at most %d; merge neighbouring windows",
			    CONFIG_MAX_WINDOWS);
	copy_text(s->names[s->window_count], name);
	s->windows[s->window_count++].ns = ns;
	return 0;
}

static int set_windows(struct parser *p, struct text value)
{
	bool more = true;
	struct text rest = value;
	int ret = 0;

	if (!value.len)
		return fail(p, "windows has no value: write e.g. windows = rt 5ms, linux 12ms, idle 3ms");
	p->sched->windows_line = p->line;
	while (!ret && more)
		ret = add_window(p, next_item(&rest, &more));
	return ret;
}

static int unknown_schedule_key(struct parser *p, struct text name)
{
	const struct key_def *elsewhere = find_key(name, SECTION_NONE);
	const char *near = suggest(name, schedule_keys, SCHEDULE_KEYS);

	if (elsewhere)
		return fail(p, "%s belongs in %s, not in [schedule cpu%u]: move the line there",
			    elsewhere->name,
			    elsewhere->section == SECTION_HYPERVISOR ?
			    "[hypervisor]" : "a [partition NAME] section",
			    p->sched->cpu);
	if (near)
		return fail(p, "unknown key '%.*s' in [schedule cpu%u]: did you mean '%s'? The keys there are major_frame, windows",
			    SHOW(name), p->sched->cpu, near);
	return fail(p, "unknown key '%.*s' in [schedule cpu%u]: the keys there are major_frame, windows",
		    SHOW(name), p->sched->cpu);
}

static int schedule_assignment(struct parser *p, struct text name,
			       struct text value)
{
	bool frame = text_eq(name, "major_frame");
	unsigned int *seen = frame ? &p->frame_line : &p->windows_line;

	if (!is_schedule_key(name))
		return unknown_schedule_key(p, name);
	if (*seen)
		return fail(p, "%.*s is already set on line %u in this section: keep one of the two lines",
			    SHOW(name), *seen);
	*seen = p->line;
	return frame ? set_major_frame(p, value) : set_windows(p, value);
}

static int finish_schedule(struct parser *p)
{
	struct schedule_config *s = p->sched;
	char sum_text[24], frame_text[24];
	uint64_t sum = 0;

	if (!p->frame_line)
		return fail_at(p, s->line, "[schedule cpu%u] has no major_frame: add a line like 'major_frame = 20ms' below it",
			       s->cpu);
	if (!p->windows_line)
		return fail_at(p, s->line, "[schedule cpu%u] has no windows: add a line like 'windows = a 5ms, b 10ms' below it",
			       s->cpu);
	for (unsigned int i = 0; i < s->window_count; i++)
		sum += s->windows[i].ns;
	if (sum <= s->major_frame_ns)
		return 0;
	config_format_duration(sum, sum_text, sizeof(sum_text));
	config_format_duration(s->major_frame_ns, frame_text,
			       sizeof(frame_text));
	return fail_at(p, s->windows_line, "the windows add up to %s, more than major_frame = %s (line %u): shorten a window or lengthen the frame",
		       sum_text, frame_text, p->frame_line);
}

static int find_partition(const struct config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->partition_count; i++)
		if (strncmp(cfg->partitions[i].name, name, CONFIG_NAME_MAX) == 0)
			return (int)i;
	return -1;
}

/* Every window names a partition of the file that runs on that core. */
static int resolve_windows(struct parser *p, struct schedule_config *s)
{
	for (unsigned int i = 0; i < s->window_count; i++) {
		const char *name = s->names[i];
		const struct partition_config *part;
		int index = find_partition(p->cfg, name);
		char cpus[CONFIG_CPUS_TEXT_MAX];

		s->windows[i].partition = index;
		if (strncmp(name, IDLE_WORD, CONFIG_NAME_MAX) == 0) {
			s->windows[i].partition = CONFIG_WINDOW_IDLE;
			continue;
		}
		if (index < 0)
			return fail_at(p, s->windows_line, "unknown partition \"%s\" in windows: name a [partition NAME] of this file, or write idle for a gap",
				       name);
		part = &p->cfg->partitions[index];
		if (part->cpus >> s->cpu & 1)
			continue;
		config_format_cpus(part->cpus, cpus, sizeof(cpus));
		return fail_at(p, s->windows_line, "partition \"%s\" has a window on cpu %u but does not use it (cpus = %.40s, line %u): add %u to its cpus or drop the window",
			       name, s->cpu, cpus, part->cpus_line, s->cpu);
	}
	return 0;
}

static bool has_window(const struct schedule_config *s, int partition)
{
	for (unsigned int i = 0; i < s->window_count; i++)
		if (s->windows[i].partition == partition)
			return true;
	return false;
}

/* A core with a table is shared, and every partition on it has a window. */
static int check_table_users(struct parser *p, const struct schedule_config *s)
{
	const struct config *cfg = p->cfg;
	unsigned int users = 0;
	int only = -1;

	for (unsigned int i = 0; i < cfg->partition_count; i++) {
		const struct partition_config *part = &cfg->partitions[i];

		if (!(part->cpus >> s->cpu & 1))
			continue;
		users++;
		only = (int)i;
		if (!has_window(s, (int)i))
			return fail_at(p, part->cpus_line, "partition \"%s\" uses cpu %u but has no window in [schedule cpu%u] (line %u): add e.g. '%s 5ms' to its windows",
				       part->name, s->cpu, s->cpu, s->line,
				       part->name);
	}
	if (!users)
		return fail_at(p, s->line, "no partition uses cpu %u: remove [schedule cpu%u], or add the CPU to the cpus of partitions that share it",
			       s->cpu, s->cpu);
	if (users == 1)
		return fail_at(p, s->line, "[schedule cpu%u] is for a core only partition \"%s\" uses: remove the section (a table is for a core several partitions share)",
			       s->cpu, cfg->partitions[only].name);
	return 0;
}

/* A core in two partitions' cpus needs a table to share it in time. */
static int check_shared_cores(struct parser *p)
{
	const struct config *cfg = p->cfg;

	for (unsigned int b = 1; b < cfg->partition_count; b++) {
		const struct partition_config *later = &cfg->partitions[b];

		for (unsigned int a = 0; a < b; a++) {
			const struct partition_config *first = &cfg->partitions[a];
			uint64_t common = first->cpus & later->cpus;
			unsigned int cpu;

			if (!common)
				continue;
			cpu = lowest_bit(common);
			while (common && config_schedule_of(cfg, cpu)) {
				common &= common - 1;
				cpu = common ? lowest_bit(common) : cpu;
			}
			if (common)
				return fail_at(p, later->cpus_line, "cpu %u is already in partition \"%s\" (line %u): give each partition its own CPUs, or share the core in time with a [schedule cpu%u] section",
					       cpu, first->name,
					       first->cpus_line, cpu);
		}
	}
	return 0;
}

static int check_schedules(struct parser *p)
{
	struct config *cfg = p->cfg;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < cfg->schedule_count; i++)
		ret = resolve_windows(p, &cfg->schedules[i]);
	for (unsigned int i = 0; !ret && i < cfg->schedule_count; i++)
		ret = check_table_users(p, &cfg->schedules[i]);
	if (!ret)
		ret = check_shared_cores(p);
	return ret;
}

const struct schedule_config *config_schedule_of(const struct config *cfg,
						 unsigned int cpu)
{
	for (unsigned int i = 0; i < cfg->schedule_count; i++)
		if (cfg->schedules[i].cpu == cpu)
			return &cfg->schedules[i];
	return NULL;
}

void config_format_duration(uint64_t ns, char *buf, size_t size)
{
	if (ns && ns % CONFIG_NS_PER_S == 0)
		snformat(buf, size, "%llus",
			 (unsigned long long)(ns / CONFIG_NS_PER_S));
	else if (ns && ns % CONFIG_NS_PER_MS == 0)
		snformat(buf, size, "%llums",
			 (unsigned long long)(ns / CONFIG_NS_PER_MS));
	else if (ns % CONFIG_NS_PER_US == 0)
		snformat(buf, size, "%lluus",
			 (unsigned long long)(ns / CONFIG_NS_PER_US));
	else
		snformat(buf, size, "%lluns", (unsigned long long)ns);
}

/* ---- sections ---- */

static const char *const section_names[] = { "hypervisor", "partition",
					     "schedule" };

/* Required keys are checked when the section ends, at its header line. */
static int finish_section(struct parser *p)
{
	static const enum key_id required[] = { KEY_CPUS, KEY_MEMORY,
						KEY_KERNEL };
	size_t i;

	if (p->section == SECTION_SCHEDULE)
		return finish_schedule(p);
	if (p->section != SECTION_PARTITION)
		return 0;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct key_def *key = &keys[required[i]];

		if (!p->key_lines[required[i]])
			return fail_at(p, p->part->line,
				       "partition \"%s\" has no %s: add a line like '%s' below [partition %s]",
				       p->part->name, key->name, key->example,
				       p->part->name);
	}
	return 0;
}

static int check_name(struct parser *p, struct text name)
{
	size_t i;

	if (!name.len)
		return fail(p, "[partition] needs a name: write e.g. [partition linux]");
	for (i = 0; i < name.len; i++) {
		char c = name.s[i];

		if (is_alnum(c) || c == '-' || c == '_')
			continue;
		if (is_space(c))
			return fail(p, "partition name \"%.*s\" contains a space: use only letters, digits, '-' and '_'",
				    SHOW(name));
		if ((unsigned char)c >= 0x80)
			return fail(p, "partition name \"%.*s\" has a non-ASCII character: use only letters, digits, '-' and '_'",
				    SHOW(name));
		return fail(p, "partition name \"%.*s\" contains '%c': use only letters, digits, '-' and '_'",
			    SHOW(name), c);
	}
	if (name.len >= CONFIG_NAME_MAX)
		return fail(p, "partition name is %zu characters long; the limit is %d: shorten it",
			    name.len, CONFIG_NAME_MAX - 1);
	return 0;
}

static int open_partition(struct parser *p, struct text name)
{
	struct config *cfg = p->cfg;
	unsigned int i;
	int ret = check_name(p, name);

	if (ret)
		return ret;
	for (i = 0; i < cfg->partition_count; i++) {
		if (text_eq(name, cfg->partitions[i].name))
			return fail(p, "partition name \"%s\" is already used on line %u: give each partition its own name",
				    cfg->partitions[i].name,
				    cfg->partitions[i].line);
	}
	if (cfg->partition_count == CONFIG_MAX_PARTITIONS)
		return fail(p, "too many partitions: at most %d fit; remove or merge some",
			    CONFIG_MAX_PARTITIONS);
	p->part = &cfg->partitions[cfg->partition_count++];
	copy_text(p->part->name, name);
	p->part->line = p->line;
	p->section = SECTION_PARTITION;
	return 0;
}

static int open_hypervisor(struct parser *p, struct text name)
{
	if (name.len)
		return fail(p, "[hypervisor] takes no name: write just [hypervisor]");
	if (p->hypervisor_line)
		return fail(p, "second [hypervisor] section (the first is on line %u): merge the two into one",
			    p->hypervisor_line);
	p->hypervisor_line = p->line;
	p->section = SECTION_HYPERVISOR;
	return 0;
}

static int unknown_section(struct parser *p, struct text word)
{
	const char *near = suggest(word, section_names, 3);

	if (near)
		return fail(p, "unknown section [%.*s]: did you mean [%s]? The sections are [hypervisor], [partition NAME] and [schedule cpuN]",
			    SHOW(word), near);
	return fail(p, "unknown section [%.*s]: the sections are [hypervisor], [partition NAME] and [schedule cpuN]",
		    SHOW(word));
}

static int parse_header(struct parser *p, struct text line)
{
	size_t close = find_char(line, ']');
	struct text inner, word, name;
	size_t gap;
	int ret;

	if (close == line.len)
		return fail(p, "section header has no closing ']': write [hypervisor] or [partition NAME]");
	if (close != line.len - 1)
		return fail(p, "unexpected text after ']': put each key on a line of its own below the header");
	inner = trim(slice(line, 1, close));
	for (gap = 0; gap < inner.len && !is_space(inner.s[gap]); gap++)
		;
	word = slice(inner, 0, gap);
	name = trim(slice(inner, gap, inner.len));
	ret = finish_section(p);
	if (ret)
		return ret;
	memset(p->key_lines, 0, sizeof(p->key_lines));
	if (text_eq(word, "hypervisor"))
		return open_hypervisor(p, name);
	if (text_eq(word, "partition"))
		return open_partition(p, name);
	if (text_eq(word, "schedule"))
		return open_schedule(p, name);
	return unknown_section(p, word);
}

/* ---- key = value ---- */

static void section_title(struct parser *p, char *buf, size_t size)
{
	if (p->section == SECTION_HYPERVISOR)
		snformat(buf, size, "[hypervisor]");
	else if (p->section == SECTION_SCHEDULE)
		snformat(buf, size, "[schedule cpu%u]", p->sched->cpu);
	else
		snformat(buf, size, "[partition %s]", p->part->name);
}

static void list_keys(enum section section, const char **names,
		      size_t *count, char *buf, size_t size)
{
	size_t i, pos = 0;

	*count = 0;
	buf[0] = '\0';
	for (i = 0; i < KEY_COUNT; i++) {
		if (keys[i].section != section)
			continue;
		names[(*count)++] = keys[i].name;
		if (pos >= size)
			continue;
		pos += (size_t)snformat(buf + pos, size - pos, "%s%s",
					pos ? ", " : "", keys[i].name);
	}
}

static int unknown_key(struct parser *p, struct text key)
{
	const struct key_def *elsewhere = find_key(key, SECTION_NONE);
	const char *names[KEY_COUNT], *near;
	char title[48], list[96];
	size_t count;

	section_title(p, title, sizeof(title));
	if (is_schedule_key(key))
		return fail(p, "%.*s belongs in a [schedule cpuN] section, not in %s: move the line there",
			    SHOW(key), title);
	if (elsewhere)
		return fail(p, "%s belongs in %s, not in %s: move the line there",
			    elsewhere->name,
			    elsewhere->section == SECTION_HYPERVISOR ?
			    "[hypervisor]" : "a [partition NAME] section",
			    title);
	list_keys(p->section, names, &count, list, sizeof(list));
	near = suggest(key, names, count);
	if (near && edit_distance(key, near) == 0)
		return fail(p, "unknown key '%.*s' in %s: keys are lowercase, write '%s'",
			    SHOW(key), title, near);
	if (near)
		return fail(p, "unknown key '%.*s' in %s: did you mean '%s'? The keys there are %s",
			    SHOW(key), title, near, list);
	return fail(p, "unknown key '%.*s' in %s: the keys there are %s",
		    SHOW(key), title, list);
}

static int missing_equals(struct parser *p, struct text line)
{
	const struct key_def *key;
	size_t gap;

	for (gap = 0; gap < line.len && !is_space(line.s[gap]); gap++)
		;
	key = find_key(slice(line, 0, gap), SECTION_NONE);
	return fail(p, "expected KEY = VALUE but \"%.*s\" has no '=': write e.g. %s",
		    SHOW(line), key ? key->example : "memory = 32M");
}

static int parse_assignment(struct parser *p, struct text line)
{
	size_t eq = find_char(line, '=');
	const struct key_def *key;
	struct text name, value;
	enum key_id id;

	if (eq == line.len)
		return missing_equals(p, line);
	name = trim(slice(line, 0, eq));
	value = trim(slice(line, eq + 1, line.len));
	if (!name.len)
		return fail(p, "no key before '=': write KEY = VALUE, e.g. memory = 32M");
	if (p->section == SECTION_NONE)
		return fail(p, "'%.*s' is outside any section: put it below a [partition NAME] or [hypervisor] header",
			    SHOW(name));
	if (p->section == SECTION_SCHEDULE)
		return schedule_assignment(p, name, value);
	key = find_key(name, p->section);
	if (!key)
		return unknown_key(p, name);
	id = (enum key_id)(key - keys);
	if (p->key_lines[id])
		return fail(p, "%s is already set on line %u in this section: keep one of the two lines",
			    key->name, p->key_lines[id]);
	p->key_lines[id] = p->line;
	return key->set(p, key, value);
}

/* ---- lines ---- */

static struct text next_line(const char *text, size_t len, size_t *pos)
{
	struct text line = { text + *pos, 0 };

	while (*pos < len && text[*pos] != '\n') {
		(*pos)++;
		line.len++;
	}
	if (*pos < len)
		(*pos)++;
	if (line.len && line.s[line.len - 1] == '\r')
		line.len--;
	return line;
}

static int check_line_chars(struct parser *p, struct text line)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.s[i];

		if (c == '\t' || (c >= 0x20 && c != 0x7f))
			continue;
		if (c == '\r')
			return fail(p, "stray carriage return in the line: save the file with LF or CRLF line endings");
		if (c == 0)
			return fail(p, "NUL byte in the line: bulkhead.cfg must be plain text (UTF-8 or ASCII)");
		return fail(p, "control character 0x%02x in the line: remove it, bulkhead.cfg must be plain text",
			    c);
	}
	if (line.len > CONFIG_LINE_MAX)
		return fail(p, "line is %zu characters long; the limit is %d: shorten it",
			    line.len, CONFIG_LINE_MAX);
	return 0;
}

/* '#' starts a comment unless it is inside double quotes. */
static int strip_comment(struct parser *p, struct text *line)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < line->len; i++) {
		if (line->s[i] == '"')
			quoted = !quoted;
		else if (line->s[i] == '#' && !quoted)
			break;
	}
	if (quoted)
		return fail(p, "unterminated quote: add the closing '\"' (inside quotes '#' does not start a comment)");
	line->len = i;
	return 0;
}

static int parse_line(struct parser *p, struct text line)
{
	int ret = check_line_chars(p, line);

	if (!ret)
		ret = strip_comment(p, &line);
	if (ret)
		return ret;
	line = trim(line);
	if (!line.len)
		return 0;
	if (line.s[0] == '[')
		return parse_header(p, line);
	return parse_assignment(p, line);
}

/* Editors on Windows like to save with a byte-order mark or as UTF-16. */
static int skip_bom(struct parser *p, const char *text, size_t len,
		    size_t *pos)
{
	const unsigned char *u = (const unsigned char *)text;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
			 (u[0] == 0xfe && u[1] == 0xff)))
		return fail_at(p, 0, "the file is UTF-16 text: save it as UTF-8 or ASCII");
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		*pos = 3;
	return 0;
}

int config_parse(const char *text, size_t len, struct config *cfg,
		 struct config_error *err)
{
	struct config_error scratch;
	struct parser p;
	size_t pos = 0;
	int ret;

	if (!err)
		err = &scratch;
	memset(cfg, 0, sizeof(*cfg));
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.err = err;
	ret = skip_bom(&p, text, len, &pos);
	while (!ret && pos < len) {
		struct text line = next_line(text, len, &pos);

		p.line++;
		ret = parse_line(&p, line);
	}
	if (!ret)
		ret = finish_section(&p);
	if (!ret && !cfg->partition_count)
		ret = fail_at(&p, 0, "no [partition] section: add one, e.g. [partition hello] with cpus, memory and kernel lines");
	if (!ret)
		ret = check_schedules(&p);
	if (ret)
		memset(cfg, 0, sizeof(*cfg));
	return ret;
}

/* ---- the machine ---- */

static int check_machine_cpus(const struct partition_config *part,
			      unsigned int cpu_count,
			      struct config_error *err)
{
	uint64_t present = cpu_count >= 64 ? ~0ULL : (1ULL << cpu_count) - 1;
	uint64_t missing = part->cpus & ~present;

	if (!missing)
		return 0;
	if (!cpu_count)
		return machine_error(err, -ERANGE, part->cpus_line,
				     "cpu %u of partition \"%s\" is not on this machine: it reports no usable CPUs",
				     lowest_bit(missing), part->name);
	return machine_error(err, -ERANGE, part->cpus_line,
			     "cpu %u of partition \"%s\" is not on this machine: it has %u CPU(s), 0-%u; use those",
			     lowest_bit(missing), part->name, cpu_count,
			     cpu_count - 1);
}

/* Saturating, so a hand-made config cannot wrap the sum below free. */
static uint64_t machine_share(uint64_t total, uint64_t memory)
{
	uint64_t need = memory > UINT64_MAX - (MACHINE_ALIGN - 1) ?
			UINT64_MAX :
			(memory + MACHINE_ALIGN - 1) & ~(MACHINE_ALIGN - 1);

	return need > UINT64_MAX - total ? UINT64_MAX : total + need;
}

int config_check_machine(const struct config *cfg, unsigned int cpu_count,
			 uint64_t free_bytes, struct config_error *err)
{
	struct config_error scratch;
	uint64_t total = 0;
	char need[24];
	unsigned int i;
	int ret;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	for (i = 0; i < cfg->partition_count; i++) {
		ret = check_machine_cpus(&cfg->partitions[i], cpu_count, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < cfg->partition_count; i++) {
		const struct partition_config *part = &cfg->partitions[i];

		total = machine_share(total, part->memory);
		if (total <= free_bytes)
			continue;
		config_format_size(total, need, sizeof(need));
		return machine_error(err, -ENOMEM, part->memory_line,
				     "not enough memory: with partition \"%s\" the partitions need %s, but %lluM is free for them: lower memory here or in an earlier partition",
				     part->name, need,
				     (unsigned long long)(free_bytes / SIZE_M));
	}
	return 0;
}

/* ---- formatting ---- */

void config_error_format(const struct config_error *err, const char *file,
			 char *buf, size_t size)
{
	if (!file)
		file = "bulkhead.cfg";
	if (err->line)
		snformat(buf, size, "%s:%u: %s", file, err->line, err->message);
	else
		snformat(buf, size, "%s: %s", file, err->message);
}

void config_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const struct {
		uint64_t unit;
		char suffix;
	} units[] = { { SIZE_G, 'G' }, { SIZE_M, 'M' }, { SIZE_K, 'K' } };
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (bytes && bytes % units[i].unit == 0) {
			snformat(buf, size, "%llu%c",
				 (unsigned long long)(bytes / units[i].unit),
				 units[i].suffix);
			return;
		}
	}
	snformat(buf, size, "%llu", (unsigned long long)bytes);
}

void config_format_cpus(uint64_t cpus, char *buf, size_t size)
{
	size_t pos = 0;
	unsigned int i = 0;

	if (!size)
		return;
	snformat(buf, size, "none");
	while (i < 64) {
		unsigned int last = i;

		if (!(cpus >> i & 1)) {
			i++;
			continue;
		}
		while (last < 63 && (cpus >> (last + 1) & 1))
			last++;
		if (pos >= size)
			return;
		if (last > i)
			pos += (size_t)snformat(buf + pos, size - pos, "%s%u-%u",
						pos ? "," : "", i, last);
		else
			pos += (size_t)snformat(buf + pos, size - pos, "%s%u",
						pos ? "," : "", i);
		i = last + 1;
	}
}
