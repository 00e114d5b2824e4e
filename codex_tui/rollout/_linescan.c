/* The index's per-file line scanner: the compiled twin of RolloutParser._lines_lean's loop.
 *
 * scan(data, start, stop, number, last_repeat, prev_total=None, live=False) looks at the
 * lines of data[start:stop] (each ends in a newline, the last one may not) and does, in one
 * call, what the Python loop does for each line before decoding it:
 *   - the prefilter (prefilter.classify, the same rules byte for byte);
 *   - the repeat check (a token_count or turn_context line equal to the previous one of its
 *     kind after the timestamp), against `last_repeat`, which it reads but never changes;
 *   - the weak-output test's call_id (parse._CALL_ID_RE on a function_call_output head);
 *   - a shape check: the line is one JSON object, alone, with valid UTF-8 in its strings.
 * Lines that pass are joined into one JSON array, to be decoded with one msgspec call.
 *
 * With `live` (the parser is not inside a fork's copy of its parent), it also reads the
 * most frequent kinds of line itself, with a strict JSON walker (_linescan_json.h), so they
 * never reach msgspec or a handler:
 *   - token_count events: RolloutParser._set_total on the running totals, from `prev_total`
 *     (the parser's input, cached, output, reasoning, total before the slice);
 *   - the user messages Codex injects itself: only their time;
 *   - prompts and assistant messages: their text;
 *   - a shell tool's function_call: the tool, the ids and the command;
 *   - a command's result (function_call_output): its call_id and output, and where the
 *     output is the JSON text of 0.5x releases, its exit code, duration and text.
 * Each prompt, answer, call and result leaves a mark of its own; token counts and injected messages
 * leave at most three for the slice (the first and last time, the last context window).
 * Marks are put among the loose lines at their place. Token lines are read here only up to
 * the first one the walker gives up on; from there the parser reads them, so the totals
 * still come in order.
 *
 * It returns (batch, numbers, weak, loose, repeats, next number, counted, marks):
 *   batch    b"[line,line,...]"
 *   numbers  the line number of each element of batch
 *   weak     per element: None, or the call_id (str) of a weak output (None if not UTF-8)
 *   loose    [(element index it comes before, line number, line bytes or mark)]: lines the
 *            shape check refused, to be read one by one the Python way (bad lines end up
 *            there), and marks, in order: ("a" or "p", timestamp, text or None) and
 *            ("c", timestamp, tool, call_id, id, command) and ("o", timestamp, weak
 *            call_id, call_id, output) or ("o", timestamp, weak call_id, call_id, None,
 *            exit code, duration, text, flags) (see output_mark); then ("s", timestamp) and ("w",
 *            context window), each in its place too
 *   repeats  {key: body}: the new last_repeat entries, to apply once the batch is read
 *   counted  None, or (prev_total or None, tokens added, last usage or None, token events
 *            seen, the last line number) of the token lines read here; the caller checks
 *            that no line it reads as a token count (any spelling) comes before that line
 *   marks    how many marks are in loose
 * or None when it cannot take this slice (the caller then uses the Python loop).
 * Refusing a line (loose) or a slice (None) is always safe: the Python way is the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdarg.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define HEAD 320
#define SKIP (-2)
#define KEEP (-1)
#define MAX_KEYS 32

static const char TYPE[] = "\"type\":\"";
static const char PAYLOAD_TYPE[] = "\"payload\":{\"type\":\"";
static const char WEAK[] = "\"payload\":{\"type\":\"function_call_output\"";
static const char CALL_ID[] = "\"call_id\":\"";
static const char DEVELOPER[] = "\"role\":\"developer\"";
static const char COMMAND_ITEM[] = "\"item\":{\"type\":\"CommandExecution\"";
static const char *REPEATS[] = {"event_msg\",\"payload\":{\"type\":\"token_count\"", "turn_context\""};
static const char *QUIET[] = {"thread_settings_applied\"", "agent_reasoning\"", "user_message\"",
                              "agent_message\"", "reasoning_content_delta\"", "item_started\""};

/* bytes.find(sub, start, end) on line[0:len]: -1 when absent. The haystacks are heads of at
 * most HEAD bytes and the needles start with a quote, which JSON is full of: glibc's memmem
 * was a sixth of the scanner. With SSE2, 16 places at once are tested for two of the needle's
 * bytes, and only those places are compared whole. The two are its first and last, each but
 * a quote: a quote at both ends matched every `"key":"` pair of the head. */
static Py_ssize_t find(const char *line, Py_ssize_t len, const char *sub, Py_ssize_t start,
                       Py_ssize_t end) {
    Py_ssize_t n = (Py_ssize_t)strlen(sub);
    if (end > len) end = len;
    if (start < 0) start = 0;
    if (end - start < n) return -1;
    if (n < 2) {
        const char *hit = n ? memchr(line + start, sub[0], (size_t)(end - start)) : line + start;
        return hit ? hit - line : -1;
    }
    const char *h = line + start;
    Py_ssize_t size = end - start, i = 0;
#if defined(__SSE2__)
    Py_ssize_t lo = sub[0] == '"' && n > 2 ? 1 : 0, hi = sub[n - 1] == '"' && n - 2 > lo ? n - 2 : n - 1;
    const __m128i first = _mm_set1_epi8(sub[lo]), last = _mm_set1_epi8(sub[hi]);
    for (; i + n + 15 <= size; i += 16) {   /* both loads end inside h[0:size] (hi < n) */
        __m128i a = _mm_loadu_si128((const __m128i *)(h + i + lo));
        __m128i b = _mm_loadu_si128((const __m128i *)(h + i + hi));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first),
                                                                  _mm_cmpeq_epi8(b, last)));
        while (mask) {   /* every place tested here ends inside h[0:size]: i + 15 + n <= size */
            int bit = __builtin_ctz(mask);
            if (memcmp(h + i + bit, sub, (size_t)n) == 0) return start + i + bit;
            mask &= mask - 1;
        }
    }
#endif
    for (; i + n <= size; i++)
        if (h[i] == sub[0] && memcmp(h + i + 1, sub + 1, (size_t)(n - 1)) == 0) return start + i;
    return -1;
}

/* line[at:end].startswith(lit) */
static int has(const char *line, Py_ssize_t end, Py_ssize_t at, const char *lit) {
    Py_ssize_t n = (Py_ssize_t)strlen(lit);
    return at >= 0 && at + n <= end && memcmp(line + at, lit, (size_t)n) == 0;
}

/* prefilter.classify: SKIP, KEEP, or the offset a repeatable line's comparable bytes start.
 * *item: where a kept response item's payload type starts (the first `"payload":{"type":"`
 * after the envelope type), else -1. */
static Py_ssize_t classify(const char *line, Py_ssize_t len, Py_ssize_t *item) {
    Py_ssize_t end = len < HEAD ? len : HEAD;
    *item = -1;
    Py_ssize_t at = find(line, len, TYPE, 14, HEAD) + 8;
    if (at == 7) {
        for (int i = 0; i < 2; i++)
            if (has(line, len, 7, REPEATS[i])) return 7;
        return KEEP;
    }
    if (has(line, end, at, "world_state\"") || has(line, end, at, "token_usage_record\""))
        return SKIP;
    if (has(line, end, at, REPEATS[0]) || has(line, end, at, REPEATS[1]))
        return at;
    if (has(line, end, at, "event_msg\",")) {
        Py_ssize_t q = find(line, len, PAYLOAD_TYPE, at + 11, end);
        if (q < 0) return KEEP;
        Py_ssize_t r = q + (Py_ssize_t)strlen(PAYLOAD_TYPE);
        for (int i = 0; i < 6; i++)
            if (has(line, end, r, QUIET[i])) return SKIP;
        if (has(line, end, r, "item_completed\""))
            return find(line, len, COMMAND_ITEM, 0, HEAD) >= 0 ? KEEP : SKIP;
        return KEEP;   /* the atomic group gives up; response_item", cannot match here */
    }
    if (has(line, end, at, "response_item\",")) {
        Py_ssize_t q = find(line, len, PAYLOAD_TYPE, at + 15, end);
        if (q < 0) return KEEP;
        Py_ssize_t r = q + (Py_ssize_t)strlen(PAYLOAD_TYPE);
        if (has(line, end, r, "reasoning\"")) return SKIP;
        if (find(line, len, DEVELOPER, 0, HEAD) >= 0) return SKIP;
        *item = r;
        return KEEP;
    }
    return KEEP;
}

