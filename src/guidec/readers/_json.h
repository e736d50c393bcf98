/* The JSON primitives guidec's compiled scanners share (readers/_cocoscan.c, readers/_lsscan.c):
 * a cursor over raw bytes, strict string / number / literal scanning, skipping a value, growable
 * column buffers, and handing back the pages of a file mapping already scanned.
 *
 * Every function returns OK, BAIL (not the regular shape, or not strict JSON: the caller's
 * general path reads the file and reports) or FAIL (a Python exception is set). Numbers are
 * converted exactly as orjson and Python do (correctly rounded): Clinger's fast path when the
 * decimal mantissa and exponent are small, PyOS_string_to_double otherwise.
 */
#ifndef GUIDEC_JSON_H
#define GUIDEC_JSON_H

#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sys/mman.h>

#ifndef MAX_DEPTH
#define MAX_DEPTH 512       /* deeper documents take the general path */
#endif
#define MAX_NUMBER_LEN 400  /* longer number tokens: the general path */

/* A cursor over the bytes of one document. With data mapped from a file, the pages already
 * scanned are handed back to the kernel every `release` bytes (json_maybe_release), so the
 * file never has to be resident as a whole. */
typedef struct {
    const unsigned char *start, *p, *end;
    size_t release;
    const unsigned char *released;
} Json;

#include "_buf.h" /* the growable columns, shared with _cvatscan.c */

enum { OK = 0, BAIL = -1, FAIL = -2 }; /* FAIL: a Python exception is set */

#include <float.h>
#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define JSON_LONG_DOUBLE_64 1
static const long double POW10L[] = {
    1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L,
    1e27L}; /* 5^27 < 2^64: every one exact */
#else
#define JSON_LONG_DOUBLE_64 0
#endif

static const double POW10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline void ws(Json *s) {
    const unsigned char *p = s->p, *e = s->end;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    s->p = p;
}

static inline int peek(Json *s) { return s->p < s->end ? *s->p : -1; }

static inline int expect(Json *s, unsigned char c) {
    ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return OK;
    }
    return BAIL;
}

/* The value of the four hex digits of a \\uXXXX escape at p, or -1. */
static long hex4(const unsigned char *p, const unsigned char *e) {
    if (e - p < 6) return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        unsigned h = p[i];
        v <<= 4;
        if (h >= '0' && h <= '9') v |= h - '0';
        else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
        else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
        else return -1;
    }
    return v;
}

/* A string starting at s->p (the opening quote). Validates escapes and UTF-8 the way a
 * strict parser does; sets *body and *len to the raw bytes between the quotes and *escaped when
 * it holds an escape. A lone surrogate escape takes the general path. */
static int scan_string(Json *s, const unsigned char **body, size_t *len, int *escaped) {
    const unsigned char *p = s->p + 1, *e = s->end;
    const unsigned char *b = p;
    int esc = 0;
    for (;;) {
        /* run over plain ASCII */
        while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p >= e) return BAIL;
        unsigned c = *p;
        if (c == '"') break;
        if (c < 0x20) return BAIL;
        if (c == '\\') {
            esc = 1;
            if (p + 1 >= e) return BAIL;
            unsigned d = p[1];
            if (d == 'u') {
                long v = hex4(p, e);
                if (v < 0) return BAIL;
                p += 6;
                if (v >= 0xD800 && v <= 0xDBFF) { /* a pair: the low half must follow */
                    long lo = (p + 1 < e && p[0] == '\\' && p[1] == 'u') ? hex4(p, e) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) return BAIL;
                    p += 6;
                } else if (v >= 0xDC00 && v <= 0xDFFF) {
                    return BAIL; /* a lone low half */
                }
            } else if (d == '"' || d == '\\' || d == '/' || d == 'b' || d == 'f' || d == 'n' ||
                       d == 'r' || d == 't') {
                p += 2;
            } else {
                return BAIL;
            }
            continue;
        }
        /* UTF-8 sequence, checked strictly (no overlong forms, no surrogates, <= U+10FFFF) */
        if (c >= 0xC2 && c <= 0xDF) {
            if (p + 1 >= e || (p[1] & 0xC0) != 0x80) return BAIL;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (p + 2 >= e || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return BAIL;
            if (c == 0xE0 && p[1] < 0xA0) return BAIL;
            if (c == 0xED && p[1] >= 0xA0) return BAIL;
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (p + 3 >= e || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
                (p[3] & 0xC0) != 0x80)
                return BAIL;
            if (c == 0xF0 && p[1] < 0x90) return BAIL;
            if (c == 0xF4 && p[1] >= 0x90) return BAIL;
            p += 4;
        } else {
            return BAIL;
        }
    }
    *body = b;
    *len = (size_t)(p - b);
    *escaped = esc;
    s->p = p + 1;
    return OK;
}

