/* The index's per-file line scanner: the compiled twin of RolloutParser._lines_lean's loop.
 *
 * scan(data, start, stop, last_repeat) looks at the lines of data[start:stop] (each ends in
 * a newline, the last one may not) and does, in one call, what the Python loop does for each
 * line before decoding it:
 *   - the prefilter (prefilter.classify, the same rules byte for byte);
 *   - the repeat check (a token_count or turn_context line equal to the previous one of its
 *     kind after the timestamp), against `last_repeat`, which it reads but never changes;
 *   - the weak-output test's call_id (parse._CALL_ID_RE on a function_call_output head);
 *   - a shape check: the line is one JSON object, alone, with valid UTF-8 in its strings.
 * Lines that pass are joined into one JSON array, to be decoded with one msgspec call.
 *
 * It returns (batch, numbers, weak, loose, repeats, next number):
 *   batch    b"[line,line,...]"
 *   numbers  the line number of each element of batch
 *   weak     per element: None, or the call_id (str) of a weak output (None if not UTF-8)
 *   loose    [(element index it comes before, line number, line bytes)]: lines the shape
 *            check refused, to be read one by one the Python way (bad lines end up there)
 *   repeats  {key: body}: the new last_repeat entries, to apply once the batch is read
 * or None when it cannot take this slice (the caller then uses the Python loop).
 * Refusing a line (loose) or a slice (None) is always safe: the Python way is the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
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

/* bytes.find(sub, start, end) on line[0:len]: -1 when absent. */
static Py_ssize_t find(const char *line, Py_ssize_t len, const char *sub, Py_ssize_t start,
                       Py_ssize_t end) {
    Py_ssize_t n = (Py_ssize_t)strlen(sub);
    if (end > len) end = len;
    if (start < 0) start = 0;
    if (end - start < n) return -1;
    const char *hit = memmem(line + start, (size_t)(end - start), sub, (size_t)n);
    return hit ? hit - line : -1;
}

/* line[at:end].startswith(lit) */
static int has(const char *line, Py_ssize_t end, Py_ssize_t at, const char *lit) {
    Py_ssize_t n = (Py_ssize_t)strlen(lit);
    return at >= 0 && at + n <= end && memcmp(line + at, lit, (size_t)n) == 0;
}

/* prefilter.classify: SKIP, KEEP, or the offset a repeatable line's comparable bytes start. */
static Py_ssize_t classify(const char *line, Py_ssize_t len) {
    Py_ssize_t end = len < HEAD ? len : HEAD;
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
        return find(line, len, DEVELOPER, 0, HEAD) >= 0 ? SKIP : KEEP;
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

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, stop, number;
    PyObject *last_repeat;
    if (!PyArg_ParseTuple(args, "y*nnnO!", &view, &start, &stop, &number, &PyDict_Type,
                          &last_repeat))
        return NULL;
    const char *data = view.buf;
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
        Py_ssize_t at = classify(line, len);
        if (at == SKIP) continue;
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
        if (!one_object((const unsigned char *)line, len)) {
            PyObject *item = Py_BuildValue("(nny#)", count, here, line, len);
            if (!item || PyList_Append(loose, item) < 0) { Py_XDECREF(item); goto done; }
            Py_DECREF(item);
            continue;
        }
        PyObject *cid = NULL;
        Py_ssize_t from, to;
        if (find(line, len, WEAK, 0, HEAD) >= 0 && call_id(line, len, &from, &to)) {
            cid = PyUnicode_DecodeUTF8(line + from, to - from, "strict");
            /* not UTF-8 (out of reach: the shape check refused the line): no call has it */
            if (!cid && !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) goto done;
            PyErr_Clear();
        }
        if (!cid) {
            cid = Py_None;
            Py_INCREF(cid);
        }
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
    PyObject *next = PyLong_FromSsize_t(number);
    if (next) result = PyTuple_Pack(6, batch, numbers, weak, loose, repeats, next);
    Py_XDECREF(next);
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
    Py_ssize_t at = classify(view.buf, view.len);
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
    {"scan", scan, METH_VARARGS, "scan(data, start, stop, first_number, last_repeat)"},
    {"classify", py_classify, METH_O, "prefilter.classify, compiled (for the tests)"},
    {"one_object", py_one_object, METH_O, "the shape check (for the tests)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linescan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__linescan(void) { return PyModule_Create(&module); }