/* parse._CALL_ID_RE.search(line, 0, HEAD): the span of the first "call_id":"X" with 1-200
 * bytes of X, none a quote, closed by a quote, all before HEAD. 0 when there is none. */
static int call_id(const char *line, Py_ssize_t len, Py_ssize_t *from, Py_ssize_t *to) {
    Py_ssize_t end = len < HEAD ? len : HEAD;
    Py_ssize_t n = (Py_ssize_t)strlen(CALL_ID);
    for (Py_ssize_t i = find(line, len, CALL_ID, 0, end); i >= 0;
         i = find(line, len, CALL_ID, i + 1, end)) {
        Py_ssize_t s = i + n, j = s;
        while (j < end && line[j] != '"' && j - s < 201) j++;
        if (j < end && line[j] == '"' && j > s && j - s <= 200) {
            *from = s;
            *to = j;
            return 1;
        }
    }
    return 0;
}

/* parse._weak_call_id: the call_id in the head of a line that holds a function_call_output,
 * as a new reference to a str, or to None (no such head or call_id, or not UTF-8: no call
 * has it); NULL on another error (set). */
static PyObject *weak_call_id(const char *line, Py_ssize_t len) {
    Py_ssize_t from, to;
    if (find(line, len, WEAK, 0, HEAD) >= 0 && call_id(line, len, &from, &to)) {
        PyObject *cid = PyUnicode_DecodeUTF8(line + from, to - from, "strict");
        if (cid || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return cid;
        PyErr_Clear();
    }
    Py_RETURN_NONE;
}

/* One UTF-8 sequence at p (its first byte >= 0x80), as strictly as bytes.decode(): its length,
 * or 0 when it is not valid (overlong, surrogate, beyond U+10FFFF, cut short). */
static int utf8_length(const unsigned char *p, const unsigned char *end) {
    unsigned char c = p[0];
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (end - p < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The first byte at or after p, before end, that is a quote, a backslash, a control byte or
 * not ASCII: the bytes a string's plain run stops at. 16 at a time where SSE2 is there. */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'),
                  low = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        /* signed: bytes >= 0x80 are negative, so "< 0x20" catches them with the controls */
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                   _mm_cmplt_epi8(v, low));
        int mask = _mm_movemask_epi8(hit);
        if (mask) return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) p++;
    return p;
}

#include "_linescan_json.h"

/* ---- the scanner's own reading of two line kinds (see the top of this file) ---------------- */

/* What reads an envelope's payload: from its first byte, leaving the cursor after it; 0 to
 * give up. `ctx` is where it puts what it read. */
typedef int (*PayloadReader)(Cur *c, void *ctx);

/* The envelope {"timestamp": str, "type": `kind`, "payload": {...}, ...}: 1 with the payload
 * read by `read` (in the same pass: its strings are scanned once) and the timestamp's raw
 * bytes; 0 to give up (a null or escaped timestamp too). */
static int envelope(const unsigned char *line, Py_ssize_t len, const char *kind,
                    PayloadReader read, void *ctx, const unsigned char **ts, Py_ssize_t *ts_len) {
    Cur c = {line, line + len};
    int first = 1, r, seen_ts = 0, seen_type = 0, seen_payload = 0, is_null;
    const unsigned char *key, *s;
    Py_ssize_t klen, n;
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        if (key_is(key, klen, "timestamp")) {
            if (seen_ts++ || !text(&c, ts, ts_len, &is_null) || is_null || *ts_len == 0) return 0;
        } else if (key_is(key, klen, "type")) {
            if (seen_type++ || !text(&c, &s, &n, &is_null) || is_null || !key_is(s, n, kind)) return 0;
        } else if (key_is(key, klen, "payload")) {
            if (seen_payload++) return 0;
            ws(&c);
            if (!read(&c, ctx)) return 0;
        } else if (!value(&c, 1)) {
            return 0;
        }
    }
    return r == 2 && seen_ts && seen_type && seen_payload && at_end(&c);
}

/* A payload's "type": a plain string equal to `kind`. */
static int type_is(Cur *c, const char *kind) {
    const unsigned char *s;
    Py_ssize_t n;
    int is_null;
    return text(c, &s, &n, &is_null) && !is_null && key_is(s, n, kind);
}

static const char *USAGE_KEYS[5] = {"input_tokens", "cached_input_tokens", "output_tokens",
                                    "reasoning_output_tokens", "total_tokens"};

/* schema.Usage | None into u[5] (null and absent fields are 0, as parse._usage reads them). */
static int usage(Cur *c, long long *u) {
    memset(u, 0, 5 * sizeof *u);
    ws(c);
    if (lit(c, "null")) return 1;
    if (!open_object(c)) return 0;
    int first = 1, r, seen[5] = {0};
    const unsigned char *key;
    Py_ssize_t klen;
    while ((r = member(c, &first, &key, &klen)) == 1) {
        int i;
        for (i = 0; i < 5; i++)
            if (key_is(key, klen, USAGE_KEYS[i])) break;
        if (i < 5) {
            long long v;
            if (seen[i]++ || !tokens(c, &v)) return 0;
            u[i] = v < 0 ? 0 : v;
        } else if (!value(c, 2)) {
            return 0;
        }
    }
    return r == 2;
}

typedef struct {
    int info;              /* info was an object, not null */
    long long total[5], last[5];
    long long window;      /* 0 when null or absent */
} TokenLine;

/* The payload of a token_count event (schema.TokenCount). */
static int token_payload(Cur *cp, TokenLine *t) {
    Cur c = *cp;
    int first = 1, r, seen_type = 0, seen_info = 0;
    const unsigned char *key;
    Py_ssize_t klen;
    memset(t, 0, sizeof *t);
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        if (key_is(key, klen, "type")) {
            if (seen_type++ || !type_is(&c, "token_count")) return 0;
        } else if (key_is(key, klen, "info")) {
            if (seen_info++) return 0;
            ws(&c);
            if (lit(&c, "null")) continue;
            if (!open_object(&c)) return 0;
            t->info = 1;
            int f2 = 1, r2, seen[3] = {0};
            while ((r2 = member(&c, &f2, &key, &klen)) == 1) {
                if (key_is(key, klen, "total_token_usage")) {
                    if (seen[0]++ || !usage(&c, t->total)) return 0;
                } else if (key_is(key, klen, "last_token_usage")) {
                    if (seen[1]++ || !usage(&c, t->last)) return 0;
                } else if (key_is(key, klen, "model_context_window")) {
                    long long v;
                    if (seen[2]++ || !tokens(&c, &v)) return 0;
                    t->window = v < 0 ? 0 : v;
                } else if (!value(&c, 3)) {
                    return 0;
                }
            }
            if (r2 != 2) return 0;
        } else if (!value(&c, 2)) {
            return 0;
        }
    }
    if (r != 2 || !seen_type) return 0;
    cp->p = c.p;
    return 1;
}

/* The user messages Codex writes itself (parse._INJECTED_PREFIXES but <user_shell_command>,
 * which the parser reads): the parser only notes their time. */
static const char *INJECTED[] = {"<environment_context", "<user_instructions", "# AGENTS.md instructions",
                                 "<permissions instructions", "<turn_aborted", "<skill", "<subagent"};

/* content[0] is an object whose "text" starts with an injected prefix; the rest is checked. */
#define INJECTED_TEXT 1
#define PROMPT_TEXT 2

/* A user message's content: content[0] an object whose "text" starts with an injected prefix
 * (*kind INJECTED_TEXT; the rest is checked), or the only part, whose text the parser takes
 * as a prompt (*kind PROMPT_TEXT, *text its raw bytes): not empty, no leading space, escape
 * or non-ASCII (str.lstrip() would take some), not a <user_shell_command> record. */
