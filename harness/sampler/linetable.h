#ifndef PB_SAMPLER_LINETABLE_H
#define PB_SAMPLER_LINETABLE_H

/*
 * CPython 3.11's location table (code.co_linetable), decoded for one
 * address: the line number a traceback would show for the code unit at
 * that byte offset. The format (CPython's Objects/locations.md): a
 * sequence of entries, each starting with a byte whose top bit is set;
 * bits 3-6 are a code, bits 0-2 the entry's length in code units minus 1.
 *   code 15      no location (the line is "none")
 *   code 14      long form: signed varint line delta, then end line,
 *                column and end column varints
 *   code 13      signed varint line delta, no columns
 *   codes 10-12  line delta 0, 1 or 2, then two column bytes
 *   codes 0-9    same line, one column byte
 * Varints are 6 bits per byte, bit 6 meaning "more follows"; signed ones
 * keep the sign in the lowest bit. Lines start at co_firstlineno.
 */

#include <stddef.h>
#include <stdint.h>

/* The line of the code unit at byte offset addr in a code object whose
 * location table is tab[0..len) and first line firstlineno. An addr below
 * zero (a frame that has not started) gives firstlineno, as CPython's
 * PyCode_Addr2Line does. Returns -1 when the table gives no line for addr,
 * when addr lies past the table's end, or when the table is malformed
 * (never reads outside tab). Cannot fail otherwise. */
int pb_linetable_line(const uint8_t *tab, size_t len, int firstlineno, int addr);

#endif /* PB_SAMPLER_LINETABLE_H */
