; entry.asm - multiboot v1 header and the code that runs before paging.
;
; GRUB (or QEMU -kernel) jumps to _start in protected mode with paging off,
; EAX = multiboot magic and EBX = physical address of the multiboot info.
; We build a temporary page directory that maps the first 8 MiB both at 0
; and at 0xC0000000 with 4 MiB pages, enable paging, jump to the higher
; half and call kmain. arch/x86/paging.c then drops the identity entries.

KERNEL_VMA	equ 0xC0000000
MB_MAGIC	equ 0x1BADB002
MB_FLAGS	equ 0x00000003	; align modules on pages, give a memory map
CR0_PG		equ 0x80000000
CR0_WP		equ 0x00010000	; supervisor writes honour read-only pages
CR4_PSE		equ 0x00000010
CR4_PGE		equ 0x00000080
PDE_4M		equ 0x83	; present, writable, 4 MiB

extern kernel_pgdir		; arch/x86/paging.c, page aligned, in .bss
extern kmain

section .multiboot
align 4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .boot.text
global _start
_start:
	cli
	mov esi, eax			; keep the multiboot magic
	mov edi, kernel_pgdir - KERNEL_VMA
	; identity and higher-half entries for 0-4 MiB and 4-8 MiB
	mov dword [edi + 0 * 4], 0x00000000 | PDE_4M
	mov dword [edi + 1 * 4], 0x00400000 | PDE_4M
	mov dword [edi + 768 * 4], 0x00000000 | PDE_4M
	mov dword [edi + 769 * 4], 0x00400000 | PDE_4M
	mov eax, cr4
	or eax, CR4_PSE | CR4_PGE
	mov cr4, eax
	mov cr3, edi
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	lea eax, [higher_half]
	jmp eax

section .text
higher_half:
	mov esp, boot_stack_top
	xor ebp, ebp			; end of the backtrace chain
	push ebx			; multiboot info (physical)
	push esi			; multiboot magic
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .bss
align 16
global boot_stack_top
boot_stack:
	resb 16384
boot_stack_top:
