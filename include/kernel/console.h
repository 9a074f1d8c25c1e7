/* console.h - the serial console as the kernel's terminal. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

/* A received character, or -1 if none is waiting (never blocks). */
int console_getc(void);
#include <stdbool.h>

/* Whether console_getc() would return a character. */
bool console_has_input(void);
/* Whether a read of the console would not block (kernel/tty.c). */
bool console_readable(void);
/* Where console readers sleep (poll waits there too). */
void *console_wait_channel(void);
/* Called from the serial interrupt when input arrived (wakes readers). */
void console_rx_notify(void);
/* Called from the serial interrupt when queued output drained to half
 * (wakes writers). */
void console_tx_notify(void);

#endif