static int user_content(Cur *c, int *kind, const unsigned char **text, Py_ssize_t *text_len) {
    ws(c);
    if (c->p >= c->end || *c->p != '[') return 0;
    c->p++;
    if (!open_object(c)) return 0;
    int first = 1, r, found = 0;
    const unsigned char *key, *s = NULL;
    Py_ssize_t klen, n = 0;
    *kind = 0;
    while ((r = member(c, &first, &key, &klen)) == 1) {
        if (key_is(key, klen, "text")) {
            int plain;
            if (found++ || !string(c, &s, &n, &plain)) return 0;
            for (size_t i = 0; i < sizeof INJECTED / sizeof *INJECTED; i++) {
                size_t m = strlen(INJECTED[i]);
                if ((size_t)n >= m && memcmp(s, INJECTED[i], m) == 0) *kind = INJECTED_TEXT;
            }
        } else if (!value(c, 4)) {
            return 0;
        }
    }
    if (r != 2 || !found) return 0;
    if (!*kind) {
        static const char SHELL_RECORD[] = "<user_shell_command";
        if (n == 0 || s[0] == ' ' || s[0] == '\\' || s[0] >= 0x80) return 0;
        if ((size_t)n >= strlen(SHELL_RECORD) && memcmp(s, SHELL_RECORD, strlen(SHELL_RECORD)) == 0)
            return 0;
        *kind = PROMPT_TEXT;
        *text = s;
        *text_len = n;
    }
    /* the other parts: checked only (a prompt must be the only part) */
    while ((r = after_element(c)) == 1)
        if (*kind == PROMPT_TEXT || !value(c, 3)) return 0;
    return r == 2;
}

/* An assistant message's content, as parse._message_text reads it: *text and *n the raw
 * bytes of its text when there is one (a string content; in a list, the one part with a
 * "text" string), *text NULL when there is none; two parts with texts (joined there) give up. */
static int assistant_content(Cur *c, const unsigned char **text, Py_ssize_t *n) {
    ws(c);
    *text = NULL;
    *n = 0;
    if (c->p < c->end && *c->p == '"') return string(c, text, n, NULL);
    if (c->p >= c->end || *c->p != '[') return value(c, 3);   /* no text: "" */
    c->p++;
    int texts = 0;
    ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        return 1;
    }
    for (;;) {
        ws(c);
        if (c->p < c->end && *c->p == '{') {
            c->p++;
            int first = 1, r, seen = 0;
            const unsigned char *key;
            Py_ssize_t klen;
            while ((r = member(c, &first, &key, &klen)) == 1) {
                if (key_is(key, klen, "text")) {
                    if (seen++) return 0;
                    ws(c);
                    if (c->p < c->end && *c->p == '"') {
                        if (++texts > 1 || !string(c, text, n, NULL)) return 0;
                    } else if (!value(c, 4)) {
                        return 0;
                    }
                } else if (!value(c, 4)) {
                    return 0;
                }
            }
            if (r != 2) return 0;
        } else if (!value(c, 3)) {
            return 0;
        }
        int r = after_element(c);
        if (r != 1) return r == 2;
    }
}

/* schema.ResponseItem's fields, in the order the item readers' switches number them. */
#define ITEM_KEYS 9
static const char *ITEM_KEY_NAMES[ITEM_KEYS] = {"type", "role", "content", "name", "call_id", "id",
                                                "action", "arguments", "output"};

/* The index of a response item's key in ITEM_KEY_NAMES, or ITEM_KEYS for any other key. */
static int item_key(const unsigned char *key, Py_ssize_t klen) {
    int i;
    for (i = 0; i < ITEM_KEYS; i++)
        if (key_is(key, klen, ITEM_KEY_NAMES[i])) break;
    return i;
}

/* null or an object (schema.ResponseItem.action: dict | None). */
static int null_or_object(Cur *c) {
    ws(c);
    return lit(c, "null") || (c->p < c->end && *c->p == '{' && value(c, 2));
}

/* The payload of a message: schema.ResponseItem's types are checked, the role is `role`. A
 * user message gives its kind of text in *kind and a prompt's text (user_content), an
 * assistant message its text (assistant_content). */
static int message_payload(Cur *cp, const char *role, int *kind, const unsigned char **text,
                           Py_ssize_t *text_len) {
    Cur c = *cp;
    int first = 1, r, seen[ITEM_KEYS] = {0};
    const unsigned char *key;
    Py_ssize_t klen;
    int assistant = strcmp(role, "assistant") == 0;
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        int i = item_key(key, klen);
        if (i < ITEM_KEYS && seen[i]++) return 0;
        int ok;
        switch (i) {
        case 0: ok = type_is(&c, "message"); break;
        case 1: ok = type_is(&c, role); break;
        case 2: ok = assistant ? assistant_content(&c, text, text_len) : user_content(&c, kind, text, text_len);
            break;
        case 3: case 4: case 5: ok = any_text(&c); break;
        case 6: ok = null_or_object(&c); break;
        default: ok = value(&c, 2);   /* arguments, output and anything unread */
        }
        if (!ok) return 0;
    }
    if (r != 2 || !seen[0] || !seen[1] || !(seen[2] || assistant)) return 0;
    cp->p = c.p;
    return 1;
}

/* ---- shell calls: function_call items of a shell tool (commands.command_text) ------------- */

#define MAX_TOOLS 16
static char shell_tools[MAX_TOOLS][32];    /* commands.SHELL_TOOLS, from setup() */
static int shell_tool_count = 0;

/* A JSON string's raw bytes unescaped into out (at least n bytes): 0 for a \u escape (given
 * up on: the parser's way reads it). */
static int unescape(const unsigned char *s, Py_ssize_t n, unsigned char *out, Py_ssize_t *m) {
    Py_ssize_t j = 0;
#if defined(__SSE2__)
    const __m128i slash = _mm_set1_epi8('\\');
#endif
    for (Py_ssize_t i = 0; i < n; i++) {
        /* the run up to the next backslash, copied as it is scanned: 16 bytes at a time where
         * SSE2 is there (a store ends at most where the load did, j <= i: inside out[0:n]),
         * as runs between escapes are short (a line of output) and a memchr and a memcpy
         * for each cost more than the copy */
#if defined(__SSE2__)
        while (n - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            _mm_storeu_si128((__m128i *)(out + j), v);
            int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, slash));
            if (mask) {
                int k = __builtin_ctz((unsigned)mask);
                i += k;
                j += k;
                break;
            }
            i += 16;
            j += 16;
        }
#endif
        while (i < n && s[i] != '\\') out[j++] = s[i++];
        if (i >= n) break;
        if (++i >= n) return 0;
        switch (s[i]) {
        case '"': out[j++] = '"'; break;
        case '\\': out[j++] = '\\'; break;
        case '/': out[j++] = '/'; break;
        case 'b': out[j++] = '\b'; break;
        case 'f': out[j++] = '\f'; break;
        case 'n': out[j++] = '\n'; break;
        case 'r': out[j++] = '\r'; break;
        case 't': out[j++] = '\t'; break;
        default: return 0;
        }
    }
    *m = j;
    return 1;
}

/* A JSON string's raw bytes (raw, n) unescaped into `small` (`size` bytes) or, when they do
 * not fit, into a buffer made here (*heap, for PyMem_Free; NULL when none was made): 1 with
 * the bytes in *out and *m, 0 to give up (a \\u escape), -1 on a memory error (set). */
static int unescaped(const unsigned char *raw, Py_ssize_t n, unsigned char *small, size_t size,
                     unsigned char **heap, const unsigned char **out, Py_ssize_t *m) {
    unsigned char *buf = small;
    *heap = NULL;
    if ((size_t)n > size && !(buf = *heap = PyMem_Malloc((size_t)n))) {
        PyErr_NoMemory();
        return -1;
    }
    if (!unescape(raw, n, buf, m)) return 0;
    *out = buf;
    return 1;
}