/* A number at s->p. *d gets its value as a double (correctly rounded). *kind is 1 for an
 * integer token that fits in int64 (value in *iv), 2 for a larger integer token, 0 for a
 * number with a fraction or exponent. */
static int scan_number(Json *s, double *d, int64_t *iv, int *kind) {
    const unsigned char *p = s->p, *e = s->end, *tok = p;
    int neg = 0, dropped = 0, nd = 0, integer = 1;
    uint64_t m = 0;
    long exp10 = 0;
    if (p < e && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= e) return BAIL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < e && *p >= '0' && *p <= '9') {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                nd++;
            } else {
                dropped = 1;
                exp10++;
            }
            p++;
        }
    } else {
        return BAIL;
    }
    if (p < e && *p == '.') {
        integer = 0;
        p++;
        if (p >= e || *p < '0' || *p > '9') return BAIL;
        while (p < e && *p >= '0' && *p <= '9') {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (m) nd++;
                exp10--;
            } else {
                dropped = 1;
            }
            p++;
        }
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        integer = 0;
        p++;
        int eneg = 0;
        if (p < e && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p >= e || *p < '0' || *p > '9') return BAIL;
        long x = 0;
        while (p < e && *p >= '0' && *p <= '9') {
            if (x < 100000) x = x * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -x : x;
    }
    size_t toklen = (size_t)(p - tok);
    if (toklen > MAX_NUMBER_LEN) return BAIL;
    s->p = p;
    if (integer) {
        if (!dropped && nd <= 18) {
            *kind = 1;
            *iv = neg ? -(int64_t)m : (int64_t)m;
            *d = (double)*iv; /* "-0" is the integer 0, as in Python */
            return OK;
        }
        *kind = 2;
    } else {
        *kind = 0;
    }
    if (!dropped && m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / POW10[-exp10] : v * POW10[exp10];
        *d = neg ? -v : v;
        return OK;
    }
#if JSON_LONG_DOUBLE_64
    /* 17-19 significant digits (most coordinates written by JavaScript or Python): the x87
     * extended format holds the mantissa and 10^k (k <= 27) exactly, so the quotient is rounded
     * once to 64 bits; rounding that to a double is the correctly rounded result unless it lies
     * at a midpoint between two doubles (the low 11 of its 64 bits 0x400, give or take one),
     * which goes to the exact conversion below. */
    if (!dropped && exp10 >= -27 && exp10 <= 27) {
        long double v = (long double)m;
        v = exp10 < 0 ? v / POW10L[-exp10] : v * POW10L[exp10];
        int e;
        uint64_t bits = (uint64_t)ldexpl(frexpl(v, &e), 64);
        unsigned low = (unsigned)(bits & 0x7FF);
        if (low < 0x3FF || low > 0x401) {
            double r = (double)v;
            *d = neg ? -r : r;
            return OK;
        }
    }
#endif
    char tmp[MAX_NUMBER_LEN + 1];
    memcpy(tmp, tok, toklen);
    tmp[toklen] = 0;
    char *endp = NULL;
    double v = PyOS_string_to_double(tmp, &endp, NULL);
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return BAIL;
    }
    if (endp != tmp + toklen) return BAIL;
    *d = v;
    return OK;
}

static int skip_value(Json *s, int depth);

static int skip_literal(Json *s, const char *word, size_t n) {
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return BAIL;
    s->p += n;
    return OK;
}

static int skip_value(Json *s, int depth) {
    if (depth > MAX_DEPTH) return BAIL;
    ws(s);
    int c = peek(s);
    const unsigned char *b;
    size_t len;
    int esc;
    switch (c) {
    case '"':
        return scan_string(s, &b, &len, &esc);
    case '{':
        s->p++;
        ws(s);
        if (peek(s) == '}') {
            s->p++;
            return OK;
        }
        for (;;) {
            ws(s);
            if (peek(s) != '"' || scan_string(s, &b, &len, &esc) < 0) return BAIL;
            if (expect(s, ':') < 0 || skip_value(s, depth + 1) < 0) return BAIL;
            ws(s);
            c = peek(s);
            if (c != '}' && c != ',') return BAIL;
            s->p++;
            if (c == '}') return OK;
        }
    case '[':
        s->p++;
        ws(s);
        if (peek(s) == ']') {
            s->p++;
            return OK;
        }
        for (;;) {
            if (skip_value(s, depth + 1) < 0) return BAIL;
            ws(s);
            c = peek(s);
            if (c != ']' && c != ',') return BAIL;
            s->p++;
            if (c == ']') return OK;
        }
    case 't':
        return skip_literal(s, "true", 4);
    case 'f':
        return skip_literal(s, "false", 5);
    case 'n':
        return skip_literal(s, "null", 4);
    default: {
        double d;
        int64_t iv;
        int kind;
        return scan_number(s, &d, &iv, &kind);
    }
    }
}

