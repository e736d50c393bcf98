/* A growable column for guidec's compiled scanners (_cocoscan.c, _lsscan.c through _json.h,
   and _cvatscan.c): the one owner of how a scanner builds a column and hands it to Python.

   Its memory is a bytearray's from the start, so handing the column to Python (buf_bytes)
   trims it in place instead of copying it: a file's biggest column never exists twice, and
   numpy.frombuffer reads it where it is. Growing it creates or resizes a bytearray, so the
   scanner holds the GIL while it writes columns. */

#ifndef GUIDEC_BUF_H
#define GUIDEC_BUF_H

#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define BUF_API static __attribute__((unused)) /* a scanner uses the part it needs */
#else
#define BUF_API static
#endif

typedef struct {
    char *p;
    size_t len, cap;
    PyObject *obj; /* the bytearray holding p, NULL before the first byte */
} Buf;

BUF_API int buf_grow(Buf *b, size_t extra) {
    size_t need = b->len + extra;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need) {
        if (cap > ((size_t)PY_SSIZE_T_MAX) / 2) return -1;
        cap *= 2;
    }
    if (!b->obj) {
        b->obj = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)cap);
        if (!b->obj) return -1;
    } else if (PyByteArray_Resize(b->obj, (Py_ssize_t)cap) < 0) {
        return -1;
    }
    b->p = PyByteArray_AS_STRING(b->obj);
    b->cap = cap;
    return 0;
}

static inline int buf_put(Buf *b, const void *src, size_t n) {
    if (b->len + n > b->cap && buf_grow(b, n) < 0) return -1;
    memcpy(b->p + b->len, src, n);
    b->len += n;
    return 0;
}

static inline int put_f64(Buf *b, double v) { return buf_put(b, &v, sizeof v); }
static inline int put_i64(Buf *b, int64_t v) { return buf_put(b, &v, sizeof v); }
static inline int put_i32(Buf *b, int32_t v) { return buf_put(b, &v, sizeof v); }
static inline int put_i8(Buf *b, int8_t v) { return buf_put(b, &v, 1); }
static inline int put_u8(Buf *b, uint8_t v) { return buf_put(b, &v, 1); }

BUF_API void buf_free(Buf *b) {
    Py_CLEAR(b->obj);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* The column as a bytearray of its length (a new reference); the buffer is left empty. */
BUF_API PyObject *buf_bytes(Buf *b) {
    PyObject *v = b->obj;
    if (!v) return PyByteArray_FromStringAndSize("", 0);
    if (PyByteArray_Resize(v, (Py_ssize_t)b->len) < 0) return NULL;
    b->obj = NULL;
    b->p = NULL;
    b->len = b->cap = 0;
    return v;
}

#endif