/* ---- building marks: what Py_BuildValue's "(ss#...)" gave, without parsing a format string
 * and measuring its "s" strings for every mark (2.5% of a parse's instructions). Each maker
 * returns NULL at once when an earlier one failed (a C call's arguments are all evaluated),
 * so the first error stays the one set. */

/* A str of the UTF-8 bytes p[0:n], as "s#" makes it (NULL with a UnicodeDecodeError). */
static PyObject *str_of(const unsigned char *p, Py_ssize_t n) {
    if (PyErr_Occurred()) return NULL;
    return PyUnicode_DecodeUTF8(n ? (const char *)p : "", n, NULL);
}

/* str_of, or None where p is NULL ("z#"). */
static PyObject *str_or_none(const unsigned char *p, Py_ssize_t n) {
    if (p || PyErr_Occurred()) return p ? str_of(p, n) : NULL;
    Py_RETURN_NONE;
}

/* A new reference to `o` ("O"). */
static PyObject *ref(PyObject *o) {
    if (PyErr_Occurred()) return NULL;
    Py_INCREF(o);
    return o;
}

/* The one-letter kind of a mark ("c", "o", "p", ...), made once. */
static PyObject *letter(char c) {
    static PyObject *made[128];
    if (PyErr_Occurred()) return NULL;
    unsigned char k = (unsigned char)c & 127;
    if (!made[k]) {
        char text[2] = {c, 0};
        made[k] = PyUnicode_InternFromString(text);
        if (!made[k]) return NULL;
    }
    Py_INCREF(made[k]);
    return made[k];
}

/* An int ("n", "L"). */
static PyObject *int_of(long long v) {
    if (PyErr_Occurred()) return NULL;
    return PyLong_FromLongLong(v);
}

/* A tuple of the n items given (at most 9), each a new reference it takes; NULL (every item
 * released) when one of them is NULL. */
static PyObject *tuple_of(int n, ...) {
    PyObject *items[9], *tuple = NULL;
    int missing = 0;
    va_list args;
    va_start(args, n);
    for (int i = 0; i < n; i++) {
        items[i] = va_arg(args, PyObject *);
        missing |= items[i] == NULL;
    }
    va_end(args);
    if (!missing) tuple = PyTuple_New(n);
    for (int i = 0; i < n; i++) {
        if (tuple) PyTuple_SET_ITEM(tuple, i, items[i]);
        else Py_XDECREF(items[i]);
    }
    return tuple;
}

/* A mark just built, or NULL with an error set. A UnicodeDecodeError is out of reach (the
 * walker read the line's UTF-8): it is cleared and the line left to the parser (*gave_up
 * stays 1); any other error stands, and *gave_up is 0 either way it ends. */
static PyObject *mark_made(PyObject *mark, int *gave_up) {
    if (mark || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) *gave_up = 0;
    else PyErr_Clear();
    return mark;
}

typedef struct {
    const unsigned char *name, *call_id, *id, *args;
    Py_ssize_t name_len, call_id_len, id_len, args_len;
    int args_plain;
} Call;

/* The payload of a function_call item (schema.ResponseItem's types checked): a shell tool's
 * name, a string of arguments, and the ids, all as raw bytes (ids and name without escapes). */
static int call_payload(Cur *cp, Call *call) {
    Cur c = *cp;
    int first = 1, r, seen[ITEM_KEYS] = {0};
    const unsigned char *key;
    Py_ssize_t klen;
    memset(call, 0, sizeof *call);
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        int i = item_key(key, klen), is_null, ok;
        if (i < ITEM_KEYS && seen[i]++) return 0;
        switch (i) {
        case 0: ok = type_is(&c, "function_call"); break;
        case 1: ok = any_text(&c); break;
        case 3: ok = text(&c, &call->name, &call->name_len, &is_null) && !is_null; break;
        case 4: ok = text(&c, &call->call_id, &call->call_id_len, &is_null); break;
        case 5: ok = text(&c, &call->id, &call->id_len, &is_null); break;
        case 6: ok = null_or_object(&c); break;
        case 7:
            ws(&c);
            ok = string(&c, &call->args, &call->args_len, &call->args_plain);
            break;
        default: ok = value(&c, 2);   /* content, output and anything unread */
        }
        if (!ok) return 0;
    }
    if (r != 2 || !seen[0] || !seen[3] || !seen[7]) return 0;
    cp->p = c.p;
    for (int t = 0; t < shell_tool_count; t++)
        if (key_is(call->name, call->name_len, shell_tools[t])) return 1;
    return 0;   /* not a shell tool: the parser counts it */
}

static int read_call(Cur *c, void *call) { return call_payload(c, (Call *)call); }

/* commands.command_text's result for arguments (their unescaped JSON text): `cmd`, else
 * `command`, a string or a [sh, -lc, script] list, as *text (raw bytes of a JSON string, with
 * *plain 1 when they hold no escape). 0 to give up (any other shape, or no command). */
static int command_of(const unsigned char *json, Py_ssize_t n, const unsigned char **text,
                      Py_ssize_t *text_len) {
    Cur c = {json, json + n};
    int first = 1, r, seen_cmd = 0, seen_command = 0, plain;
    const unsigned char *key, *cmd = NULL, *command = NULL;
    Py_ssize_t klen, cmd_len = 0, command_len = 0;
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        int is_cmd = key_is(key, klen, "cmd");
        if (is_cmd || key_is(key, klen, "command")) {
            if (is_cmd ? seen_cmd++ : seen_command++) return 0;
            ws(&c);
            const unsigned char *s;
            Py_ssize_t m;
            if (c.p < c.end && *c.p == '"') {
                if (!string(&c, &s, &m, &plain) || !plain) return 0;
            } else if (c.p < c.end && *c.p == '[') {   /* ["bash", "-lc", "script"] */
                const unsigned char *shell, *flag;
                Py_ssize_t shell_len, flag_len;
                c.p++;
                ws(&c);
                if (!string(&c, &shell, &shell_len, &plain) || !plain) return 0;
                ws(&c);
                if (!lit(&c, ",")) return 0;
                ws(&c);
                if (!string(&c, &flag, &flag_len, &plain) || !plain) return 0;
                ws(&c);
                if (!lit(&c, ",")) return 0;
                ws(&c);
                if (!string(&c, &s, &m, &plain) || !plain) return 0;
                ws(&c);
                if (!lit(&c, "]")) return 0;
                if (!key_is(flag, flag_len, "-lc") && !key_is(flag, flag_len, "-c")) return 0;
                const unsigned char *base = shell;
                for (Py_ssize_t k = 0; k < shell_len; k++)
                    if (shell[k] == '/') base = shell + k + 1;
                Py_ssize_t base_len = shell + shell_len - base;
                if (!key_is(base, base_len, "bash") && !key_is(base, base_len, "sh") &&
                    !key_is(base, base_len, "zsh"))
                    return 0;
            } else {
                return 0;
            }
            if (is_cmd) { cmd = s; cmd_len = m; } else { command = s; command_len = m; }
        } else if (!value(&c, 1)) {
            return 0;
        }
    }
    if (r != 2 || !at_end(&c)) return 0;
    if (seen_cmd) { *text = cmd; *text_len = cmd_len; }
    else if (seen_command) { *text = command; *text_len = command_len; }
    else return 0;
    return 1;
}

/* The mark of a shell call: ("c", timestamp, name, call_id or None, id or None, command). */
static PyObject *call_mark(const unsigned char *line, Py_ssize_t len, int *gave_up) {
    const unsigned char *ts, *cmd, *json;
    Py_ssize_t ts_len, cmd_len, json_len;
    Call call;
    *gave_up = 1;
    if (!envelope(line, len, "response_item", read_call, &call, &ts, &ts_len)) return NULL;
    unsigned char small[2048], *heap = NULL;
    json = call.args;
    json_len = call.args_len;
    if (!call.args_plain) {
        int got = unescaped(call.args, call.args_len, small, sizeof small, &heap, &json, &json_len);
        if (got <= 0) {
            if (got < 0) *gave_up = 0;
            PyMem_Free(heap);
            return NULL;
        }
    }
    PyObject *mark = NULL;
    if (command_of(json, json_len, &cmd, &cmd_len))
        mark = mark_made(tuple_of(6, letter('c'), str_of(ts, ts_len),
                                 str_of(call.name, call.name_len),
                                 str_or_none(call.call_id, call.call_id_len),
                                 str_or_none(call.id, call.id_len), str_of(cmd, cmd_len)), gave_up);
    PyMem_Free(heap);
    return mark;
}

