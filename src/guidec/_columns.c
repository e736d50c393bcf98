/* guidec._columns: the inner loop of guidec.columns.distinct in C.

   factorize(cells: list) -> (values: list, inverse: bytearray of int64) | None
   first_equal(keys: uint64 buffer) -> bytearray of int64 (see below)

   One pass over `cells` with one dictionary: each cell is looked up, and a cell not seen before
   gets the next index. `values` holds the first cell of each group in order of first
   occurrence, `inverse` the group of every cell: exactly what distinct() built with
   dict.fromkeys and a second pass of lookups. Equality is the dictionary's (identity, then
   ==), as there. An unhashable cell returns None (the caller keys such columns by their text);
   any other error is raised. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *factorize(PyObject *self, PyObject *arg) {
    if (!PyList_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "factorize() takes a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(arg);
    PyObject *index = PyDict_New(), *values = PyList_New(0);
    PyObject *inv = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (index == NULL || values == NULL || inv == NULL) goto fail;
    int64_t *out = (int64_t *)PyByteArray_AS_STRING(inv);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cell = PyList_GET_ITEM(arg, i);
        PyObject *got = PyDict_GetItemWithError(index, cell); /* borrowed */
        if (got != NULL) {
            out[i] = (int64_t)PyLong_AsSsize_t(got);
            continue;
        }
        if (PyErr_Occurred()) {
            if (PyErr_ExceptionMatches(PyExc_TypeError)) { /* unhashable: not for us */
                PyErr_Clear();
                Py_DECREF(index);
                Py_DECREF(values);
                Py_DECREF(inv);
                Py_RETURN_NONE;
            }
            goto fail;
        }
        Py_ssize_t k = PyList_GET_SIZE(values);
        PyObject *num = PyLong_FromSsize_t(k);
        if (num == NULL) goto fail;
        int bad = PyDict_SetItem(index, cell, num) < 0 || PyList_Append(values, cell) < 0;
        Py_DECREF(num);
        if (bad) goto fail;
        out[i] = (int64_t)k;
    }
    Py_DECREF(index);
    PyObject *res = PyTuple_Pack(2, values, inv);
    Py_DECREF(values);
    Py_DECREF(inv);
    return res;
fail:
    Py_XDECREF(index);
    Py_XDECREF(values);
    Py_XDECREF(inv);
    return NULL;
}

/* first_equal(keys: a buffer of uint64) -> bytearray of int64: per position, the lowest
   position holding the same key. One pass with an open-addressing table of positions (twice
   as many slots as keys, linear probing), so grouping equal keys costs no sort. */
static PyObject *first_equal(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (view.len % (Py_ssize_t)sizeof(uint64_t) != 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "first_equal() takes a buffer of 64-bit keys");
        return NULL;
    }
    Py_ssize_t n = view.len / (Py_ssize_t)sizeof(uint64_t);
    const uint64_t *keys = (const uint64_t *)view.buf;
    PyObject *res = PyByteArray_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (res == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    int64_t *out = (int64_t *)PyByteArray_AS_STRING(res);
    int bits = 1;
    while (((size_t)1 << bits) < (size_t)n * 2 && bits < 62) bits++;
    size_t cap = (size_t)1 << bits, mask = cap - 1;
    int64_t *slot = PyMem_RawCalloc(cap, sizeof(int64_t)); /* position + 1; 0: empty */
    if (slot == NULL) {
        PyBuffer_Release(&view);
        Py_DECREF(res);
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t k = keys[i];
        size_t at = (size_t)((k * 0x9E3779B97F4A7C15ULL) >> (64 - bits)) & mask;
        for (;;) {
            int64_t got = slot[at];
            if (got == 0) {
                slot[at] = (int64_t)i + 1;
                out[i] = (int64_t)i;
                break;
            }
            if (keys[got - 1] == k) {
                out[i] = got - 1;
                break;
            }
            at = (at + 1) & mask;
        }
    }
    Py_END_ALLOW_THREADS
    PyMem_RawFree(slot);
    PyBuffer_Release(&view);
    return res;
}

static PyMethodDef methods[] = {
    {"first_equal", first_equal, METH_O,
     "first_equal(keys: buffer of uint64) -> int64 bytearray: per position, the lowest "
     "position with the same key."},
    {"factorize", factorize, METH_O,
     "factorize(cells: list) -> (distinct values, int64 inverse as a bytearray), or None when a "
     "cell cannot be hashed."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_columns", NULL, -1, methods};

PyMODINIT_FUNC PyInit__columns(void) { return PyModule_Create(&module); }
