#ifndef PB_SAMPLER_ELFSYM_H
#define PB_SAMPLER_ELFSYM_H

/*
 * Symbol lookup in an ELF file on disk: enough to find CPython's globals
 * (_PyRuntime, Py_Version, PyCode_Type, ...) in a python executable or
 * libpython. Only 64-bit little-endian ELF (x86-64, aarch64).
 */

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct pb_elf_sym {
    const char *name;   /* in: the symbol to find */
    uint64_t value;     /* out: its link-time address (st_value) */
    uint64_t size;      /* out: st_size, 0 when unknown */
    int found;          /* out: 1 when the file defines it */
};

/* Looks up syms[0..n) in the dynamic symbol table of the ELF file at path,
 * then in its static symbol table (.symtab) for names still missing.
 * *load_vaddr (may be NULL) gets the page-aligned address of the file's
 * first PT_LOAD segment: a mapping at file offset 0 starting at address A
 * means the file's addresses are shifted by A - *load_vaddr.
 * Returns 0 when path is a readable ELF file, even when some or all symbols
 * are missing (see .found); -1 with err set when it cannot be opened or is
 * not a supported ELF file. */
int pb_elf_lookup(const char *path, struct pb_elf_sym *syms, size_t n,
                  uint64_t *load_vaddr, struct pb_error *err);

#endif /* PB_SAMPLER_ELFSYM_H */