/* The mark of a prompt or an answer: (what, timestamp, text), its text unescaped, or None for
 * no text (NULL raw); NULL with *gave_up for a \\u escape (the parser's way reads it). */
static PyObject *text_mark(char what, const unsigned char *ts, Py_ssize_t ts_len,
                           const unsigned char *raw, Py_ssize_t n, int *gave_up) {
    *gave_up = 0;
    if (!raw) return tuple_of(3, letter(what), str_of(ts, ts_len), ref(Py_None));
    unsigned char small[2048], *heap;
    const unsigned char *text;
    Py_ssize_t m;
    *gave_up = 1;
    int got = unescaped(raw, n, small, sizeof small, &heap, &text, &m);
    PyObject *mark = NULL;
    if (got < 0) *gave_up = 0;
    else if (got) mark = mark_made(tuple_of(3, letter(what), str_of(ts, ts_len), str_of(text, m)),
                                   gave_up);
    PyMem_Free(heap);
    return mark;
}

/* ---- command results: function_call_output items (parse.on_response_item) ---------------- */

/* The payload of a function_call_output item (schema.ResponseItem's types checked): its
 * call_id (a string without escapes) and its output, a JSON string, as raw bytes. */
static int output_payload(Cur *cp, const unsigned char **call_id, Py_ssize_t *call_id_len,
                          const unsigned char **out, Py_ssize_t *out_len, int *out_plain) {
    Cur c = *cp;
    int first = 1, r, seen[ITEM_KEYS] = {0};
    const unsigned char *key;
    Py_ssize_t klen;
    if (!open_object(&c)) return 0;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        int i = item_key(key, klen), is_null, ok;
        if (i < ITEM_KEYS && seen[i]++) return 0;
        switch (i) {
        case 0: ok = type_is(&c, "function_call_output"); break;
        case 1: case 3: case 5: ok = any_text(&c); break;
        case 4: ok = text(&c, call_id, call_id_len, &is_null) && !is_null; break;
        case 6: ok = null_or_object(&c); break;
        case 8:
            ws(&c);
            ok = string(&c, out, out_len, out_plain);
            break;
        default: ok = value(&c, 2);   /* content, arguments and anything unread */
        }
        if (!ok) return 0;
    }
    if (r != 2 || !seen[0] || !seen[4] || !seen[8]) return 0;
    cp->p = c.p;
    return 1;
}

typedef struct {
    const unsigned char **call_id, **out;
    Py_ssize_t *call_id_len, *out_len;
    int *out_plain;
} OutputRead;

static int read_output(Cur *c, void *x) {
    OutputRead *o = x;
    return output_payload(c, o->call_id, o->call_id_len, o->out, o->out_len, o->out_plain);
}

/* An integer literal of at most 18 digits (orjson reads it as an int; longer ones it may
 * refuse) as *v, with *is_int; a decimal without exponent (a float) as *d, *is_int 0. */
static int plain_number(Cur *c, long long *v, double *d, int *is_int) {
    ws(c);
    const unsigned char *start = c->p;
    if (!number(c)) return 0;
    Py_ssize_t n = c->p - start;
    char buf[JSON_MAX_NUMBER + 2];
    memcpy(buf, start, (size_t)n);
    buf[n] = 0;
    *is_int = memchr(buf, '.', (size_t)n) == NULL;
    if (*is_int) {
        if (n - (buf[0] == '-') > 18) return 0;
        *v = strtoll(buf, NULL, 10);
        *d = (double)*v;   /* float(int): -0 is 0.0 */
    } else {
        *d = strtod(buf, NULL);
    }
    return 1;
}

/* The metadata of a JSON output: exit_code (commands._maybe_int: an int in range, else None)
 * and duration_seconds (commands._maybe_float of an int or a float). *has_* 0 for None. Gives
 * up on any other type of either (a string, a bool, a float exit code: the parser's way). */
static int output_metadata(Cur *c, long long *exit_code, int *has_exit, double *duration,
                           int *has_duration) {
    int first = 1, r, seen_exit = 0, seen_duration = 0, is_int;
    const unsigned char *key;
    Py_ssize_t klen;
    long long v;
    double d;
    *has_exit = *has_duration = 0;
    ws(c);
    if (c->p >= c->end || *c->p != '{') return value(c, 2);   /* not an object: as {} */
    c->p++;
    while ((r = member(c, &first, &key, &klen)) == 1) {
        int is_exit = key_is(key, klen, "exit_code");
        if (is_exit || key_is(key, klen, "duration_seconds")) {
            if (is_exit ? seen_exit++ : seen_duration++) return 0;
            ws(c);
            if (lit(c, "null")) continue;
            if (!plain_number(c, &v, &d, &is_int)) return 0;
            if (is_exit) {
                if (!is_int) return 0;
                *has_exit = v >= -2147483648LL && v <= 4294967296LL;
                *exit_code = v;
            } else {
                *has_duration = 1;
                *duration = d;
            }
        } else if (!value(c, 2)) {
            return 0;
        }
    }
    return r == 2;
}

/* commands.parse_output's reading of an output that is JSON text (0.5x releases):
 * {"output": str or null, "metadata": {...}} and nothing else after it, read from the output
 * string unescaped (json, n). *text and *text_len: the output's raw bytes, *plain 1 when they
 * hold no escape. 0 to give up: the mark then carries the whole output for parse_output. */
static int output_json(const unsigned char *json, Py_ssize_t n, const unsigned char **text,
                       Py_ssize_t *text_len, int *plain, long long *exit_code, int *has_exit,
                       double *duration, int *has_duration) {
    Cur c = {json, json + n};
    int first = 1, r, seen_output = 0, seen_meta = 0;
    const unsigned char *key;
    Py_ssize_t klen;
    *has_exit = *has_duration = 0;
    *text = NULL;
    *text_len = 0;
    *plain = 1;
    if (n == 0 || json[0] != '{') return 0;   /* raw.startswith("{") */
    c.p++;
    while ((r = member(&c, &first, &key, &klen)) == 1) {
        if (key_is(key, klen, "output")) {
            if (seen_output++) return 0;
            ws(&c);
            if (lit(&c, "null")) continue;   /* str(None or "") */
            if (!string(&c, text, text_len, plain)) return 0;
        } else if (key_is(key, klen, "metadata")) {
            if (seen_meta++ || !output_metadata(&c, exit_code, has_exit, duration, has_duration))
                return 0;
        } else if (!value(&c, 1)) {
            return 0;
        }
    }
    return r == 2 && seen_output && at_end(&c);
}

/* ---- what a result's text shows: commands.output_flags, from commands.OUTPUT_MARKS ------ */

#define MAX_GROUPS 4
#define MAX_LITS 8
#define MAX_LIT 48

typedef struct {
    unsigned char text[MAX_LIT];
    Py_ssize_t len;
} Lit;

typedef struct {
    long bit;
    int head, keys, marks;      /* head: looked for in the text's first head_chars characters */
    Lit key[MAX_LITS], mark[MAX_LITS];
} Group;

static Group groups[MAX_GROUPS];
static int group_count = -1;    /* -1: setup_marks() not called; the marks then carry None */
static Py_ssize_t head_chars;

static int lits(PyObject *seq, Lit *out, int *count) {
    PyObject *items = PySequence_Fast(seq, "marks and keys are sequences of str");
    if (!items) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    *count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        Py_ssize_t len;
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &len) : NULL;
        if (!s || len == 0 || len >= MAX_LIT || i >= MAX_LITS) {
            Py_DECREF(items);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a mark is empty, too long or one too many");
            return -1;
        }
        memcpy(out[i].text, s, (size_t)len);
        out[i].len = len;
        (*count)++;
    }
    Py_DECREF(items);
    return 0;
}

