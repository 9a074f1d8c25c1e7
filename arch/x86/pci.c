/*
 * pci.c - PCI configuration space through ports 0xCF8/0xCFC (configuration
 * mechanism #1): a function's registers read and written by (bus, device,
 * function, offset), and the first function of a class found by a scan of
 * bus 0. Enough for the IDE controller's bus-master registers (ata.c); no
 * bridges, no resource assignment (the firmware did it).
 */
#include "arch.h"
#include "x86.h"

#define PCI_ADDR 0xCF8
#define PCI_DATA 0xCFC

static uint32_t config_addr(const struct pci_fn *f, unsigned off)
{
	return 0x80000000u | (uint32_t)f->bus << 16 | (uint32_t)f->dev << 11 |
	       (uint32_t)f->fn << 8 | (off & 0xFC);
}

uint32_t pci_read32(const struct pci_fn *f, unsigned off)
{
	outl(PCI_ADDR, config_addr(f, off));
	return inl(PCI_DATA);
}

void pci_write32(const struct pci_fn *f, unsigned off, uint32_t v)
{
	outl(PCI_ADDR, config_addr(f, off));
	outl(PCI_DATA, v);
}

bool pci_find_class(uint8_t cls, uint8_t subclass, struct pci_fn *out)
{
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++) {
			struct pci_fn f = {0, (uint8_t)dev, (uint8_t)fn};
			uint32_t id = pci_read32(&f, 0x00);
			uint32_t class = pci_read32(&f, 0x08);

			if ((id & 0xFFFF) == 0xFFFF)
				continue;
			if (class >> 24 == cls &&
			    (class >> 16 & 0xFF) == subclass) {
				*out = f;
				return true;
			}
		}
	return false;
}
