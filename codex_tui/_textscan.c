/* redact()'s first test, compiled: whether a text holds any of the strings a secret's match
 * must contain (redact._PATTERNS' needles, some compared lower-cased). Most texts hold none,
 * and then redact() returns them as they are; this is its cost for nearly every prompt,
 * command and output excerpt the index reads (two regex searches took ~1.3 us a text).
 *
 *   setup(cased, lowered)   the needles, ASCII, from redact.py (once, at import)
 *   needles_in(text) -> int which needles are in text (lowered ones in text.lower()): bit k
 *                           for the k-th needle, cased ones first; -1 when it cannot tell
 *   setup_redact(found, fallback), redact(text)   redact() with its usual case in C (below)
 *
 * With the bits, redact() runs only the patterns whose needles are there, without lower-
 * casing the text or testing each needle again (texts that hold one, such as a command
 * with `gh` or a `key` in it, cost ~9 us in those tests).
 *
 * In a text of one byte a character (Latin-1, the usual ASCII) str.lower() maps no character
 * but A-Z into ASCII, so an ASCII lower-casing finds the same; wider texts are copied first
 * (wide()). -1 only before setup().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define MAX_NEEDLES 63    /* bits of a signed 64-bit answer */
#define MAX_LEN 48

typedef struct {
    unsigned char text[MAX_LEN];
    Py_ssize_t len;
    int lowered;
} Needle;

static Needle needles[MAX_NEEDLES];
static int count = -1;                      /* -1: setup() not called yet */
static unsigned long long starts[256];      /* byte -> bit set of the needles that may start there */
/* Bit (a << 8 | b): some needle may start with the bytes a, b (every needle has two or more,
 * else `pairs_ok` is 0). Most positions of a text fail this one test, so the search skips
 * them without looking at a needle: prose is full of bytes a needle starts with (a, s, t, k). */
static unsigned char pairs[65536 / 8];
static int pairs_ok;

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int add(PyObject *seq, int lowered) {
    PyObject *items = PySequence_Fast(seq, "needles must be a sequence of str");
    if (!items) return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        Py_ssize_t n;
        const char *s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &n) : NULL;
        if (!s || n == 0 || n >= MAX_LEN || count >= MAX_NEEDLES) {
            Py_DECREF(items);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a needle is empty, too long or too many");
            return -1;
        }
        Needle *d = &needles[count];
        for (Py_ssize_t j = 0; j < n; j++) {
            unsigned char c = (unsigned char)s[j];
            if (c >= 0x80) {
                Py_DECREF(items);
                PyErr_SetString(PyExc_ValueError, "needles must be ASCII");
                return -1;
            }
            d->text[j] = lowered ? lower(c) : c;
        }
        d->len = n;
        d->lowered = lowered;
        for (int c = 0; c < 256; c++)
            if ((lowered ? lower((unsigned char)c) : (unsigned char)c) == d->text[0])
                starts[c] |= 1ULL << count;
        if (n < 2) pairs_ok = 0;
        else
            for (int a = 0; a < 256; a++) {
                if ((lowered ? lower((unsigned char)a) : (unsigned char)a) != d->text[0]) continue;
                for (int b = 0; b < 256; b++)
                    if ((lowered ? lower((unsigned char)b) : (unsigned char)b) == d->text[1])
                        pairs[(a << 8 | b) >> 3] |= (unsigned char)(1 << (b & 7));
            }
        count++;
    }
    Py_DECREF(items);
    return 0;
}