static PyObject *setup_marks(PyObject *self, PyObject *args) {
    PyObject *table, *items;
    Py_ssize_t head;
    if (!PyArg_ParseTuple(args, "On", &table, &head)) return NULL;
    if (!(items = PySequence_Fast(table, "setup_marks() takes (bit, keys, marks, head) tuples")))
        return NULL;
    group_count = -1;
    int ok = PySequence_Fast_GET_SIZE(items) <= MAX_GROUPS && head >= 0;
    for (Py_ssize_t i = 0; ok && i < PySequence_Fast_GET_SIZE(items); i++) {
        Group *g = &groups[i];
        PyObject *keys, *marks;
        int in_head;
        ok = PyArg_ParseTuple(PySequence_Fast_GET_ITEM(items, i), "lOOp", &g->bit, &keys, &marks,
                              &in_head) && lits(keys, g->key, &g->keys) == 0
             && lits(marks, g->mark, &g->marks) == 0;
        g->head = in_head;
    }
    if (ok) {
        group_count = (int)PySequence_Fast_GET_SIZE(items);
        head_chars = head;
    } else if (!PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "too many groups of marks, or a negative head");
    }
    Py_DECREF(items);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static int holds(const unsigned char *h, Py_ssize_t n, const Lit *lit) {
    return n >= lit->len && memmem(h, (size_t)n, lit->text, (size_t)lit->len) != NULL;
}

/* commands.output_flags of a text, from its UTF-8 bytes (valid: the walker read them): a
 * str holds a str where its UTF-8 holds that one's UTF-8. Each group as _any_of tests it:
 * its marks are looked for once one of its keys is there. None before setup_marks(). */
static PyObject *output_flags(const unsigned char *text, Py_ssize_t n) {
    if (PyErr_Occurred()) return NULL;
    if (group_count < 0) Py_RETURN_NONE;
    Py_ssize_t head = n;
    if (n > head_chars) {   /* the bytes of its first head_chars characters */
        Py_ssize_t chars = 0, i;
        for (i = 0; i < n; i++)
            if ((text[i] & 0xC0) != 0x80 && chars++ == head_chars) break;
        head = i;
    }
    long flags = 0;
    for (int g = 0; g < group_count; g++) {
        const Group *group = &groups[g];
        Py_ssize_t len = group->head ? head : n;
        for (int k = 0; k < group->keys; k++) {
            if (!holds(text, len, &group->key[k])) continue;
            for (int m = 0; m < group->marks; m++)
                if (holds(text, len, &group->mark[m])) {
                    flags |= group->bit;
                    break;
                }
            break;
        }
    }
    return PyLong_FromLong(flags);
}

/* The mark of a command's result, one of
 *   ("o", timestamp, weak call_id or None, call_id, None, exit code, duration, text, flags)
 *   ("o", timestamp, weak call_id or None, call_id, output)   (for parse_output to read)
 * where the weak call_id is the one the weak-output test reads in the line's head and flags
 * commands.output_flags(text) (output_flags above). */
static PyObject *output_mark(const unsigned char *line, Py_ssize_t len, int *gave_up) {
    const unsigned char *ts, *cid, *raw, *out, *text;
    Py_ssize_t ts_len, cid_len = 0, raw_len = 0, m, text_len;
    int raw_plain, text_plain, has_exit, has_duration, got = 1;
    long long exit_code = 0;
    double duration = 0;
    PyObject *weak, *mark = NULL;
    *gave_up = 1;
    OutputRead read = {&cid, &raw, &cid_len, &raw_len, &raw_plain};
    if (!envelope(line, len, "response_item", read_output, &read, &ts, &ts_len)) return NULL;
    unsigned char small[4096], *heap = NULL, *inner = NULL;
    out = raw;
    m = raw_len;
    if (!raw_plain && (got = unescaped(raw, raw_len, small, sizeof small, &heap, &out, &m)) <= 0) {
        if (got < 0) *gave_up = 0;
        PyMem_Free(heap);
        return NULL;
    }
    if (!(weak = weak_call_id((const char *)line, len))) {
        *gave_up = 0;
        PyMem_Free(heap);
        return NULL;
    }
    int json_read = output_json(out, m, &text, &text_len, &text_plain, &exit_code, &has_exit,
                                &duration, &has_duration);
    if (json_read && !text_plain)   /* into a buffer of its own; 0 for a \\u escape */
        got = unescaped(text, text_len, NULL, 0, &inner, &text, &text_len);
    if (got < 0) {
        *gave_up = 0;
    } else if (json_read && got) {
        PyObject *code = has_exit ? PyLong_FromLongLong(exit_code) : (Py_INCREF(Py_None), Py_None);
        PyObject *secs = has_duration ? PyFloat_FromDouble(duration) : (Py_INCREF(Py_None), Py_None);
        if (code && secs)
            mark = mark_made(tuple_of(9, letter('o'), str_of(ts, ts_len), ref(weak),
                                      str_of(cid, cid_len), ref(Py_None), ref(code), ref(secs),
                                      str_of(text, text_len), output_flags(text, text_len)),
                             gave_up);
        else
            *gave_up = 0;
        Py_XDECREF(code);
        Py_XDECREF(secs);
    } else {   /* the whole output, for parse_output */
        mark = mark_made(tuple_of(5, letter('o'), str_of(ts, ts_len), ref(weak),
                                  str_of(cid, cid_len), str_of(out, m)), gave_up);
    }
    Py_DECREF(weak);
    PyMem_Free(inner);
    PyMem_Free(heap);
    return mark;
}

static PyObject *setup(PyObject *self, PyObject *tools) {
    PyObject *items = PySequence_Fast(tools, "setup() takes the shell tools' names");
    if (!items) return NULL;
    shell_tool_count = 0;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items) && i < MAX_TOOLS; i++) {
        Py_ssize_t n;
        const char *name = PyUnicode_Check(PySequence_Fast_GET_ITEM(items, i))
            ? PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(items, i), &n) : NULL;
        if (!name || n >= 32) {
            Py_DECREF(items);
            shell_tool_count = 0;
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a tool name is too long");
            return NULL;
        }
        memcpy(shell_tools[shell_tool_count], name, (size_t)n + 1);
        shell_tool_count++;
    }
    Py_DECREF(items);
    Py_RETURN_NONE;
}

/* The running token totals of one slice's token_count lines (RolloutParser._set_total). */
typedef struct {
    int has_prev, moved, events, has_last;
    long long prev[5], sum[5], last[5];
} Tokens;

static void set_total(Tokens *a, const long long *total, const long long *last) {
    if (total[4] == 0 && total[0] == 0 && last[4] == 0) return;
    long long prev[5];
    int had = a->has_prev;
    memcpy(prev, a->prev, sizeof prev);
    memcpy(a->prev, total, sizeof a->prev);
    a->has_prev = a->moved = 1;
    if (had && memcmp(prev, total, sizeof prev) == 0) return;   /* the same event again */
    long long step[5];
    if (last[4] || last[0]) {
        memcpy(step, last, sizeof step);
    } else {
        int negative = 0;
        for (int i = 0; i < 5; i++) {
            step[i] = had ? total[i] - prev[i] : total[i];
            negative |= step[i] < 0;
        }
        if (negative) memcpy(step, total, sizeof step);   /* the running total restarted */
    }
    for (int i = 0; i < 5; i++) a->sum[i] += step[i];
    memcpy(a->last, last, sizeof a->last);
    a->has_last = 1;
}

/* A mark: a line the scanner read itself, put back among the elements for the parser. */
typedef struct {
    Py_ssize_t before, line;
    const unsigned char *ts;
    Py_ssize_t ts_len;
    long long window;
} Mark;

static PyObject *five(const long long *v) {
    return Py_BuildValue("(LLLLL)", v[0], v[1], v[2], v[3], v[4]);
}

