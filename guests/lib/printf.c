/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/lib/runtime.h"

/*
 * Minimal printf straight to the serial port. Numbers are 32-bit except
 * %llx/%llX, which are printed by shifting (no 64-bit division exists).
 */

struct spec {
	bool left;
	char pad;
	int width;
};

static int emit(const struct spec *sp, const char *s, int len)
{
	int n = 0;

	if (!sp->left) {
		/* Zero padding goes after a leading sign. */
		if (sp->pad == '0' && len > 0 && *s == '-') {
			serial_putc(*s++);
			len--;
			n++;
		}
		for (; n + len < sp->width; n++)
			serial_putc(sp->pad);
	}
	for (int i = 0; i < len; i++, n++)
		serial_putc(s[i]);
	for (; n < sp->width; n++)
		serial_putc(' ');
	return n;
}

/* Digits of v into the end of buf[32]; returns the first digit. */
static char *utoa(char *end, uint32_t v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

static char *u64tohex(char *end, uint64_t v, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[(uint32_t)v & 0xf];
		v >>= 4;
	} while (v);
	return p;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[32];
	char *end = buf + sizeof(buf);
	int total = 0;

	for (; *fmt; fmt++) {
		struct spec sp = { .left = false, .pad = ' ', .width = 0 };
		int lng = 0;
		char *s;

		if (*fmt != '%') {
			serial_putc(*fmt);
			total++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.pad = '0';
			else
				break;
		}
		if (sp.left)
			sp.pad = ' ';
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}

		switch (*fmt) {
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			total += emit(&sp, buf, 1);
			break;
		case 's':
			s = va_arg(ap, char *);
			if (!s)
				s = "(null)";
			total += emit(&sp, s, (int)strlen(s));
			break;
		case 'd':
		case 'i': {
			int32_t v = va_arg(ap, int32_t);
			uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;

			s = utoa(end, u, 10, false);
			if (v < 0)
				*--s = '-';
			total += emit(&sp, s, (int)(end - s));
			break;
		}
		case 'u':
			s = utoa(end, va_arg(ap, uint32_t), 10, false);
			total += emit(&sp, s, (int)(end - s));
			break;
		case 'x':
		case 'X':
			if (lng >= 2)
				s = u64tohex(end, va_arg(ap, uint64_t),
					     *fmt == 'X');
			else
				s = utoa(end, va_arg(ap, uint32_t), 16,
					 *fmt == 'X');
			total += emit(&sp, s, (int)(end - s));
			break;
		case 'p':
			s = utoa(end, (uint32_t)(uintptr_t)va_arg(ap, void *),
				 16, false);
			while (end - s < 8)
				*--s = '0';
			*--s = 'x';
			*--s = '0';
			total += emit(&sp, s, (int)(end - s));
			break;
		case '%':
			serial_putc('%');
			total++;
			break;
		case '\0':
			return total;
		default:
			/* Unknown conversion: print it as is. */
			serial_putc('%');
			serial_putc(*fmt);
			total += 2;
			break;
		}
	}
	return total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
