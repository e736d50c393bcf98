/* One pass over a COCO JSON file straight into columns: guidec's fast path for big deliveries.
 *
 * scan(data, loads, release=0) -> dict | None
 *
 * Parsing a 330 MB COCO file into Python objects (orjson) builds some 25 million floats and
 * dicts, only for the reader to unbox them again into numpy columns. This scanner reads the
 * bytes once and writes the columns directly: ids, boxes, areas, crowd flags, polygon rings
 * (values + lengths), keypoints, and the annotation attributes (the only per-annotation Python
 * objects it makes). It validates the whole document as strict JSON (grammar, UTF-8, string
 * escapes, nesting) while it goes.
 *
 * It only handles the regular shape of a COCO detection file. Whenever anything is not that
 * shape (a wrong type, a missing id, a duplicate key, a flat polygon, a caption, a panoptic
 * file, a syntax error, deep nesting, an escaped key, a number it cannot read exactly) it
 * returns None, and the caller reads the file with the general path (orjson + per-record
 * checks), which reports every problem with its location. So this file never produces a
 * finding and never has to be right about a defect: it only has to be exactly right about
 * a good file, which the tests check against the general path.
 *
 * Numbers are converted exactly as orjson and Python do (correctly rounded): Clinger's fast
 * path when the decimal mantissa and exponent are small, PyOS_string_to_double otherwise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sys/mman.h>

#define MAX_DEPTH 512       /* deeper documents take the general path */
#define MAX_ATTRS 256       /* more distinct attribute names: the general path */
#define MAX_NUMBER_LEN 400  /* longer number tokens: the general path */

/* ------------------------------------------------------------------------------------ */
typedef struct {
    char *p;
    size_t len, cap;
} Buf;

static int buf_grow(Buf *b, size_t extra) {
    size_t need = b->len + extra;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) return -1;
        cap *= 2;
    }
    char *q = PyMem_RawRealloc(b->p, cap);
    if (!q) return -1;
    b->p = q;
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
static inline int put_u8(Buf *b, uint8_t v) { return buf_put(b, &v, 1); }