/* loose.append((before, line, what)), taking `what` (NULL: an error is set); -1 on error. */
static int place(PyObject *loose, Py_ssize_t before, Py_ssize_t line, PyObject *what) {
    PyObject *item = what ? tuple_of(3, int_of(before), int_of(line), what) : NULL;
    int failed = !item || PyList_Append(loose, item) < 0;
    Py_XDECREF(item);
    return failed ? -1 : 0;
}

/* (before, line, ("s", ts)) or (before, line, ("w", window)) put into loose in its place:
 * after every entry of a lower or equal (before, line), as a stable sort would put it. The
 * entries before it are in the order of lines, and `before` grows with the line. */
static int put_mark(PyObject *loose, const Mark *m, int window) {
    PyObject *what = window ? tuple_of(2, letter('w'), int_of(m->window))
                            : tuple_of(2, letter('s'), str_of(m->ts, m->ts_len));
    PyObject *item = what ? tuple_of(3, int_of(m->before), int_of(m->line), what) : NULL;
    if (!item) return -1;
    Py_ssize_t lo = 0, hi = PyList_GET_SIZE(loose);
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        PyObject *entry = PyList_GET_ITEM(loose, mid);
        Py_ssize_t before = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, 0));
        Py_ssize_t line = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, 1));
        if (before < m->before || (before == m->before && line <= m->line)) lo = mid + 1;
        else hi = mid;
    }
    int failed = PyList_Insert(loose, lo, item) < 0;
    Py_DECREF(item);
    return failed ? -1 : 0;
}

/* 1 when line is one JSON object and nothing else but JSON whitespace, its brackets balanced
 * outside strings, no control byte in a string and valid UTF-8 in them (bytes outside strings
 * are ASCII). Inside those bounds msgspec reads it as exactly one array element in the batch;
 * whether it is valid JSON otherwise is msgspec's to say. 0 otherwise (read the Python way). */
static int one_object(const unsigned char *p, Py_ssize_t len) {
    const unsigned char *end = p + len;
    while (p < end && is_space(*p)) p++;
    if (p == end || *p != '{') return 0;
    long depth = 0;
    while (p < end) {
        unsigned char c = *p;
        if (c == '"') {
            p++;
            for (;;) {
                p = plain_run(p, end);
                if (p >= end) return 0;
                c = *p;
                if (c == '"') { p++; break; }
                if (c == '\\') {
                    if (p + 1 >= end || p[1] < 0x20 || p[1] >= 0x80) return 0;
                    p += 2;
                } else if (c < 0x20) {
                    return 0;
                } else if (c >= 0x80) {
                    int n = utf8_length(p, end);
                    if (!n) return 0;
                    p += n;
                } else {
                    p++;
                }
            }
            continue;
        }
        if (c >= 0x80 || c < 0x20) {
            if (!is_space(c)) return 0;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                p++;
                while (p < end && is_space(*p)) p++;
                return p == end;
            }
            if (depth < 0) return 0;
        }
        p++;
    }
    return 0;
}

/* bytes.strip() leaves nothing: such a line is read as nothing at all. */
static int blank(const char *line, Py_ssize_t len) {
    for (Py_ssize_t i = 0; i < len; i++) {
        char c = line[i];
        if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\x0b' || c == '\x0c'))
            return 0;
    }
    return 1;
}

typedef struct {
    const char *key;      /* into data, or into the dict's key */
    Py_ssize_t key_len;
    const char *body;     /* the last body: into data, or into the dict's value */
    Py_ssize_t body_len;
    int changed;
} Repeat;

/* Which reader a response item may go to, from the bytes at its payload type (`at`) in the
 * order Codex writes them: a message's role comes right after its type. ITEM_NONE: none of
 * them; ITEM_ANY: not that order, so the head is searched as before. Either way the reader
 * checks the whole line: this only picks which one tries. */
enum { ITEM_ANY, ITEM_NONE, ITEM_USER, ITEM_ASSISTANT, ITEM_CALL, ITEM_OUTPUT };

static int item_kind(const char *line, Py_ssize_t len, Py_ssize_t at) {
    Py_ssize_t end = len < HEAD ? len : HEAD;
    if (has(line, end, at, "message\",\"role\":\"user\"")) return ITEM_USER;
    if (has(line, end, at, "message\",\"role\":\"assistant\"")) return ITEM_ASSISTANT;
    if (has(line, end, at, "function_call\"")) return ITEM_CALL;
    if (has(line, end, at, "function_call_output\"")) return ITEM_OUTPUT;
    if (has(line, end, at, "message\"")) return ITEM_ANY;   /* its role elsewhere */
    if (at < end && line[at] != '"') return ITEM_NONE;   /* another type (a local shell call...) */
    return ITEM_ANY;
}

static int read_token(Cur *c, void *t) { return token_payload(c, (TokenLine *)t); }

typedef struct {
    const char *role;
    int *kind;
    const unsigned char **text;
    Py_ssize_t *text_len;
} MessageRead;

