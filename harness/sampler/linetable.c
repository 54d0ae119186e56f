/* CPython line table decoding (3.8-3.9, 3.10, 3.11 on); see linetable.h for
 * the formats. */
#include "sampler/linetable.h"

#define LINE_MAX_SANE (1L << 30)

enum {
    LOC_SHORT_MAX = 9,    /* codes 0-9: same line, column in one byte */
    LOC_ONE_LINE0 = 10,   /* 10, 11, 12: line delta 0, 1, 2 */
    LOC_ONE_LINE2 = 12,
    LOC_NO_COLUMNS = 13,
    LOC_LONG = 14,
    LOC_NONE = 15
};

/* Reads an unsigned varint at tab[*pos], advancing *pos. Returns -1 when it
 * runs off the table or grows past 30 bits (malformed). */
static long read_varint(const uint8_t *tab, size_t len, size_t *pos)
{
    unsigned long val = 0;
    unsigned shift = 0;
    uint8_t b;

    do {
        if (*pos >= len || shift > 24)
            return -1;
        b = tab[(*pos)++];
        val |= (unsigned long)(b & 63) << shift;
        shift += 6;
    } while (b & 64);
    return (long)val;
}

static int read_svarint(const uint8_t *tab, size_t len, size_t *pos, int *out)
{
    long u = read_varint(tab, len, pos);

    if (u < 0)
        return -1;
    *out = (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
    return 0;
}

int pb_linetable_line(const uint8_t *tab, size_t len, int firstlineno, int addr)
{
    size_t pos = 0;
    long line = firstlineno;  /* long: a hostile table cannot overflow it */
    long start = 0;  /* byte offset where the current entry begins */

    if (addr < 0)
        return firstlineno;
    while (pos < len) {
        uint8_t first = tab[pos];
        int code = (first >> 3) & 15;
        long end = start + (long)((first & 7) + 1) * 2;  /* 2: sizeof(_Py_CODEUNIT) */
        int delta = 0;
        size_t p = pos + 1;

        if (!(first & 128))
            return -1;  /* every entry starts with the top bit set */
        if (code == LOC_LONG || code == LOC_NO_COLUMNS) {
            if (read_svarint(tab, len, &p, &delta) < 0)
                return -1;
        } else if (code >= LOC_ONE_LINE0 && code <= LOC_ONE_LINE2) {
            delta = code - LOC_ONE_LINE0;
        }
        line += delta;
        if (line < 0 || line > LINE_MAX_SANE)
            return -1;  /* malformed: no real source has such a line */
        if (addr < end)
            return code == LOC_NONE ? -1 : (int)line;
        start = end;
        /* Skip the rest of this entry: up to the next byte with bit 7. */
        pos++;
        while (pos < len && !(tab[pos] & 128))
            pos++;
    }
    return -1;
}

int pb_linetable_310_line(const uint8_t *tab, size_t len, int firstlineno, int addr)
{
    long start, end = 0;
    int line = firstlineno;

    if (addr < 0)
        return firstlineno;
    for (size_t pos = 0; pos + 1 < len; pos += 2) {
        int ldelta = (int8_t)tab[pos + 1];
        int range_line;

        start = end;
        end = start + tab[pos];
        if (ldelta == -128) {
            range_line = -1;
        } else {
            line += ldelta;
            range_line = line;
        }
        if (addr >= start && addr < end)
            return range_line;
    }
    return -1;
}

int pb_linetable_lnotab_line(const uint8_t *tab, size_t len, int firstlineno, int addr)
{
    long at = 0;
    int line = firstlineno;

    for (size_t pos = 0; pos + 1 < len; pos += 2) {
        at += tab[pos];
        if (at > addr)
            break;
        line += (int8_t)tab[pos + 1];
    }
    return line;
}
