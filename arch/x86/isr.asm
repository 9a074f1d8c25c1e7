; isr.asm - interrupt entry stubs. Each stub pushes a dummy error code when
; the CPU does not, then its vector, and jumps to isr_common, which saves
; the registers as a struct trapframe (include/arch/trap.h) and calls
; trap_dispatch(tf); the system call gate's stub saves the same frame and
; calls syscall_entry(tf) itself. The same path returns to the
; interrupted code.
;
; The selector pops and the iret below may fault when a user selector went
; bad (a TLS descriptor cleared while loaded, a selector from sigreturn):
; trap.c knows these labels, repairs the frame and, for a frame returning
; to user mode, resumes at trap_segment_resume with eax = that frame.

extern trap_dispatch
extern syscall_entry
global isr_stub_table
global trap_return
global trap_pop_gs, trap_pop_fs, trap_pop_es, trap_pop_ds, trap_iret
global trap_segment_resume
extern trap_bad_segment

; The registers as a struct trapframe, kernel data segments loaded, and
; on the stack the frame's address as the argument of the call that
; follows. A frame pointer chain through the trap lets backtraces continue
; into the interrupted code: a fake frame of (ebp, eip) under it. The
; caller pops 16 bytes after the call (trap_leave).
%macro SAVE_FRAME 0
	pusha
	push ds
	push es
	push fs
	push gs
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	push esp			; struct trapframe *
	push dword [esp + 4 + 56]	; tf->eip
	push ebp
	mov ebp, esp
	push dword [esp + 8]
%endmacro

%macro STUB_NOERR 1
isr_%1:
	push dword 0
	push dword %1
	jmp isr_common
%endmacro

%macro STUB_ERR 1
isr_%1:
	push dword %1
	jmp isr_common
%endmacro

section .text
%assign v 0
%rep 48
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	STUB_ERR v
%else
	STUB_NOERR v
%endif
%assign v v + 1
%endrep

; int 0x80: the same frame, but straight to syscall_entry (kernel/syscall.c).
isr_128:
	push dword 0
	push dword 128
	SAVE_FRAME
	call syscall_entry
	jmp trap_leave

isr_common:
	SAVE_FRAME
	call trap_dispatch
trap_leave:
	add esp, 16
trap_return:
trap_pop_gs:
	pop gs
trap_pop_fs:
	pop fs
trap_pop_es:
	pop es
trap_pop_ds:
	pop ds
	popa
	add esp, 8			; vector and error code
trap_iret:
	iret

; eax = the user frame whose return faulted (see trap.c).
trap_segment_resume:
	mov esp, eax
	push esp
	call trap_bad_segment
	add esp, 4
	jmp trap_return

section .rodata
isr_stub_table:
%assign v 0
%rep 48
	dd isr_ %+ v
%assign v v + 1
%endrep
	dd isr_128