static void buf_free(Buf *b) {
    PyMem_RawFree(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static PyObject *buf_bytes(Buf *b) {
    return PyByteArray_FromStringAndSize(b->p ? b->p : "", (Py_ssize_t)b->len);
}

/* ------------------------------------------------------------------------------------ */
typedef struct {
    PyObject *name;   /* str */
    Buf rows;         /* int64 row of each value */
    PyObject *values; /* list */
    int64_t last_row;
} AttrCol;

enum { OK = 0, BAIL = -1, FAIL = -2 }; /* FAIL: a Python exception is set */

typedef struct {
    const unsigned char *start, *p, *end;
    PyObject *loads; /* orjson.loads, for the rare attribute value that is not a scalar */
    /* images */
    Buf img_id, img_w, img_h;
    PyObject *img_names;
    /* annotations */
    int64_t n;
    Buf ann_id, image_id, category_id, bbox, area, iscrowd;
    Buf seg_kind;    /* uint8 per row: 0 none, 1 polygon list, 2 RLE object */
    Buf nrings;      /* int64 per row */
    Buf ring_len;    /* int64 per ring: number of values */
    Buf values;      /* float64 ring values */
    Buf rle;         /* int64 triples: row, start, end of the RLE object's bytes */
    Buf kp_count;    /* int64 per row: number of keypoint values */
    Buf kp;          /* float64 keypoint values */
    AttrCol attrs[MAX_ATTRS];
    int nattrs;
    Py_ssize_t cat_start, cat_end;
    /* streaming: with data mapped from a file, the pages already scanned are handed back to
     * the kernel every `release` bytes, so the file never has to be resident as a whole */
    size_t release;
    const unsigned char *released;
    PyObject *rle_objs; /* streaming: [(row, RLE object)], parsed while its pages are in */
} Scanner;

static const double POW10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline void ws(Scanner *s) {
    const unsigned char *p = s->p, *e = s->end;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    s->p = p;
}

static inline int peek(Scanner *s) { return s->p < s->end ? *s->p : -1; }

static inline int expect(Scanner *s, unsigned char c) {
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
static int scan_string(Scanner *s, const unsigned char **body, size_t *len, int *escaped) {
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
static int scan_number(Scanner *s, double *d, int64_t *iv, int *kind) {
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

static int skip_value(Scanner *s, int depth);

static int skip_literal(Scanner *s, const char *word, size_t n) {
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return BAIL;
    s->p += n;
    return OK;
}

static int skip_value(Scanner *s, int depth) {
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
static int scan_key(Scanner *s, const unsigned char **key, size_t *len) {
    int esc;
    ws(s);
    if (peek(s) != '"' || scan_string(s, key, len, &esc) < 0 || esc) return BAIL;
    return expect(s, ':');
}

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), (n)) == 0)

/* After a member: ',' (another member follows: 1) or the closing character (0). */
static int next_member(Scanner *s, unsigned char close) {
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

static int is_null(Scanner *s) {
    ws(s);
    if (peek(s) == 'n') return skip_literal(s, "null", 4) == OK ? 1 : BAIL;
    return 0;
}

static int scan_int(Scanner *s, int64_t *out) {
    double d;
    int kind;
    ws(s);
    if (scan_number(s, &d, out, &kind) < 0 || kind != 1) return BAIL;
    return OK;
}

static int scan_double(Scanner *s, double *out) {
    int64_t iv;
    int kind;
    ws(s);
    return scan_number(s, out, &iv, &kind);
}

/* '[' numbers ']' appended to `out`; the count in *count. */
static int scan_numbers(Scanner *s, Buf *out, int64_t *count) {
    if (expect(s, '[') < 0) return BAIL;
    int64_t k = 0;
    ws(s);
    if (peek(s) == ']') {
        s->p++;
        *count = 0;
        return OK;
    }
    for (;;) {
        double d;
        if (scan_double(s, &d) < 0) return BAIL;
        if (put_f64(out, d) < 0) return FAIL;
        k++;
        int r = next_member(s, ']');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    *count = k;
    return OK;
}

/* '[' exactly four numbers ']' into box. */
static int scan_box(Scanner *s, double *box) {
    if (expect(s, '[') < 0) return BAIL;
    for (int i = 0; i < 4; i++) {
        if (scan_double(s, &box[i]) < 0) return BAIL;
        if (expect(s, i < 3 ? ',' : ']') < 0) return BAIL;
    }
    return OK;
}

static PyObject *scan_scalar(Scanner *s) {
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
    PyObject *v = PyObject_CallOneArg(s->loads, view);
    Py_DECREF(view);
    if (!v && PyErr_ExceptionMatches(PyExc_ValueError))
        PyErr_Clear(); /* a number orjson refuses: the general path reads it */
    return v;
}

static int scan_attributes(Scanner *s, int64_t row) {
    int r = is_null(s);
    if (r) return r < 0 ? BAIL : OK;
    if (expect(s, '{') < 0) return BAIL;
    ws(s);
    if (peek(s) == '}') {
        s->p++;
        return OK;
    }
    for (;;) {
        const unsigned char *k;
        size_t n;
        if (scan_key(s, &k, &n) < 0) return BAIL;
        AttrCol *col = NULL;
        for (int i = 0; i < s->nattrs; i++) {
            PyObject *name = s->attrs[i].name;
            if ((size_t)PyUnicode_GET_LENGTH(name) == n && PyUnicode_IS_ASCII(name) &&
                memcmp(PyUnicode_DATA(name), k, n) == 0) {
                col = &s->attrs[i];
                break;
            }
        }
        if (!col) {
            for (size_t i = 0; i < n; i++)
                if (k[i] >= 0x80) return BAIL; /* non-ASCII names: the general path */
            if (s->nattrs >= MAX_ATTRS) return BAIL;
            col = &s->attrs[s->nattrs];
            memset(col, 0, sizeof *col);
            col->last_row = -1;
            col->name = PyUnicode_DecodeASCII((const char *)k, (Py_ssize_t)n, "strict");
            col->values = PyList_New(0);
            s->nattrs++;
            if (!col->name || !col->values) return FAIL;
        }
        if (col->last_row == row) return BAIL; /* duplicate key */
        col->last_row = row;
        PyObject *v = scan_scalar(s);
        if (!v) return PyErr_Occurred() ? FAIL : BAIL;
        int bad = PyList_Append(col->values, v);
        Py_DECREF(v);
        if (bad < 0 || put_i64(&col->rows, row) < 0) return FAIL;
        r = next_member(s, '}');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

static int scan_segmentation(Scanner *s, int64_t row, uint8_t *kind, int64_t *nrings) {
    ws(s);
    int c = peek(s);
    *nrings = 0;
    if (c == 'n') {
        *kind = 0;
        return skip_literal(s, "null", 4);
    }
    if (c == '{') {
        const unsigned char *b = s->p;
        if (skip_value(s, 1) < 0) return BAIL;
        *kind = 2;
        if (s->rle_objs) { /* streaming: these pages are given back soon, parse it now */
            PyObject *view = PyMemoryView_FromMemory((char *)b, (Py_ssize_t)(s->p - b),
                                                     PyBUF_READ);
            if (!view) return FAIL;
            PyObject *v = PyObject_CallOneArg(s->loads, view);
            Py_DECREF(view);
            if (!v) {
                if (!PyErr_ExceptionMatches(PyExc_ValueError)) return FAIL;
                PyErr_Clear(); /* not JSON orjson reads: the general path words it */
                return BAIL;
            }
            PyObject *pair = Py_BuildValue("(LN)", (long long)row, v);
            if (!pair) return FAIL;
            int r = PyList_Append(s->rle_objs, pair);
            Py_DECREF(pair);
            return r < 0 ? FAIL : OK;
        }
        if (put_i64(&s->rle, row) < 0 || put_i64(&s->rle, b - s->start) < 0 ||
            put_i64(&s->rle, s->p - s->start) < 0)
            return FAIL;
        return OK;
    }
    if (c != '[') return BAIL;
    *kind = 1;
    s->p++;
    ws(s);
    if (peek(s) == ']') {
        s->p++;
        return OK;
    }
    for (;;) {
        ws(s);
        if (peek(s) != '[') return BAIL; /* a flat list or junk: the general path names it */
        int64_t k;
        int r = scan_numbers(s, &s->values, &k);
        if (r < 0) return r;
        if (put_i64(&s->ring_len, k) < 0) return FAIL;
        (*nrings)++;
        r = next_member(s, ']');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

enum { F_ID = 1, F_IMAGE = 2, F_CAT = 4, F_BBOX = 8, F_AREA = 16, F_CROWD = 32, F_SEG = 64,
       F_KP = 128, F_ATTR = 256 };

static int scan_annotation(Scanner *s) {
    int64_t row = s->n;
    int64_t id = 0, image = 0, cat = 0, crowd = 0, nrings = 0, nkp = 0;
    double box[4] = {NAN, NAN, NAN, NAN}, area = NAN;
    uint8_t seg = 0;
    unsigned seen = 0;
    int r;
    if (expect(s, '{') < 0) return BAIL;
    ws(s);
    if (peek(s) == '}') return BAIL; /* no id */
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(s, &k, &n) < 0) return BAIL;
        if (KEY_IS(k, n, "id")) {
            f = F_ID;
            r = scan_int(s, &id);
        } else if (KEY_IS(k, n, "image_id")) {
            f = F_IMAGE;
            r = scan_int(s, &image);
        } else if (KEY_IS(k, n, "category_id")) {
            f = F_CAT;
            r = scan_int(s, &cat);
        } else if (KEY_IS(k, n, "bbox")) {
            f = F_BBOX;
            r = is_null(s);
            if (r == 0) r = scan_box(s, box);
            else if (r > 0) r = OK;
        } else if (KEY_IS(k, n, "area")) {
            f = F_AREA;
            r = is_null(s);
            if (r == 0) r = scan_double(s, &area);
            else if (r > 0) r = OK;
        } else if (KEY_IS(k, n, "iscrowd")) {
            f = F_CROWD;
            r = is_null(s);
            if (r == 0) r = scan_int(s, &crowd);
            else if (r > 0) r = OK;
            if (r == OK && crowd != 0 && crowd != 1) r = BAIL;
        } else if (KEY_IS(k, n, "segmentation")) {
            f = F_SEG;
            r = scan_segmentation(s, row, &seg, &nrings);
        } else if (KEY_IS(k, n, "keypoints")) {
            f = F_KP;
            r = is_null(s);
            if (r == 0) {
                r = scan_numbers(s, &s->kp, &nkp);
                if (r == OK && nkp % 3) r = BAIL;
            } else if (r > 0) {
                r = OK;
            }
        } else if (KEY_IS(k, n, "attributes")) {
            f = F_ATTR;
            r = scan_attributes(s, row);
        } else if (KEY_IS(k, n, "caption") || KEY_IS(k, n, "segments_info")) {
            return BAIL; /* caption and panoptic files: the general path */
        } else {
            r = skip_value(s, 2);
        }
        if (r < 0) return r;
        if (seen & f) return BAIL; /* a key given twice */
        seen |= f;
        r = next_member(s, '}');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    if ((seen & (F_ID | F_IMAGE | F_CAT)) != (F_ID | F_IMAGE | F_CAT)) return BAIL;
    if (put_i64(&s->ann_id, id) < 0 || put_i64(&s->image_id, image) < 0 ||
        put_i64(&s->category_id, cat) < 0 || buf_put(&s->bbox, box, sizeof box) < 0 ||
        put_f64(&s->area, area) < 0 || put_u8(&s->iscrowd, (uint8_t)crowd) < 0 ||
        put_u8(&s->seg_kind, seg) < 0 || put_i64(&s->nrings, nrings) < 0 ||
        put_i64(&s->kp_count, nkp) < 0)
        return FAIL;
    s->n++;
    return OK;
}

static int scan_image(Scanner *s) {
    int64_t id = 0;
    double w = 0, h = 0;
    PyObject *name = NULL;
    unsigned seen = 0;
    int r;
    if (expect(s, '{') < 0) return BAIL;
    ws(s);
    if (peek(s) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(s, &k, &n) < 0) goto bail;
        if (KEY_IS(k, n, "id")) {
            f = 1;
            r = scan_int(s, &id);
        } else if (KEY_IS(k, n, "width")) {
            f = 2;
            r = scan_double(s, &w);
        } else if (KEY_IS(k, n, "height")) {
            f = 4;
            r = scan_double(s, &h);
        } else if (KEY_IS(k, n, "file_name")) {
            f = 8;
            ws(s);
            if (peek(s) != '"' || (seen & 8)) goto bail;
            name = scan_scalar(s);
            if (!name) goto fail_or_bail;
            r = OK;
        } else if (KEY_IS(k, n, "license") || KEY_IS(k, n, "coco_url") ||
                   KEY_IS(k, n, "flickr_url") || KEY_IS(k, n, "date_captured")) {
            r = skip_value(s, 2);
        } else {
            ws(s);
            /* a scalar is the image's own metadata (a store, a site): the general path keeps
             * it; lists and objects (LVIS's category lists) are not metadata, skipped there too */
            if (peek(s) != '[' && peek(s) != '{') goto bail;
            r = skip_value(s, 2);
        }
        if (r < 0) goto bail;
        if (seen & f) goto bail;
        seen |= f;
        r = next_member(s, '}');
        if (r < 0) goto bail;
        if (r == 0) break;
    }
    if (seen != 15) goto bail;
    if (put_i64(&s->img_id, id) < 0 || put_f64(&s->img_w, w) < 0 || put_f64(&s->img_h, h) < 0 ||
        PyList_Append(s->img_names, name) < 0) {
        Py_DECREF(name);
        return FAIL;
    }
    Py_DECREF(name);
    return OK;
fail_or_bail:
    return PyErr_Occurred() ? FAIL : BAIL;
bail:
    Py_XDECREF(name);
    return BAIL;
}

/* Drop the scanned pages of a read-only file mapping from this process (they are read again
 * from the file if a later step needs them: the categories and RLE spans). Only ever called
 * when the caller says the data is such a mapping: on anonymous memory it would lose data. */
static void release_pages(Scanner *s) {
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

static int scan_array_of(Scanner *s, int (*item)(Scanner *)) {
    if (expect(s, '[') < 0) return BAIL;
    ws(s);
    if (peek(s) == ']') {
        s->p++;
        return OK;
    }
    for (;;) {
        int r = item(s);
        if (r < 0) return r;
        if (s->release && (size_t)(s->p - s->released) >= s->release) release_pages(s);
        r = next_member(s, ']');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

static int scan_document(Scanner *s) {
    unsigned seen = 0;
    int r;
    if (expect(s, '{') < 0) return BAIL;
    ws(s);
    if (peek(s) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(s, &k, &n) < 0) return BAIL;
        if (KEY_IS(k, n, "images")) {
            f = 1;
            r = (seen & f) ? BAIL : scan_array_of(s, scan_image);
        } else if (KEY_IS(k, n, "annotations")) {
            f = 2;
            r = (seen & f) ? BAIL : scan_array_of(s, scan_annotation);
        } else if (KEY_IS(k, n, "categories")) {
            f = 4;
            ws(s);
            s->cat_start = s->p - s->start;
            r = skip_value(s, 1);
            s->cat_end = s->p - s->start;
        } else {
            r = skip_value(s, 1);
        }
        if (r < 0) return r;
        if (seen & f) return BAIL;
        seen |= f;
        r = next_member(s, '}');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    ws(s);
    if (s->p != s->end) return BAIL; /* trailing data */
    if ((seen & 3) != 3) return BAIL;
    return OK;
}

static void scanner_free(Scanner *s) {
    Buf *bufs[] = {&s->img_id, &s->img_w, &s->img_h, &s->ann_id, &s->image_id,
                   &s->category_id, &s->bbox, &s->area, &s->iscrowd, &s->seg_kind,
                   &s->nrings, &s->ring_len, &s->values, &s->rle, &s->kp_count, &s->kp};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) buf_free(bufs[i]);
    Py_CLEAR(s->img_names);
    Py_CLEAR(s->rle_objs);
    for (int i = 0; i < s->nattrs; i++) {
        Py_CLEAR(s->attrs[i].name);
        Py_CLEAR(s->attrs[i].values);
        buf_free(&s->attrs[i].rows);
    }
    s->nattrs = 0;
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

static PyObject *result(Scanner *s) {
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    PyObject *attrs = PyList_New(0);
    if (!attrs) goto fail;
    for (int i = 0; i < s->nattrs; i++) {
        AttrCol *c = &s->attrs[i];
        PyObject *rows = buf_bytes(&c->rows);
        if (!rows) goto fail;
        PyObject *t = PyTuple_Pack(3, c->name, rows, c->values);
        Py_DECREF(rows);
        if (!t || PyList_Append(attrs, t) < 0) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    PyObject *cat = s->cat_end > s->cat_start
                        ? Py_BuildValue("(nn)", s->cat_start, s->cat_end)
                        : Py_NewRef(Py_None);
    PyObject *n = PyLong_FromLongLong(s->n);
    if (!cat || !n || PyDict_SetItemString(d, "categories", cat) < 0 ||
        PyDict_SetItemString(d, "n", n) < 0 ||
        PyDict_SetItemString(d, "attributes", attrs) < 0 ||
        PyDict_SetItemString(d, "image_name", s->img_names) < 0 ||
        (s->rle_objs && PyDict_SetItemString(d, "rle_objects", s->rle_objs) < 0)) {
        Py_XDECREF(cat);
        Py_XDECREF(n);
        goto fail;
    }
    Py_DECREF(cat);
    Py_DECREF(n);
    Py_CLEAR(attrs);
    if (give(d, "image_id_", &s->img_id) < 0 || give(d, "image_width", &s->img_w) < 0 ||
        give(d, "image_height", &s->img_h) < 0 || give(d, "id", &s->ann_id) < 0 ||
        give(d, "image_id", &s->image_id) < 0 || give(d, "category_id", &s->category_id) < 0 ||
        give(d, "bbox", &s->bbox) < 0 || give(d, "area", &s->area) < 0 ||
        give(d, "iscrowd", &s->iscrowd) < 0 || give(d, "seg_kind", &s->seg_kind) < 0 ||
        give(d, "nrings", &s->nrings) < 0 || give(d, "ring_len", &s->ring_len) < 0 ||
        give(d, "values", &s->values) < 0 || give(d, "rle", &s->rle) < 0 ||
        give(d, "kp_count", &s->kp_count) < 0 || give(d, "kp", &s->kp) < 0)
        goto fail;
    return d;
fail:
    Py_XDECREF(attrs);
    Py_DECREF(d);
    return NULL;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer view;
    PyObject *loads;
    Py_ssize_t release = 0;
    if (!PyArg_ParseTuple(args, "y*O|n:scan", &view, &loads, &release)) return NULL;
    Scanner *s = PyMem_RawCalloc(1, sizeof(Scanner));
    if (!s) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    s->start = s->p = (const unsigned char *)view.buf;
    s->end = s->start + view.len;
    s->loads = loads;
    s->release = release > 0 ? (size_t)release : 0;
    s->released = s->start;
    s->img_names = PyList_New(0);
    s->rle_objs = s->release ? PyList_New(0) : NULL;
    PyObject *out = NULL;
    if (s->img_names && (s->rle_objs || !s->release)) {
        int r = scan_document(s);
        if (r == OK) out = result(s);
        else if (r == BAIL && !PyErr_Occurred()) out = Py_NewRef(Py_None);
    }
    scanner_free(s);
    PyMem_RawFree(s);
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(data, loads, release=0) -> dict | None: the columns of a regular COCO file, or None. "
     "release > 0: data is a read-only file mapping whose scanned pages are dropped every "
     "release bytes."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cocoscan",
                                    "Columnar fast path for COCO JSON files.", -1, methods};

PyMODINIT_FUNC PyInit__cocoscan(void) { return PyModule_Create(&module); }
