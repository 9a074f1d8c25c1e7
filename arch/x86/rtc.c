/*
 * rtc.c - the CMOS real-time clock, read once at boot for the wall clock.
 * The registers are read until two passes agree outside an update, then
 * converted from BCD and 12-hour form as status register B says.
 */
#include <arch/hooks.h>
#include "x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define RTC_CENTURY 0x32
#define STATUS_A_UPDATING 0x80
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04

struct rtc_time {
	unsigned sec, min, hour, day, month, year, century;
};

static unsigned cmos_read(unsigned reg)
{
	outb(CMOS_INDEX, (uint8_t)reg);
	return inb(CMOS_DATA);
}

static void read_raw(struct rtc_time *t)
{
	while (cmos_read(RTC_STATUS_A) & STATUS_A_UPDATING)
		;
	t->sec = cmos_read(RTC_SEC);
	t->min = cmos_read(RTC_MIN);
	t->hour = cmos_read(RTC_HOUR);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
}

static unsigned bcd(unsigned v)
{
	return (v & 0x0F) + (v >> 4) * 10;
}

static void decode(struct rtc_time *t, unsigned status_b)
{
	bool pm = t->hour & 0x80;

	t->hour &= 0x7F;
	if (!(status_b & STATUS_B_BINARY)) {
		t->sec = bcd(t->sec), t->min = bcd(t->min);
		t->hour = bcd(t->hour), t->day = bcd(t->day);
		t->month = bcd(t->month), t->year = bcd(t->year);
		t->century = bcd(t->century);
	}
	if (!(status_b & STATUS_B_24H) && pm)
		t->hour = (t->hour % 12) + 12;
	else if (!(status_b & STATUS_B_24H) && t->hour == 12)
		t->hour = 0;
	if (t->century < 19 || t->century > 30)
		t->century = t->year < 70 ? 20 : 19;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint32_t days_from_epoch(unsigned y, unsigned m, unsigned d)
{
	unsigned yy = y - (m <= 2);
	unsigned era = yy / 400, yoe = yy - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

uint32_t arch_rtc_seconds(void)
{
	struct rtc_time a, b;
	unsigned year;

	do {
		read_raw(&a);
		read_raw(&b);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour ||
		 a.day != b.day || a.month != b.month || a.year != b.year);
	decode(&a, cmos_read(RTC_STATUS_B));
	year = a.century * 100 + a.year;
	if (a.month < 1 || a.month > 12 || a.day < 1 || a.day > 31 ||
	    year < 1970)
		return 0;
	return days_from_epoch(year, a.month, a.day) * 86400u + a.hour * 3600u +
	       a.min * 60u + a.sec;
}
