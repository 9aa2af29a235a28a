#pragma once
// Every io_uring constant or helper newer than liburing 2.3 (the Debian bookworm version)
// lives here, behind #ifndef guards, so a newer liburing simply wins. The kernel (6.x)
// supports all of them; only userspace spelling is missing.

#include <liburing.h>

// Zero-copy send: ask the kernel to say in the notification CQE whether it copied after all
// (liburing 2.4, kernel 6.2 / 6.1 stable). Goes into sqe->ioprio next to the send flags.
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
// Set in the NOTIF CQE's res when the data was copied (always so over loopback).
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif
