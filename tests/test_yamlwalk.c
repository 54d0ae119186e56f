/* yamlwalk: parsing with a depth cap, the key-table walk (unknown and
 * duplicate keys) and the typed getters, each error at its line:col. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/yamlwalk.h"

/* "a: " then depth '[' and as many ']'. */
static char *nested(int depth)
{
    char *text = malloc((size_t)depth * 2 + 8);
    int n = sprintf(text, "a: ");
    for (int i = 0; i < depth; i++)
        text[n++] = '[';
    for (int i = 0; i < depth; i++)
        text[n++] = ']';
    strcpy(text + n, "\n");
    return text;
}

START_TEST(depth_up_to_the_cap_parses)
{
    struct pb_diags d = { 0 };
    yaml_document_t doc;
    char *text = nested(PB_YW_MAX_DEPTH - 1);      /* the mapping is a level too */

    ck_assert_int_eq(pb_yw_parse(text, strlen(text), "f.yaml", &doc, &d), 0);
    ck_assert_uint_eq(d.n, 0);
    yaml_document_delete(&doc);
    free(text);
}
END_TEST

START_TEST(deeper_is_refused_at_the_first_level_too_deep)
{
    struct pb_diags d = { 0 };
    yaml_document_t doc;
    char *text = nested(100000);

    ck_assert_int_eq(pb_yw_parse(text, strlen(text), "f.yaml", &doc, &d), -1);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].file, "f.yaml");
    ck_assert_int_eq(d.items[0].line, 1);
    ck_assert_int_eq(d.items[0].col, 3 + PB_YW_MAX_DEPTH);   /* "a: " then the 64th '[' */
    ck_assert_str_eq(d.items[0].msg, "nested more than 64 levels deep");
    pb_diags_release(&d);
    free(text);
}
END_TEST

START_TEST(syntax_error_is_located)
{
    struct pb_diags d = { 0 };
    yaml_document_t doc;
    const char *text = "a: 1\nb: [2\n";

    ck_assert_int_eq(pb_yw_parse(text, strlen(text), "f.yaml", &doc, &d), -1);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_int_eq(d.items[0].line, 3);
    ck_assert_ptr_nonnull(strstr(d.items[0].msg, "YAML syntax error: "));
    pb_diags_release(&d);
}
END_TEST

struct got {
    int runs;
    double timeout;
};

static void k_runs(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_int(yw, v, key, 1, 10, &((struct got *)o)->runs);
}

static void k_timeout(struct pb_yw *yw, const yaml_node_t *v, void *o, const char *key)
{
    pb_yw_get_seconds(yw, v, key, &((struct got *)o)->timeout);
}

static const struct pb_yw_key keys[] = {
    { "runs", k_runs }, { "timeout", k_timeout }, { NULL, NULL }
};

START_TEST(walk_reports_unknown_duplicate_and_bad_values)
{
    struct pb_diags d = { 0 };
    yaml_document_t doc;
    const char *text = "runs: 3\ntimout: 5\nruns: 4\ntimeout: [1]\n";
    struct got g = { -1, -1 };

    ck_assert_int_eq(pb_yw_parse(text, strlen(text), "f.yaml", &doc, &d), 0);
    struct pb_yw yw = { &doc, "f.yaml", &d, NULL };
    pb_yw_walk_map(&yw, yaml_document_get_root_node(&doc), keys, &g, "the test");
    yaml_document_delete(&doc);
    ck_assert_int_eq(g.runs, 3);
    ck_assert_uint_eq(d.n, 3);
    ck_assert_int_eq(d.items[0].line, 2);
    ck_assert_int_eq(d.items[0].col, 1);
    ck_assert_str_eq(d.items[0].msg, "unknown key 'timout' in the test (did you mean 'timeout'?)");
    ck_assert_int_eq(d.items[1].line, 3);
    ck_assert_str_eq(d.items[1].msg, "duplicate key 'runs' in the test (first at line 1)");
    ck_assert_int_eq(d.items[2].line, 4);
    ck_assert_int_eq(d.items[2].col, 10);
    ck_assert_str_eq(d.items[2].msg, "'timeout' expects a single value, found a list");
    pb_diags_release(&d);
}
END_TEST

Suite *yamlwalk_suite(void)
{
    Suite *s = suite_create("yamlwalk");
    TCase *parse = tcase_create("parse");
    TCase *walk = tcase_create("walk");

    tcase_add_test(parse, depth_up_to_the_cap_parses);
    tcase_add_test(parse, deeper_is_refused_at_the_first_level_too_deep);
    tcase_add_test(parse, syntax_error_is_located);
    suite_add_tcase(s, parse);
    tcase_add_test(walk, walk_reports_unknown_duplicate_and_bad_values);
    suite_add_tcase(s, walk);
    return s;
}
