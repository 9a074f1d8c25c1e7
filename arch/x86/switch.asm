; switch.asm - kernel context switch and the start of a new process.

extern trap_return
global arch_context_switch
global new_proc_entry

section .text
; void arch_context_switch(uint32_t *save, uint32_t next_esp)
arch_context_switch:
	mov eax, [esp + 4]
	mov edx, [esp + 8]
	push ebp
	push ebx
	push esi
	push edi
	mov [eax], esp
	mov esp, edx
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

; A new process's first switch returns here with its trapframe on the stack.
new_proc_entry:
	jmp trap_return
