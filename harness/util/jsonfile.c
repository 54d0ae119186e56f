/* JSON documents as files. See jsonfile.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/jsonfile.h"

json_t *pb_json_read(const char *dir, const char *name, struct pb_error *err)
{
    char path[PATH_MAX];
    json_error_t jerr;
    json_t *j;
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &st) < 0) {
        int e = errno;
        pb_error_set(err, "cannot read '%s'", path);
        pb_error_errno(err, e);
        return NULL;
    }
    j = json_load_file(path, 0, &jerr);
    if (!j)
        pb_error_at(err, path, jerr.line, jerr.column, "not valid JSON: %s", jerr.text);
    return j;
}


int pb_json_write(const char *dir, const char *name, const json_t *obj, struct pb_error *err)
{
    char *text = json_dumps(obj, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
    int rc;

    if (!text)
        return pb_error_set(err, "out of memory");
    size_t len = strlen(text);
    text = realloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    rc = pb_write_file(dir, name, text, len, err);
    free(text);
    return rc;
}


int pb_json_write_new(const char *dir, const char *name, json_t *obj, struct pb_error *err)
{
    int rc;

    if (!obj)
        return pb_error_set(err, "out of memory");
    rc = pb_json_write(dir, name, obj, err);
    json_decref(obj);
    return rc;
}
