/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_util.h"
#include "arch/x86/asm.h"
#include "arch/x86/tsc.h"
#include "drivers/emul/vrtc.h"
#include "drivers/uart16550.h"
#include "lib/string.h"

#define PATH_MAX_CHARS	128
#define CONOUT_CHUNK	128

EFI_SYSTEM_TABLE *efi_st;
static bool conout_has_serial;

const char *efi_status_text(EFI_STATUS status)
{
	switch (status) {
	case EFI_SUCCESS:
		return "success";
	case EFI_NOT_FOUND:
		return "not found";
	case EFI_OUT_OF_RESOURCES:
		return "out of memory";
	case EFI_DEVICE_ERROR:
		return "device error";
	case EFI_VOLUME_CORRUPTED:
		return "volume corrupted";
	case EFI_ACCESS_DENIED:
		return "access denied";
	case EFI_UNSUPPORTED:
		return "unsupported";
	case EFI_INVALID_PARAMETER:
		return "invalid parameter";
	case EFI_BUFFER_TOO_SMALL:
		return "buffer too small";
	default:
		return "firmware error";
	}
}

/*
 * Firmware that mirrors ConOut to a serial port lists a UART node in the
 * ConOut variable's device paths (UEFI 2.10 10.3.4.12); printing to COM1
 * ourselves as well would show every line twice.
 */
static bool device_paths_have_uart(const UINT8 *p, UINTN size)
{
	const UINT8 *end = p + size;

	while (p + sizeof(EFI_DEVICE_PATH) <= end) {
		const EFI_DEVICE_PATH *node = (const EFI_DEVICE_PATH *)p;
		UINT16 len = node->Length[0] | (node->Length[1] << 8);

		if (node->Type == MESSAGING_DEVICE_PATH &&
		    node->SubType == MSG_UART_DP)
			return true;
		if (len < sizeof(EFI_DEVICE_PATH))
			return false;
		p += len;
	}
	return false;
}

void efi_console_init(void)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 buf[1024];
	UINTN size = sizeof(buf);
	EFI_STATUS s;

	s = efi_st->RuntimeServices->GetVariable(L"ConOut", &global, NULL,
						 &size, buf);
	conout_has_serial = s == EFI_SUCCESS &&
			    device_paths_have_uart(buf, size);
	if (!conout_has_serial)
		uart_init(COM1_PORT);
}

void efi_console_sink(const char *line, size_t len)
{
	CHAR16 out[CONOUT_CHUNK + 2];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\n')
			out[n++] = L'\r';
		out[n++] = (unsigned char)line[i];
		if (n >= CONOUT_CHUNK || i + 1 == len) {
			out[n] = 0;
			efi_st->ConOut->OutputString(efi_st->ConOut, out);
			n = 0;
		}
		if (!conout_has_serial) {
			if (line[i] == '\n')
				uart_putc(COM1_PORT, '\r');
			uart_putc(COM1_PORT, line[i]);
		}
	}
}

EFI_STATUS efi_alloc_pages(UINTN pages, EFI_PHYSICAL_ADDRESS max_addr,
			   EFI_PHYSICAL_ADDRESS *addr)
{
	*addr = max_addr;
	return efi_st->BootServices->AllocatePages(AllocateMaxAddress,
						   EfiLoaderData, pages, addr);
}

static EFI_STATUS open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_GUID loaded_guid = LOADED_IMAGE_PROTOCOL;
	EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	EFI_LOADED_IMAGE *loaded;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS s;

	s = bs->HandleProtocol(image, &loaded_guid, (void **)&loaded);
	if (EFI_ERROR(s))
		return s;
	s = bs->HandleProtocol(loaded->DeviceHandle, &fs_guid, (void **)&fs);
	if (EFI_ERROR(s))
		return s;
	return fs->OpenVolume(fs, root);
}

static EFI_STATUS file_size(EFI_FILE_HANDLE f, UINTN *size)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	UINT8 buf[sizeof(EFI_FILE_INFO) + 2 * PATH_MAX_CHARS];
	UINTN len = sizeof(buf);
	EFI_STATUS s = f->GetInfo(f, &info_guid, &len, buf);

	if (!EFI_ERROR(s))
		*size = ((EFI_FILE_INFO *)buf)->FileSize;
	return s;
}

/* UEFI paths use backslashes and UCS-2. */
static void to_efi_path(const char *path, CHAR16 *out)
{
	size_t i;

	for (i = 0; path[i] && i < PATH_MAX_CHARS - 1; i++)
		out[i] = path[i] == '/' ? L'\\' : (unsigned char)path[i];
	out[i] = 0;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, char **data, UINTN *size)
{
	EFI_STATUS s = file_size(f, size);
	UINTN got;

	if (EFI_ERROR(s))
		return s;
	s = efi_st->BootServices->AllocatePool(EfiLoaderData, *size + 1,
					       (void **)data);
	if (EFI_ERROR(s))
		return s;
	got = *size;
	s = f->Read(f, &got, *data);
	if (!EFI_ERROR(s) && got != *size)
		s = EFI_DEVICE_ERROR;
	if (EFI_ERROR(s)) {
		efi_st->BootServices->FreePool(*data);
		return s;
	}
	(*data)[*size] = '\0';
	return EFI_SUCCESS;
}

EFI_STATUS efi_read_file(EFI_HANDLE image, const char *path, char **data,
			 UINTN *size)
{
	CHAR16 wpath[PATH_MAX_CHARS];
	EFI_FILE_HANDLE root, f;
	EFI_STATUS s;

	s = open_root(image, &root);
	if (EFI_ERROR(s))
		return s;
	to_efi_path(path, wpath);
	s = root->Open(root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (!EFI_ERROR(s)) {
		s = read_all(f, data, size);
		f->Close(f);
	}
	root->Close(root);
	return s;
}

/* UEFI 2.10 8.3.1: TimeZone in minutes, Localtime = UTC + TimeZone. */
#define EFI_TIMEZONE_UNSPECIFIED	0x07ff
#define EFI_TIMEZONE_LIMIT		1440

void efi_read_wall_clock(void)
{
	EFI_TIME t;
	struct vrtc_time cal;
	int64_t unix_time;

	if (EFI_ERROR(efi_st->RuntimeServices->GetTime(&t, NULL)))
		return;		/* the clock stays at 1970: partitions still run */
	cal = (struct vrtc_time){ .year = t.Year, .month = t.Month,
				  .day = t.Day, .hour = t.Hour,
				  .min = t.Minute, .sec = t.Second };
	unix_time = (int64_t)vrtc_time_to_unix(&cal);
	if (t.TimeZone != EFI_TIMEZONE_UNSPECIFIED &&
	    t.TimeZone >= -EFI_TIMEZONE_LIMIT && t.TimeZone <= EFI_TIMEZONE_LIMIT)
		unix_time -= (int64_t)t.TimeZone * 60;
	wall_clock_tsc = rdtsc();
	wall_clock_unix = unix_time > 0 ? (uint64_t)unix_time : 0;
}
