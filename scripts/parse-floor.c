/*
 * parse-floor: the "parsing alone" floor that scripts/bench compares iamlint against.
 *
 *   cc -O2 -o parse-floor scripts/parse-floor.c -lyaml
 *   parse-floor [--libyaml-json] < list-of-files     (one "KIND<TAB>PATH" per line)
 *
 * KIND is yaml, json or ini (as iamlint's file discovery classifies the file). Every file is
 * read into memory, as iamlint does, and then:
 *   yaml  parsed by libyaml's event API (yaml_parser_parse until STREAM-END; no tree is built);
 *   json  scanned by a minimal validating JSON scanner below (no tree, no allocation), or by
 *         libyaml like YAML with --libyaml-json (libyaml rejects some JSON, e.g. tab indents);
 *   ini   split into lines.
 * It prints how many files, bytes and events it saw, so nothing is optimised away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static unsigned long long events, errors, bytes_total, files;

static void parse_yaml(const unsigned char *buf, size_t len) {
    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) { errors++; return; }
    yaml_parser_set_input_string(&parser, buf, len);
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) { errors++; break; }
        events++;
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
}

/* A validating JSON scanner: iterative, depth-bounded, counts values as "events". */
static void parse_json(const unsigned char *p, size_t n) {
    size_t i = 0;
    char stack[4096];
    int depth = 0;
    int expect_value = 1;
#define WS() while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    for (;;) {
        WS();
        if (i >= n) { if (depth || expect_value) errors++; return; }
        unsigned char c = p[i];
        if (expect_value) {
            events++;
            if (c == '{' || c == '[') {
                if (depth >= (int)sizeof stack) { errors++; return; }
                stack[depth++] = (char)c; i++; WS();
                if (i < n && (p[i] == '}' || p[i] == ']')) { depth--; i++; expect_value = 0; continue; }
                if (c == '{') {
                    if (i >= n || p[i] != '"') { errors++; return; }
                    continue; /* the key is a string value; the ':' is handled below */
                }
                continue;
            } else if (c == '"') {
                i++;
                while (i < n && p[i] != '"') { if (p[i] == '\\') i++; i++; }
                if (i >= n) { errors++; return; }
                i++;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                i++;
                while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == 'e' || p[i] == 'E' || p[i] == '+' || p[i] == '-')) i++;
            } else if (n - i >= 4 && (!memcmp(p + i, "true", 4) || !memcmp(p + i, "null", 4))) {
                i += 4;
            } else if (n - i >= 5 && !memcmp(p + i, "false", 5)) {
                i += 5;
            } else { errors++; return; }
            expect_value = 0;
            if (depth == 0) { WS(); if (i != n) errors++; return; }
            continue;
        }
        /* after a value: ':' (it was a key), ',' or a closing bracket */
        if (c == ':' && depth && stack[depth - 1] == '{') { i++; expect_value = 1; continue; }
        if (c == ',') {
            i++; expect_value = 1;
            if (stack[depth - 1] == '{') { WS(); if (i >= n || p[i] != '"') { errors++; return; } }
            continue;
        }
        if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '[')) {
            i++; depth--;
            if (depth == 0) { WS(); if (i != n) errors++; return; }
            continue;
        }
        errors++;
        return;
    }
}

static void parse_ini(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) if (p[i] == '\n') events++;
}

int main(int argc, char **argv) {
    int libyaml_json = argc > 1 && !strcmp(argv[1], "--libyaml-json");
    char line[8192];
    unsigned char *buf = NULL;
    size_t cap = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        const char *kind = line, *path = tab + 1;
        FILE *f = fopen(path, "rb");
        if (!f) { errors++; continue; }
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        if (len < 0) { fclose(f); errors++; continue; }
        if ((size_t)len + 1 > cap) { cap = (size_t)len + 1; buf = realloc(buf, cap); }
        size_t got = fread(buf, 1, (size_t)len, f);
        fclose(f);
        files++;
        bytes_total += got;
        if (!strcmp(kind, "yaml") || (libyaml_json && !strcmp(kind, "json"))) parse_yaml(buf, got);
        else if (!strcmp(kind, "json")) parse_json(buf, got);
        else parse_ini(buf, got);
    }
    free(buf);
    printf("%llu files, %llu bytes, %llu events, %llu files with errors\n", files, bytes_total, events, errors);
    return 0;
}
