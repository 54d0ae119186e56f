#ifndef PB_SAMPLER_LINETABLE_H
#define PB_SAMPLER_LINETABLE_H

/*
 * CPython's line tables, decoded for one address. From 3.11, the location
 * table (code.co_linetable), decoded for one
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

/* The same for CPython 3.10's co_linetable: pairs of (byte delta unsigned,
 * line delta signed) bytes, each pair ending a range of addresses that
 * starts where the previous one ended; a line delta of -128 means the
 * range has no line (and leaves the running line unchanged). Same
 * contract as pb_linetable_line. */
int pb_linetable_310_line(const uint8_t *tab, size_t len, int firstlineno, int addr);

/* The same for CPython 3.8 and 3.9's co_lnotab: pairs of (byte delta
 * unsigned, line delta signed); the line applies from the address the
 * byte deltas have reached. Every address has a line (past the table's
 * end, its last line). Same contract otherwise. */
int pb_linetable_lnotab_line(const uint8_t *tab, size_t len, int firstlineno, int addr);

#endif /* PB_SAMPLER_LINETABLE_H */
