/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/format.h"
#include <stdbool.h>
#include <stdint.h>

/* <limits.h> is not among the headers the hypervisor allows itself. */
#define INT_MAX		__INT_MAX__

/*
 * Widths and precisions are capped far below INT_MAX so that the sums in
 * put_number() cannot overflow an int and negating one is always safe.
 */
#define FIELD_MAX	(INT_MAX / 2)

struct spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	bool alt;
	int width;
	int precision;		/* -1: none */
	int length;		/* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 't', 'j' */
};

struct out {
	format_sink_fn sink;
	void *ctx;
	/* Wider than the int we return, so a runaway width cannot overflow it. */
	uint64_t count;
};

static void emit(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static const char *parse_flags(const char *f, struct spec *s)
{
	for (;; f++) {
		switch (*f) {
		case '-': s->left = true; break;
		case '0': s->zero = true; break;
		case '+': s->plus = true; break;
		case ' ': s->space = true; break;
		case '#': s->alt = true; break;
		default: return f;
		}
	}
}

static int clamp_field(int64_t n)
{
	if (n > FIELD_MAX)
		return FIELD_MAX;
	if (n < -FIELD_MAX)
		return -FIELD_MAX;
	return (int)n;
}

static const char *parse_number(const char *f, int *n, va_list *ap,
				bool *from_arg)
{
	int64_t v = 0;

	*from_arg = false;
	if (*f == '*') {
		*n = clamp_field(va_arg(*ap, int));
		*from_arg = true;
		return f + 1;
	}
	for (; *f >= '0' && *f <= '9'; f++) {
		if (v <= FIELD_MAX)
			v = v * 10 + (*f - '0');
	}
	*n = clamp_field(v);
	return f;
}

static const char *parse_length(const char *f, struct spec *s)
{
	if (f[0] == 'h' && f[1] == 'h') {
		s->length = 'H';
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		s->length = 'L';
		return f + 2;
	}
	if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 't' || *f == 'j') {
		s->length = *f;
		return f + 1;
	}
	return f;
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	bool from_arg;

	*s = (struct spec){ .precision = -1 };
	f = parse_flags(f, s);
	f = parse_number(f, &s->width, ap, &from_arg);
	if (from_arg && s->width < 0) {
		s->left = true;
		s->width = -s->width;
	}
	if (*f == '.') {
		f = parse_number(f + 1, &s->precision, ap, &from_arg);
		if (s->precision < 0)
			s->precision = -1;
	}
	return parse_length(f, s);
}

static uint64_t fetch_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (int64_t)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

/* Writes the digits of v backwards into the end of buf; returns the count. */
static int to_digits(uint64_t v, unsigned int base, bool upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

/*
 * prefix goes before the zero padding: a sign, "0x", or "". The caller
 * chooses it because %#x drops it for zero but %p never does.
 */
static void put_number(struct out *o, const struct spec *s, uint64_t v,
		       const char *prefix, unsigned int base, bool upper)
{
	char buf[24];
	int ndigits = 0, zeros = 0, prefix_len, total;

	if (v || s->precision != 0)
		ndigits = to_digits(v, base, upper, buf + sizeof(buf));
	if (s->alt && base == 8 && ndigits == 0)
		ndigits = to_digits(0, 8, false, buf + sizeof(buf));
	else if (s->alt && base == 8 && buf[sizeof(buf) - ndigits] != '0')
		zeros = 1;
	prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;
	if (s->precision > ndigits + zeros)
		zeros = s->precision - ndigits;
	total = prefix_len + zeros + ndigits;
	if (s->zero && !s->left && s->precision < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!s->left)
		pad(o, ' ', s->width - total);
	for (int i = 0; i < prefix_len; i++)
		emit(o, prefix[i]);
	pad(o, '0', zeros);
	for (int i = ndigits; i > 0; i--)
		emit(o, buf[sizeof(buf) - i]);
	if (s->left)
		pad(o, ' ', s->width - total);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	/*
	 * Test the precision first: with one, the argument may be an array
	 * that is not NUL-terminated.
	 */
	while ((s->precision < 0 || len < s->precision) && str[len])
		len++;
	if (!s->left)
		pad(o, ' ', s->width - len);
	for (int i = 0; i < len; i++)
		emit(o, str[i]);
	if (s->left)
		pad(o, ' ', s->width - len);
}

static void put_signed(struct out *o, struct spec *s, va_list *ap)
{
	int64_t v = fetch_signed(s, ap);
	/* Negate in unsigned arithmetic: -INT64_MIN does not fit. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	const char *sign = v < 0 ? "-" : s->plus ? "+" : s->space ? " " : "";

	put_number(o, s, mag, sign, 10, false);
}

static void put_hex(struct out *o, const struct spec *s, va_list *ap,
		    bool upper)
{
	uint64_t v = fetch_unsigned(s, ap);
	const char *prefix = "";

	/* C says %#x of zero is plain "0". */
	if (s->alt && v)
		prefix = upper ? "0X" : "0x";
	put_number(o, s, v, prefix, 16, upper);
}

/* Fixed width, so addresses line up in logs; NULL too is 0x000... */
static void put_pointer(struct out *o, struct spec *s, va_list *ap)
{
	s->alt = false;
	s->precision = 16;
	s->zero = false;
	put_number(o, s, (uintptr_t)va_arg(*ap, void *), "0x", 16, false);
}

static void put_char(struct out *o, const struct spec *s, int c)
{
	if (!s->left)
		pad(o, ' ', s->width - 1);
	emit(o, (char)c);
	if (s->left)
		pad(o, ' ', s->width - 1);
}

/* Returns false for an unknown conversion. */
static bool convert(struct out *o, struct spec *s, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i':
		put_signed(o, s, ap);
		return true;
	case 'u':
		put_number(o, s, fetch_unsigned(s, ap), "", 10, false);
		return true;
	case 'x':
	case 'X':
		put_hex(o, s, ap, conv == 'X');
		return true;
	case 'o':
		put_number(o, s, fetch_unsigned(s, ap), "", 8, false);
		return true;
	case 'c':
		put_char(o, s, va_arg(*ap, int));
		return true;
	case 's':
		put_string(o, s, va_arg(*ap, const char *));
		return true;
	case 'p':
		put_pointer(o, s, ap);
		return true;
	case '%':
		emit(o, '%');
		return true;
	default:
		return false;
	}
}

int format_v(format_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec s;

		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		if (!*fmt || !convert(&o, &s, *fmt, &args)) {
			/* Unknown conversion: show it as written. */
			while (start < fmt)
				emit(&o, *start++);
			if (*fmt)
				emit(&o, *fmt);
		}
		if (*fmt)
			fmt++;
	}
	va_end(args);
	return o.count > INT_MAX ? INT_MAX : (int)o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t pos;
};

static void buffer_sink(char c, void *ctx)
{
	struct buffer *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { buf, size, 0 };
	int n = format_v(buffer_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snformat(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
