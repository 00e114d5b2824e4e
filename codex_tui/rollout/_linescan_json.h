/* A strict JSON walker for the line scanner's own reading of a few line kinds (token counts,
 * user and assistant messages, shell calls). It is stricter than msgspec and orjson
 * everywhere: what it accepts, they accept and read the same way; anything it is unsure of
 * (an escape in a key, a \u escape, an exponent, a long number, deep nesting, a repeated key
 * it reads) makes it give up, and the line goes the usual way. Giving up is always safe.
 *
 * Every function takes a cursor and returns 1 on success with the cursor moved past what it
 * read, 0 when it gives up. What it takes, the shape check (one_object) would take too: one
 * object, strings with valid UTF-8 and no control byte, nothing but JSON outside them.
 */
#ifndef LINESCAN_JSON_H
#define LINESCAN_JSON_H

#define JSON_MAX_DEPTH 48
#define JSON_MAX_NUMBER 40
#define TOKENS_MAX 1000000000000LL    /* schema.MAX_TOKENS */

typedef struct {
    const unsigned char *p, *end;
} Cur;

static void ws(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int lit(Cur *c, const char *s) {
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0) return 0;
    c->p += n;
    return 1;
}

static int hex4(const unsigned char *p, unsigned *v) {
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char h = p[i];
        unsigned d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                     : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 16;
        if (d == 16) return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

/* A string at the cursor (its opening quote): *s and *n are its raw bytes between the quotes,
 * *plain 1 when they hold no escape (the raw bytes are the text). */
static int string(Cur *c, const unsigned char **s, Py_ssize_t *n, int *plain) {
    if (c->p >= c->end || *c->p != '"') return 0;
    const unsigned char *p = ++c->p;
    int clean = 1;
    for (;;) {
        p = plain_run(p, c->end);
        if (p >= c->end) return 0;
        if (*p == '"') break;
        if (*p == '\\') {
            clean = 0;
            if (p + 1 >= c->end) return 0;
            unsigned char e = p[1];
            if (e == 'u') {
                unsigned v;
                if (c->end - p < 6 || !hex4(p + 2, &v) || (v >= 0xD800 && v <= 0xDFFF)) return 0;
                p += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                p += 2;
            } else {
                return 0;
            }
        } else if (*p < 0x20) {
            return 0;
        } else {   /* a byte >= 0x80: UTF-8 as strictly as bytes.decode() */
            int k = utf8_length(p, c->end);
            if (!k) return 0;
            p += k;
        }
    }
    if (s) *s = c->p;
    if (n) *n = p - c->p;
    if (plain) *plain = clean;
    c->p = p + 1;
    return 1;
}

static int number(Cur *c) {
    const unsigned char *p = c->p, *e = c->end;
    if (p < e && *p == '-') p++;
    if (p >= e) return 0;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (p < e && *p >= '0' && *p <= '9') p++;
    else return 0;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    /* An exponent may overflow: msgspec refuses 1e400 where it builds the value (an Any
     * field), orjson everywhere. Forty characters without one cannot. */
    if (p < e && (*p == 'e' || *p == 'E')) return 0;
    if (p - c->p > JSON_MAX_NUMBER) return 0;
    c->p = p;
    return 1;
}

static int value(Cur *c, int depth);

/* After an array's element: 1 past a comma (another follows), 2 past the closing bracket,
 * 0 for anything else. */
static int after_element(Cur *c) {
    ws(c);
    if (c->p >= c->end) return 0;
    c->p++;
    return c->p[-1] == ',' ? 1 : c->p[-1] == ']' ? 2 : 0;
}

/* An object's members one by one: call with *first set before the first member. Returns 1
 * with the key's raw bytes (a key with an escape gives up), 2 at the closing brace, 0 when
 * it gives up. The cursor is left at the member's value. */
static int member(Cur *c, int *first, const unsigned char **key, Py_ssize_t *klen) {
    ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return 2;
    }
    if (!*first) {
        if (c->p >= c->end || *c->p != ',') return 0;
        c->p++;
        ws(c);
    }
    *first = 0;
    int plain;
    if (!string(c, key, klen, &plain) || !plain) return 0;
    ws(c);
    if (c->p >= c->end || *c->p != ':') return 0;
    c->p++;
    ws(c);
    return 1;
}

static int open_object(Cur *c) {
    ws(c);
    if (c->p >= c->end || *c->p != '{') return 0;
    c->p++;
    return 1;
}

static int key_is(const unsigned char *key, Py_ssize_t n, const char *name) {
    return (size_t)n == strlen(name) && memcmp(key, name, (size_t)n) == 0;
}

static int value(Cur *c, int depth) {
    if (depth > JSON_MAX_DEPTH) return 0;
    ws(c);
    if (c->p >= c->end) return 0;
    unsigned char ch = *c->p;
    if (ch == '"') return string(c, NULL, NULL, NULL);
    if (ch == '{') {
        c->p++;
        int first = 1, r;
        const unsigned char *key;
        Py_ssize_t klen;
        while ((r = member(c, &first, &key, &klen)) == 1)
            if (!value(c, depth + 1)) return 0;
        return r == 2;
    }
    if (ch == '[') {
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == ']') {
            c->p++;
            return 1;
        }
        int r;
        do {
            if (!value(c, depth + 1)) return 0;
        } while ((r = after_element(c)) == 1);
        return r == 2;
    }
    if (ch == 't') return lit(c, "true");
    if (ch == 'f') return lit(c, "false");
    if (ch == 'n') return lit(c, "null");
    return number(c);
}

/* null (*v = -1) or a token count: digits only, 0..TOKENS_MAX (schema.Tokens | None). */
static int tokens(Cur *c, long long *v) {
    ws(c);
    if (lit(c, "null")) {
        *v = -1;
        return 1;
    }
    const unsigned char *p = c->p;
    long long x = 0;
    int digits = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        if (++digits > 13) return 0;
        x = x * 10 + (*p - '0');
        p++;
    }
    if (!digits || (digits > 1 && c->p[0] == '0') || x > TOKENS_MAX) return 0;
    if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E')) return 0;   /* a float: not an int */
    c->p = p;
    *v = x;
    return 1;
}

/* null or a string with no escape (schema.Text, read as its raw bytes). */
static int text(Cur *c, const unsigned char **s, Py_ssize_t *n, int *is_null) {
    ws(c);
    *is_null = 0;
    if (lit(c, "null")) {
        *is_null = 1;
        return 1;
    }
    int plain;
    return string(c, s, n, &plain) && plain;
}

/* null or any string (schema.Text, checked only). */
static int any_text(Cur *c) {
    ws(c);
    return lit(c, "null") || string(c, NULL, NULL, NULL);
}

/* The end of a line after its envelope object: JSON whitespace only. */
static int at_end(Cur *c) {
    ws(c);
    return c->p == c->end;
}

#endif