static PyObject *setup(PyObject *self, PyObject *args) {
    PyObject *cased, *lowered;
    if (!PyArg_ParseTuple(args, "OO", &cased, &lowered)) return NULL;
    count = 0;
    memset(starts, 0, sizeof starts);
    memset(pairs, 0, sizeof pairs);
    pairs_ok = 1;
    if (add(cased, 0) < 0 || add(lowered, 1) < 0) {
        count = -1;
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Whether needle d is at p; `fold`: lower-case p's bytes for a lowered needle first. */
static int at(const unsigned char *p, Py_ssize_t left, const Needle *d, int fold) {
    if (left < d->len) return 0;
    if (!d->lowered || !fold) return memcmp(p, d->text, (size_t)d->len) == 0;
    for (Py_ssize_t j = 0; j < d->len; j++)
        if (lower(p[j]) != d->text[j]) return 0;
    return 1;
}

/* The bits of the needles among `wanted` that are in p[0:n]. */
static unsigned long long search(const unsigned char *p, Py_ssize_t n, unsigned long long wanted,
                                 int fold) {
    unsigned long long found = 0;
    for (Py_ssize_t i = 0; i < n && found != wanted; i++) {
        if (pairs_ok) {   /* to the next position where a needle may start (none in the last byte) */
            while (i + 1 < n && !(pairs[(p[i] << 8 | p[i + 1]) >> 3] & (1 << (p[i + 1] & 7)))) i++;
            if (i + 1 >= n) break;
        }
        unsigned long long set = starts[p[i]] & wanted & ~found;
        while (set) {
            int k = __builtin_ctzll(set);
            if (at(p + i, n - i, &needles[k], fold)) found |= 1ULL << k;
            set &= set - 1;
        }
    }
    return found;
}

/* A text wider than Latin-1, as two byte strings the needles (all ASCII) are found in: its
 * characters with everything not ASCII as 0x80 (for the cased needles), and text.lower() so
 * (for the lowered ones). Only two characters lower-case to ASCII: U+212A (Kelvin) to "k" and
 * U+0130 to "i" and U+0307. */
static PyObject *wide(PyObject *text) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), m = 0;
    unsigned char *raw = PyMem_Malloc((size_t)(3 * n + 1));
    if (!raw) return PyErr_NoMemory();
    unsigned char *low = raw + n;
    unsigned long long cased = 0, lowered = 0;
    for (int k = 0; k < count; k++) {
        if (needles[k].lowered) lowered |= 1ULL << k;
        else cased |= 1ULL << k;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        raw[i] = c < 0x80 ? (unsigned char)c : 0x80;
        if (c < 0x80) low[m++] = lower((unsigned char)c);
        else if (c == 0x212A) low[m++] = 'k';
        else if (c == 0x130) {
            low[m++] = 'i';
            low[m++] = 0x80;
        } else low[m++] = 0x80;
    }
    unsigned long long found = search(raw, n, cased, 0) | search(low, m, lowered, 0);
    PyMem_Free(raw);
    return PyLong_FromUnsignedLongLong(found);
}

static PyObject *needles_in(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "needles_in() takes a str");
        return NULL;
    }
    if (count < 0) return PyLong_FromLong(-1);
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND) return wide(text);
    unsigned long long all = count ? ~0ULL >> (64 - count) : 0;
    return PyLong_FromUnsignedLongLong(
        search(PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text), all, 1));
}

/* redact() itself, for the texts it finds no needle in (nearly all): returned as they are,
 * without a Python call. A text with needles goes to redact._redact_found(text, bits); one
 * that is not a str, or any text before setup(), to the Python redact(). */
static PyObject *on_found, *fallback;

static PyObject *setup_redact(PyObject *self, PyObject *args) {
    PyObject *found, *slow;
    if (!PyArg_ParseTuple(args, "OO", &found, &slow)) return NULL;
    Py_INCREF(found);
    Py_INCREF(slow);
    Py_XSETREF(on_found, found);
    Py_XSETREF(fallback, slow);
    Py_RETURN_NONE;
}

static PyObject *redact(PyObject *self, PyObject *text) {
    if (!on_found || !fallback) {
        PyErr_SetString(PyExc_RuntimeError, "redact() before setup_redact()");
        return NULL;
    }
    if (!PyUnicode_Check(text) || count < 0) return PyObject_CallOneArg(fallback, text);
    if (PyUnicode_GET_LENGTH(text) == 0) return Py_NewRef(text);
    PyObject *bits = needles_in(self, text);
    if (!bits) return NULL;
    int none = PyLong_AsUnsignedLongLong(bits) == 0;
    PyObject *out = none ? Py_NewRef(text) : PyObject_CallFunctionObjArgs(on_found, text, bits, NULL);
    Py_DECREF(bits);
    return out;
}

static PyMethodDef methods[] = {
    {"setup", setup, METH_VARARGS, "setup(cased, lowered): the needles"},
    {"needles_in", needles_in, METH_O, "needles_in(text): the bits of the needles in text (-1 before setup)"},
    {"setup_redact", setup_redact, METH_VARARGS,
     "setup_redact(found, fallback): redact._redact_found and the Python redact()"},
    {"redact", redact, METH_O, "redact(text): redact.redact, the texts with no needle kept in C"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_textscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__textscan(void) { return PyModule_Create(&module); }