static int read_message(Cur *c, void *x) {
    MessageRead *m = x;
    return message_payload(c, m->role, m->kind, m->text, m->text_len);
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, stop, number;
    PyObject *last_repeat, *prev_total = Py_None;
    int live = 0;
    if (!PyArg_ParseTuple(args, "y*nnnO!|Op", &view, &start, &stop, &number, &PyDict_Type,
                          &last_repeat, &prev_total, &live))
        return NULL;
    const char *data = view.buf;
    Tokens agg;
    memset(&agg, 0, sizeof agg);
    int tokens_live = live, took_tokens = 0, marks = 0;
    Py_ssize_t last_token_line = 0;
    Mark first_mark = {-1}, last_mark = {-1}, window_mark = {-1};
    if (live && prev_total != Py_None) {   /* the parser's running total before this slice */
        if (!PyTuple_Check(prev_total) || PyTuple_GET_SIZE(prev_total) != 5) {
            tokens_live = 0;
        } else {
            for (int i = 0; i < 5; i++) {
                agg.prev[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(prev_total, i));
                if (agg.prev[i] == -1 && PyErr_Occurred()) {   /* not an int, or too big */
                    PyErr_Clear();
                    tokens_live = 0;
                }
            }
            agg.has_prev = 1;
        }
    }
    if (start < 0 || stop > view.len || start > stop) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "slice out of range");
        return NULL;
    }
    PyObject *numbers = PyList_New(0), *weak = PyList_New(0), *loose = PyList_New(0);
    PyObject *repeats = NULL, *batch = NULL, *result = NULL;
    Repeat table[MAX_KEYS];
    int keys = 0, refused = 0;
    char *out = NULL;
    Py_ssize_t used = 1, cap = (stop - start) + 2, count = 0;
    if (!numbers || !weak || !loose) goto done;
    batch = PyBytes_FromStringAndSize(NULL, cap);   /* written in place, cut to size at the end */
    if (!batch) goto done;
    out = PyBytes_AS_STRING(batch);
    out[0] = '[';

    Py_ssize_t pos = start;
    int more = 1;
    while (more) {   /* every line of data[start:stop].split(b"\n"), the last one too */
        const char *nl = memchr(data + pos, '\n', (size_t)(stop - pos));
        Py_ssize_t eol = nl ? nl - data : stop;
        const char *line = data + pos;
        Py_ssize_t len = eol - pos;
        Py_ssize_t here = number++;
        more = nl != NULL;
        pos = eol + 1;
        Py_ssize_t item;
        Py_ssize_t at = classify(line, len, &item);
        if (at == SKIP) continue;
        int token_line = at >= 0 && has(line, len, at, REPEATS[0]);
        if (at >= 0) {
            Py_ssize_t klen = len - at < 12 ? len - at : 12;
            const char *key = line + at, *body = line + at;
            Py_ssize_t blen = len - at;
            int k;
            for (k = 0; k < keys; k++)
                if (table[k].key_len == klen && memcmp(table[k].key, key, (size_t)klen) == 0) break;
            if (k == keys) {
                if (keys == MAX_KEYS) { refused = 1; break; }
                table[k].key = key;
                table[k].key_len = klen;
                table[k].body = NULL;
                table[k].body_len = -1;
                table[k].changed = 0;
                PyObject *pykey = PyBytes_FromStringAndSize(key, klen);
                if (!pykey) goto done;
                PyObject *old = PyDict_GetItemWithError(last_repeat, pykey);
                Py_DECREF(pykey);
                if (old == NULL && PyErr_Occurred()) goto done;
                if (old != NULL) {
                    if (!PyBytes_Check(old)) { refused = 1; break; }
                    table[k].body = PyBytes_AS_STRING(old);   /* the dict holds it meanwhile */
                    table[k].body_len = PyBytes_GET_SIZE(old);
                }
                keys++;
            }
            if (table[k].body_len == blen && memcmp(table[k].body, body, (size_t)blen) == 0)
                continue;   /* the same as the last of its kind: nothing new */
            table[k].body = body;
            table[k].body_len = blen;
            table[k].changed = 1;
        }
        if (blank(line, len)) continue;   /* decoded, it would be nothing: not JSON, empty */
        if (live && (token_line ? tokens_live : at == KEEP)) {
            const unsigned char *u = (const unsigned char *)line, *ts;
            Py_ssize_t ts_len;
            TokenLine t;
            int read = 0;
            if (token_line) {
                read = envelope(u, len, "event_msg", read_token, &t, &ts, &ts_len);
                if (!read) {
                    tokens_live = 0;
                } else if (t.info) {
                    agg.events = 1;
                    if (t.window) window_mark = (Mark){count, here, NULL, 0, t.window};
                    set_total(&agg, t.total, t.last);
                }
                if (read) {
                    took_tokens = 1;
                    last_token_line = here;
                }
            } else {   /* a line that may leave a mark of its own */
                PyObject *mark = NULL;
                int gave_up = 1, kind_of = item >= 0 ? item_kind(line, len, item) : ITEM_ANY;
                if (kind_of == ITEM_USER ||
                    (kind_of == ITEM_ANY && find(line, len, "\"role\":\"user\"", 0, HEAD) >= 0)) {
                    int kind = 0;
                    const unsigned char *prompt = NULL;
                    Py_ssize_t prompt_len = 0;
                    MessageRead user = {"user", &kind, &prompt, &prompt_len};
                    read = envelope(u, len, "response_item", read_message, &user, &ts, &ts_len);
                    if (read && kind == PROMPT_TEXT) {
                        read = 0;
                        mark = text_mark('p', ts, ts_len, prompt, prompt_len, &gave_up);
                    }
                } else if (kind_of == ITEM_CALL ||
                           (kind_of == ITEM_ANY && find(line, len, "\"type\":\"function_call\"", 0, HEAD) >= 0)) {
                    mark = call_mark(u, len, &gave_up);
                } else if (kind_of == ITEM_OUTPUT ||
                           (kind_of == ITEM_ANY && find(line, len, WEAK, 0, HEAD) >= 0)) {
                    mark = output_mark(u, len, &gave_up);
                } else if (kind_of == ITEM_ASSISTANT ||
                           (kind_of == ITEM_ANY && find(line, len, "\"role\":\"assistant\"", 0, HEAD) >= 0)) {
                    const unsigned char *answer = NULL;
                    Py_ssize_t answer_len = 0;
                    MessageRead assistant = {"assistant", NULL, &answer, &answer_len};
                    if (envelope(u, len, "response_item", read_message, &assistant, &ts, &ts_len))
                        mark = text_mark('a', ts, ts_len, answer, answer_len, &gave_up);
                }
                if (mark) {
                    if (place(loose, count, here, mark) < 0) goto done;
                    marks++;
                    continue;   /* its mark stands in its place */
                }
                if (!gave_up || PyErr_Occurred()) goto done;
            }
            if (read) {   /* only its time is left for the parser */
                last_mark = (Mark){count, here, ts, ts_len, 0};
                if (first_mark.before < 0) first_mark = last_mark;
                continue;
            }
        }
        /* (A line the walker took is one object: it checks all the shape check checks.) */
        if (!one_object((const unsigned char *)line, len)) {
            if (token_line) tokens_live = 0;   /* its totals must come in order: the parser's now */
            if (place(loose, count, here, PyBytes_FromStringAndSize(line, len)) < 0) goto done;
            continue;
        }
        PyObject *cid = weak_call_id(line, len);
        if (!cid) goto done;
        PyObject *num = PyLong_FromSsize_t(here);
        if (!num || PyList_Append(numbers, num) < 0 || PyList_Append(weak, cid) < 0) {
            Py_XDECREF(num);
            Py_DECREF(cid);
            goto done;
        }
        Py_DECREF(num);
        Py_DECREF(cid);
        if (count) out[used++] = ',';
        memcpy(out + used, line, (size_t)len);
        used += len;
        count++;
    }
    if (refused) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    out[used++] = ']';
    if (_PyBytes_Resize(&batch, used) < 0) goto done;   /* on failure it frees batch, sets NULL */
    repeats = PyDict_New();
    if (!batch || !repeats) goto done;
    for (int k = 0; k < keys; k++) {
        if (!table[k].changed) continue;
        PyObject *key = PyBytes_FromStringAndSize(table[k].key, table[k].key_len);
        PyObject *body = key ? PyBytes_FromStringAndSize(table[k].body, table[k].body_len) : NULL;
        int failed = !body || PyDict_SetItem(repeats, key, body) < 0;
        Py_XDECREF(key);
        Py_XDECREF(body);
        if (failed) goto done;
    }
    if (first_mark.before >= 0) {
        if (put_mark(loose, &first_mark, 0) < 0) goto done;
        marks++;
    }
    if (last_mark.before >= 0 && last_mark.line != first_mark.line) {
        if (put_mark(loose, &last_mark, 0) < 0) goto done;
        marks++;
    }
    if (window_mark.before >= 0) {
        if (put_mark(loose, &window_mark, 1) < 0) goto done;
        marks++;
    }
    PyObject *counted = Py_None;   /* (prev_total, added, last_usage, events) or None */
    Py_INCREF(counted);
    if (took_tokens) {
        Py_DECREF(counted);
        PyObject *prev = agg.moved ? five(agg.prev) : (Py_INCREF(Py_None), Py_None);
        PyObject *last = agg.has_last ? five(agg.last) : (Py_INCREF(Py_None), Py_None);
        PyObject *sum = five(agg.sum);
        counted = prev && last && sum ? Py_BuildValue("(OOOOn)", prev, sum, last,
                                                      agg.events ? Py_True : Py_False,
                                                      last_token_line) : NULL;
        Py_XDECREF(prev);
        Py_XDECREF(last);
        Py_XDECREF(sum);
        if (!counted) goto done;
    }
    PyObject *next = PyLong_FromSsize_t(number);
    PyObject *marked = next ? PyLong_FromLong(marks) : NULL;
    if (marked) result = PyTuple_Pack(8, batch, numbers, weak, loose, repeats, next, counted, marked);
    Py_XDECREF(next);
    Py_XDECREF(marked);
    Py_DECREF(counted);
done:
    Py_XDECREF(numbers);
    Py_XDECREF(weak);
    Py_XDECREF(loose);
    Py_XDECREF(batch);
    Py_XDECREF(repeats);
    PyBuffer_Release(&view);
    return result;
}

static PyObject *py_classify(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    Py_ssize_t item;
    Py_ssize_t at = classify(view.buf, view.len, &item);
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(at);
}

static PyObject *py_one_object(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    int ok = one_object(view.buf, view.len);
    PyBuffer_Release(&view);
    return PyBool_FromLong(ok);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(data, start, stop, first_number, last_repeat, prev_total=None, live=False)"},
    {"setup", setup, METH_O, "setup(shell_tools): commands.SHELL_TOOLS, for the shell calls' marks"},
    {"setup_marks", setup_marks, METH_VARARGS,
     "setup_marks(groups, head_chars): commands.OUTPUT_MARKS and HEAD_CHARS, for output_flags"},
    {"classify", py_classify, METH_O, "prefilter.classify, compiled (for the tests)"},
    {"one_object", py_one_object, METH_O, "the shape check (for the tests)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linescan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__linescan(void) { return PyModule_Create(&module); }
