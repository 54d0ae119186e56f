/* Escaping for Markdown, gnuplot and URLs; durations. See text.h. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

void pb_md_text(FILE *f, const char *s, size_t max)
{
    size_t n = 0;

    if (!s)
        return;
    for (const char *p = s; *p; p++, n++) {
        unsigned char ch = (unsigned char)*p;
        if (max && n >= max && (ch & 0xC0) != 0x80) {
            fputs("…", f);
            return;
        }
        if (ch == '_') {
            int inword = p > s && isalnum((unsigned char)p[-1]) && isalnum((unsigned char)p[1]);
            fputs(inword ? "_" : "\\_", f);
        } else if (strchr("\\`*[]<>|#~!", ch)) {
            fputc('\\', f);
            fputc(ch, f);
        } else if (ch < 0x20 || ch == 0x7f) {
            fputc(' ', f);
        } else {
            fputc(ch, f);
        }
    }
}

void pb_md_code(FILE *f, const char *s)
{
    size_t run = 0, longest = 0;

    if (!s || !*s) {
        fputs("` `", f);  /* "``" would be two literal backticks */
        return;
    }
    /* A code span ends at a backtick run as long as its opening one, so
     * the fence must be longer than any run inside (CommonMark 6.1). */
    for (const char *p = s ? s : ""; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
    if (longest)
        fputc(' ', f);
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '|')
            fputs("\\|", f);
        else if ((unsigned char)*p < 0x20 || *p == 0x7f)
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    if (longest)
        fputc(' ', f);
    for (size_t i = 0; i <= longest; i++)
        fputc('`', f);
}

void pb_gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'')
            fputs("''", f);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

char *pb_url_escape(const char *s)
{
    char *out = malloc(strlen(s) * 3 + 1), *o = out;

    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

const char *pb_fmt_ratio(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "–");
    else if (v < 9.995)
        snprintf(buf, n, "%.2f×", v);
    else if (v < 99.95)
        snprintf(buf, n, "%.1f×", v);
    else
        snprintf(buf, n, "%.0f×", v);
    return buf;
}

const char *pb_fmt_duration_short(double s, char *buf, size_t n)
{
    if (!(s >= 0))
        snprintf(buf, n, "?");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
    else
        snprintf(buf, n, "%.0fh%02.0fm", floor(s / 3600), fmod(s, 3600) / 60);
    return buf;
}

const char *pb_fmt_duration_words(double s, char *buf, size_t n)
{
    if (isnan(s))
        snprintf(buf, n, "unknown");
    else if (s < 120)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.0f min", s / 60);
    else
        snprintf(buf, n, "%d h %02d min", (int)(s / 3600), (int)fmod(s / 60, 60));
    return buf;
}
