/* redact()'s first test, compiled: whether a text holds any of the strings a secret's match
 * must contain (redact._PATTERNS' needles, some compared lower-cased). Most texts hold none,
 * and then redact() returns them as they are; this is its cost for nearly every prompt,
 * command and output excerpt the index reads (two regex searches took ~1.3 us a text).
 *
 *   setup(cased, lowered)   the needles, ASCII, from redact.py (once, at import)
 *   may_hold(text) -> bool  False only when no needle is in text (lowered ones in text.lower())
 *
 * Only texts of one byte a character (Latin-1, the usual ASCII) are searched here: there
 * str.lower() maps no character but A-Z into ASCII, so an ASCII lower-casing finds the same.
 * Any other text answers True, and redact() runs its Python test.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define MAX_NEEDLES 64
#define MAX_LEN 48

typedef struct {
    unsigned char text[MAX_LEN];
    Py_ssize_t len;
    int lowered;
} Needle;

static Needle needles[MAX_NEEDLES];
static int count = -1;                      /* -1: setup() not called yet */
static unsigned long long starts[256];      /* byte -> bit set of the needles that may start there */

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
    if (add(cased, 0) < 0 || add(lowered, 1) < 0) {
        count = -1;
        return NULL;
    }
    Py_RETURN_NONE;
}

static int at(const unsigned char *p, Py_ssize_t left, const Needle *d) {
    if (left < d->len) return 0;
    if (!d->lowered) return memcmp(p, d->text, (size_t)d->len) == 0;
    for (Py_ssize_t j = 0; j < d->len; j++)
        if (lower(p[j]) != d->text[j]) return 0;
    return 1;
}

static PyObject *may_hold(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "may_hold() takes a str");
        return NULL;
    }
    if (count < 0 || PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND) Py_RETURN_TRUE;
    const unsigned char *p = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned long long set = starts[p[i]];
        while (set) {
            int k = __builtin_ctzll(set);
            if (at(p + i, n - i, &needles[k])) Py_RETURN_TRUE;
            set &= set - 1;
        }
    }
    Py_RETURN_FALSE;
}

static PyMethodDef methods[] = {
    {"setup", setup, METH_VARARGS, "setup(cased, lowered): the needles"},
    {"may_hold", may_hold, METH_O, "may_hold(text): whether a needle may be in text"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_textscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__textscan(void) { return PyModule_Create(&module); }
