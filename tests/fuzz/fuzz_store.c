/*
 * libFuzzer target for the readers of a stored results directory, which
 * may come from anyone (issue 16): runs.jsonl, summary.json,
 * accuracy.json, meta.json, config-resolved.json and calibration.json.
 * Every input either loads or gives an error; nothing may crash, hang or
 * leak (AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer's leak
 * check).
 *
 * The first byte of the input picks the file (modulo the number of
 * formats), the rest is its content, written into a fresh results
 * directory; the matching loader reads it. A summary that loads is also
 * put through the set loader (the merge the report and charts read).
 * Built by scripts/fuzz.sh (clang), seeded from tests/fuzz/store-corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/accuracy.h"
#include "store/calibration.h"
#include "store/meta.h"
#include "store/records.h"
#include "store/resolved.h"
#include "store/summary.h"

static const char *const files[] = { "runs.jsonl", "summary.json", "accuracy.json",
                                     "meta.json", "config-resolved.json", "calibration.json" };
#define NFILES (sizeof files / sizeof files[0])

static char dir[256];

static void clear(void)
{
    char path[512];

    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    struct pb_error err;
    FILE *f;
    size_t which;

    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/pbench-fuzz-store-%d", (int)getpid());
        mkdir(dir, 0700);
    }
    if (size < 1)
        return 0;
    which = data[0] % NFILES;
    clear();
    snprintf(path, sizeof path, "%s/%s", dir, files[which]);
    f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    switch (which) {
    case 0: {
        struct pb_run_list list;
        if (pb_records_read(dir, 0, &list, &err) == 0)
            pb_records_release(&list);
        break;
    }
    case 1: {
        struct pb_summary *s = pb_summary_load(dir, &err);
        if (s) {
            const char *dirs[1] = { dir };
            pb_summary_free(s);
            struct pb_summary_set *set = pb_summary_set_load(dirs, 1, &err);
            pb_summary_set_free(set);
        }
        break;
    }
    case 2: {
        struct pb_accuracy *acc = NULL;
        if (pb_accuracy_load(dir, &acc, &err) == 0)
            pb_accuracy_free(acc);
        break;
    }
    case 3: {
        struct pb_meta m;
        pb_meta_init(&m);
        pb_meta_load(dir, &m, &err);
        pb_meta_release(&m);
        break;
    }
    case 4: {
        struct pb_resolved r;
        if (pb_resolved_load(dir, &r, &err) == 0)
            pb_resolved_release(&r);
        break;
    }
    default: {
        struct pb_calibration c;
        memset(&c, 0, sizeof c);
        if (pb_calibration_load(dir, &c, &err) >= 0)
            pb_calibration_release(&c);
        break;
    }
    }
    return 0;
}