/* An object key (no escapes: an escaped key takes the general path) and its colon. */
static int scan_key(Json *s, const unsigned char **key, size_t *len) {
    int esc;
    ws(s);
    if (peek(s) != '"' || scan_string(s, key, len, &esc) < 0 || esc) return BAIL;
    return expect(s, ':');
}

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), (n)) == 0)

/* After a member: ',' (another member follows: 1) or the closing character (0). */
static int next_member(Json *s, unsigned char close) {
    ws(s);
    int c = peek(s);
    if (c == ',') {
        s->p++;
        return 1;
    }
    if (c == close) {
        s->p++;
        return 0;
    }
    return BAIL;
}

static inline int is_null(Json *s) {
    ws(s);
    if (peek(s) == 'n') return skip_literal(s, "null", 4) == OK ? 1 : BAIL;
    return 0;
}

static inline int scan_int(Json *s, int64_t *out) {
    double d;
    int kind;
    ws(s);
    if (scan_number(s, &d, out, &kind) < 0 || kind != 1) return BAIL;
    return OK;
}

static inline int scan_double(Json *s, double *out) {
    int64_t iv;
    int kind;
    ws(s);
    return scan_number(s, out, &iv, &kind);
}


static PyObject *json_scalar(Json *s, PyObject *loads) {
    /* An attribute value as a Python object; NULL with no exception set means BAIL. */
    ws(s);
    int c = peek(s);
    const unsigned char *v0 = s->p;
    if (c == 't') return skip_literal(s, "true", 4) ? NULL : Py_NewRef(Py_True);
    if (c == 'f') return skip_literal(s, "false", 5) ? NULL : Py_NewRef(Py_False);
    if (c == 'n') return skip_literal(s, "null", 4) ? NULL : Py_NewRef(Py_None);
    if (c == '"') {
        const unsigned char *b;
        size_t len;
        int esc;
        if (scan_string(s, &b, &len, &esc) < 0) return NULL;
        if (!esc) return PyUnicode_DecodeUTF8((const char *)b, (Py_ssize_t)len, "strict");
    } else if (c == '{' || c == '[') {
        if (skip_value(s, 1) < 0) return NULL;
    } else {
        double d;
        int64_t iv;
        int kind;
        if (scan_number(s, &d, &iv, &kind) < 0) return NULL;
        if (kind == 1) return PyLong_FromLongLong(iv);
        if (kind == 0) return PyFloat_FromDouble(d);
    }
    /* escaped strings, nested values and big integers: orjson reads the span */
    PyObject *view = PyMemoryView_FromMemory((char *)v0, (Py_ssize_t)(s->p - v0), PyBUF_READ);
    if (!view) return NULL;
    PyObject *v = PyObject_CallOneArg(loads, view);
    Py_DECREF(view);
    if (!v && PyErr_ExceptionMatches(PyExc_ValueError))
        PyErr_Clear(); /* a number orjson refuses: the general path reads it */
    return v;
}


/* Drop the scanned pages of a read-only file mapping from this process (they are read again
 * from the file if a later step needs them: the categories and RLE spans). Only ever called
 * when the caller says the data is such a mapping: on anonymous memory it would lose data. */
static void release_pages(Json *s) {
#ifdef MADV_DONTNEED
    static size_t page = 0;
    if (!page) page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = (uintptr_t)s->released, to = (uintptr_t)s->p;
    from = (from + page - 1) / page * page;
    to = to / page * page;
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
    s->released = (const unsigned char *)to;
#endif
}

/* Move a buffer into the result dict as a bytearray (the buffer is freed at once, so at most
 * one column exists twice at a time). */
static int give(PyObject *d, const char *key, Buf *b) {
    PyObject *v = buf_bytes(b);
    buf_free(b);
    if (!v) return -1;
    int r = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return r;
}

/* Call between records: gives back the pages scanned since the last release, every
 * `release` bytes (nothing when release is 0). */
static inline void json_maybe_release(Json *s) {
    if (s->release && (size_t)(s->p - s->released) >= s->release) release_pages(s);
}

#endif
