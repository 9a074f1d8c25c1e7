; usercopy.asm - memory copy that may fault on user addresses. If the page
; fault handler cannot resolve a fault inside [user_copy_start,
; user_copy_end) it resumes at user_copy_fault, which returns -EFAULT.
; Words first, then the 0-3 bytes left: each iteration of a rep is an
; instruction (under QEMU's -icount too), so a page by rep movsb costs
; four times what rep movsd does.

global arch_user_copy
global user_copy_start
global user_copy_end
global user_copy_fault

section .text
; int arch_user_copy(void *dst, const void *src, size_t n)
arch_user_copy:
	push esi
	push edi
	mov edi, [esp + 12]
	mov esi, [esp + 16]
	mov ecx, [esp + 20]
	mov edx, ecx
	shr ecx, 2
	and edx, 3
	cld
user_copy_start:
	rep movsd
	mov ecx, edx
	rep movsb
user_copy_end:
	xor eax, eax
	pop edi
	pop esi
	ret
user_copy_fault:
	mov eax, -14			; -EFAULT
	pop edi
	pop esi
	ret
