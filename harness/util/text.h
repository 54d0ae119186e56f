#ifndef PB_TEXT_H
#define PB_TEXT_H

/*
 * text: the one place that escapes strings for the formats pbench writes
 * by hand (Markdown, gnuplot scripts, URLs) and formats durations. Every
 * string that comes from a stored file or a config and reaches one of
 * those formats goes through here.
 */

#include <stddef.h>
#include <stdio.h>

/* Writes s as Markdown text for a paragraph or a table cell: characters
 * Markdown would read as markup (\ ` * [ ] < > | # ~ !) are escaped; '_'
 * inside a word (as in line_profiler) is left alone since it cannot start
 * emphasis there. Newlines, tabs and other control characters become
 * spaces. At most max bytes (then "…", never cutting a UTF-8 character);
 * 0: no limit. s NULL writes nothing. Cannot fail. */
void pb_md_text(FILE *f, const char *s, size_t max);

/* Writes s as a Markdown code span (paths, commands): fenced with one
 * backtick more than the longest run of backticks in s (and spaces inside
 * the fence when s holds any), so no content can close the span early and
 * reach the page as markup or HTML; '|' is escaped so a table cell
 * survives; newlines and other control characters become spaces. Cannot
 * fail. */
void pb_md_code(FILE *f, const char *s);

/* Writes s as a single-quoted gnuplot string: a quote doubles, control
 * characters become spaces; backslashes are literal in single quotes.
 * Cannot fail. */
void pb_gp_string(FILE *f, const char *s);

/* URL-escapes a relative path for a Markdown link: keeps letters, digits
 * and -._~/ and percent-encodes the rest. Returns a malloc'd string, NULL
 * when out of memory. */
char *pb_url_escape(const char *s);

/* A ratio for a report: "1.03×", "15.3×", "252×" (three significant
 * figures at most), "–" for NAN. Writes at most n bytes into buf and
 * returns buf. Cannot fail. */
const char *pb_fmt_ratio(double v, char *buf, size_t n);

/* Durations for a terminal: "?" (s < 0 or NAN), "42s", "3m05s", "2h07m".
 * Writes at most n bytes into buf and returns buf. Cannot fail. */
const char *pb_fmt_duration_short(double s, char *buf, size_t n);

/* Durations for prose: "unknown" (NAN), "42 s", "17 min", "2 h 07 min".
 * Writes at most n bytes into buf and returns buf. Cannot fail. */
const char *pb_fmt_duration_words(double s, char *buf, size_t n);

#endif /* PB_TEXT_H */
