/* YOLO label files read on threads straight into columns: guidec's fast path for deliveries of
 * many small text files.
 *
 * scan(paths, limit, threads) -> (status, nread, dev, ino, file_rows, line, count, cls, values)
 *
 *   status   bytes, one a file: 0 read and parsed, 1 not read here (GF_FALLBACK: an OS error,
 *            not a regular file, over `limit`), 2 read but not regular (see below)
 *   nread    int64 a file: bytes read (-1 when not read)
 *   dev, ino uint64 a file: of the file read (inputs.remember), 0 when not read
 *   file_rows int64 (files + 1): offsets into the row columns (a file of status 1 or 2 has none)
 *   line     int32 a row: its line number (1-based, blank lines counted as Python's
 *            str.splitlines counts them)
 *   count    int32 a row: its tokens, class index included
 *   cls      int64 a row: the class index
 *   values   float64: the row's other tokens, every row's after the one before
 *
 * Every column is a bytes object (numpy.frombuffer reads it). A file is "regular" when it is
 * ASCII, its lines end in \n or \r\n, its tokens are separated by spaces and tabs, and every
 * non-blank line is a class index of 1-9 digits followed by plain decimal numbers
 * ([-+]?(digits[.digits*]|.digits)([eE][-+]?digits)?), each finite and at most 1e9 in size.
 * Anything else is status 2 and the Python reader reads that file row by row and reports what
 * is wrong: this scanner never produces a finding, it only has to be exactly right about a
 * regular file, which tests/readers/test_yolo_fast.py checks against the Python path.
 *
 * Numbers are the doubles Python's float() gives: correctly rounded. A decimal with at most
 * 15 significant digits and a small exponent is one exact division or product of two exactly
 * represented doubles (Clinger's fast path); any other goes to strtod_l in the C locale, which
 * glibc rounds correctly.
 *
 * sizes(paths, threads) -> (width, height, dev, ino)
 *
 *   The image size from the first 4096 bytes of each file (64 KiB for a JPEG whose frame
 *   header is not in those, as guidec.imagesize.size_of_file reads them), where this file can
 *   say it for certain (PNG, GIF, BMP, WebP, JPEG); width -1 elsewhere, and the caller asks guidec.imagesize, which stays the one definition (a test
 *   holds the two equal). dev/ino as for scan (0 when not read).
 *
 * header_size(data) -> (width, height) | None: the same decision on bytes (for the tests).
 */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_cfiles.h"

#define MAX_TOKEN 128 /* longer number tokens: the Python path */
#define HEAD 4096       /* what guidec.imagesize.size_of_file reads first */
#define JPEG_HEAD 65536 /* and then, for a JPEG whose frame header is not in the first */

static locale_t c_locale;

/* ------------------------------------------------------------------------------ a growable array */
typedef struct {
    char *p;
    size_t len, cap; /* bytes */
} Buf;

static int buf_put(Buf *b, const void *src, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *q = realloc(b->p, cap);
        if (q == NULL) return -1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
    return 0;
}

static void buf_free(Buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------------ numbers */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* One number token [s, e): 0 and *out when it is a plain decimal, -1 otherwise. */
static int number(const char *s, const char *e, double *out) {
    const char *p = s;
    int neg = 0;
    if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
    uint64_t mant = 0;
    int digits = 0, int_digits = 0, frac_digits = 0, exp = 0;
    while (p < e && *p >= '0' && *p <= '9') {
        if (mant || *p != '0') { /* leading zeros are not significant */
            if (digits < 19) mant = mant * 10 + (uint64_t)(*p - '0');
            else exp++; /* dropped digit: only the strtod path uses the token then */
            digits++;
        }
        int_digits++;
        p++;
    }
    if (p < e && *p == '.') {
        p++;
        while (p < e && *p >= '0' && *p <= '9') {
            if (mant || *p != '0') {
                if (digits < 19) {
                    mant = mant * 10 + (uint64_t)(*p - '0');
                    exp--;
                }
                digits++;
            } else {
                exp--;
            }
            frac_digits++;
            p++;
        }
    }
    if (int_digits + frac_digits == 0) return -1;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p == e) return -1;
        int ev = 0;
        while (p < e && *p >= '0' && *p <= '9') {
            if (ev < 100000) ev = ev * 10 + (*p - '0');
            p++;
        }
        exp += eneg ? -ev : ev;
    }
    if (p != e) return -1;
    double v;
    if (digits <= 15 && exp >= -22 && exp <= 22) { /* exact operands: one rounding */
        v = (double)mant;
        v = exp < 0 ? v / POW10[-exp] : v * POW10[exp];
    } else if (mant == 0) {
        v = 0.0;
    } else {
        size_t n = (size_t)(e - s);
        if (n >= MAX_TOKEN) return -1;
        char tmp[MAX_TOKEN];
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        char *end;
        v = strtod_l(tmp, &end, c_locale);
        if (end != tmp + n) return -1;
        v = fabs(v);
    }
    *out = neg ? -v : v;
    return 0;
}

/* ------------------------------------------------------------------------------ one label file */
typedef struct {
    Buf rows;   /* int32 line, int32 count, int64 cls: 16 bytes a row */
    Buf values; /* double */
} Parsed;

static inline int is_space(char c) { return c == ' ' || c == '\t'; }

/* 0: regular, rows in *out; -1: not regular (or out of memory): the Python path reads it. */
static int parse(const char *d, size_t n, Parsed *out) {
    const char *p = d, *end = d + n;
    if (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        p += 3;
    int32_t ln = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > p && le[-1] == '\r') le--;
        ln++;
        const char *q = p;
        while (q < le && is_space(*q)) q++;
        if (q == le) { /* blank line */
            p = next;
            continue;
        }
        /* the class index */
        int64_t cls = 0;
        const char *t = q;
        while (q < le && *q >= '0' && *q <= '9') cls = cls * 10 + (*q++ - '0');
        if (q - t < 1 || q - t > 9 || (q < le && !is_space(*q))) return -1;
        int32_t count = 1;
        for (;;) {
            while (q < le && is_space(*q)) q++;
            if (q == le) break;
            t = q;
            while (q < le && !is_space(*q)) q++;
            double v;
            if (number(t, q, &v) < 0 || !isfinite(v) || fabs(v) > 1e9) return -1;
            if (buf_put(&out->values, &v, sizeof v) < 0) return -1;
            count++;
        }
        struct {
            int32_t line, count;
            int64_t cls;
        } row = {ln, count, cls};
        if (buf_put(&out->rows, &row, sizeof row) < 0) return -1;
        p = next;
    }
    return 0;
}

/* Every byte must be printable ASCII, a space, a tab, \n, or \r right before \n (what the
   parser assumes; Python's splitlines and split know more separators). */
static int plain_text(const char *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c >= 0x20 && c < 0x7F) continue;
        if (c == '\t' || c == '\n') continue;
        if (c == '\r' && i + 1 < n && d[i + 1] == '\n') continue;
        if (i == 0 && n >= 3 && c == 0xEF && (unsigned char)d[1] == 0xBB &&
            (unsigned char)d[2] == 0xBF) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

typedef struct {
    const char **paths;
    int64_t limit;
    char *status;
    int64_t *nread;
    uint64_t *dev, *ino;
    Parsed *parsed;
} ScanCtx;

static void scan_one(void *arg, Py_ssize_t i) {
    ScanCtx *c = (ScanCtx *)arg;
    gf_file f;
    c->nread[i] = -1;
    if (gf_read(c->paths[i], c->limit, &f) != GF_OK) {
        c->status[i] = 1;
        return;
    }
    c->nread[i] = (int64_t)f.size;
    c->dev[i] = f.dev;
    c->ino[i] = f.ino;
    Parsed *out = &c->parsed[i];
    if (!plain_text(f.data, f.size) || parse(f.data, f.size, out) < 0) {
        buf_free(&out->rows);
        buf_free(&out->values);
        c->status[i] = 2;
    }
    gf_free(&f);
}

static PyObject *scan(PyObject *self, PyObject *args) {
    PyObject *seq, *keep = NULL;
    long long limit;
    int threads;
    if (!PyArg_ParseTuple(args, "OLi", &seq, &limit, &threads)) return NULL;
    Py_ssize_t n;
    const char **paths = gf_paths(seq, &n, &keep);
    if (paths == NULL) return NULL;
    PyObject *result = NULL, *status = NULL, *nread = NULL, *dev = NULL, *ino = NULL;
    PyObject *file_rows = NULL, *line = NULL, *count = NULL, *cls = NULL, *values = NULL;
    Parsed *parsed = calloc((size_t)(n ? n : 1), sizeof(Parsed));
    status = PyBytes_FromStringAndSize(NULL, n);
    nread = PyBytes_FromStringAndSize(NULL, n * 8);
    dev = PyBytes_FromStringAndSize(NULL, n * 8);
    ino = PyBytes_FromStringAndSize(NULL, n * 8);
    file_rows = PyBytes_FromStringAndSize(NULL, (n + 1) * 8);
    if (!parsed || !status || !nread || !dev || !ino || !file_rows) {
        PyErr_NoMemory();
        goto done;
    }
    ScanCtx c = {paths, (int64_t)limit, PyBytes_AS_STRING(status),
                 (int64_t *)PyBytes_AS_STRING(nread), (uint64_t *)PyBytes_AS_STRING(dev),
                 (uint64_t *)PyBytes_AS_STRING(ino), parsed};
    memset(c.status, 0, (size_t)n);
    memset(c.dev, 0, (size_t)n * 8);
    memset(c.ino, 0, (size_t)n * 8);
    Py_BEGIN_ALLOW_THREADS
    gf_parallel(threads < 1 ? 1 : threads, n, scan_one, &c);
    Py_END_ALLOW_THREADS
    /* join the files' parts in index order: the output does not depend on the threads */
    size_t nrows = 0, nvals = 0;
    int64_t *fr = (int64_t *)PyBytes_AS_STRING(file_rows);
    fr[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        nrows += parsed[i].rows.len / 16;
        nvals += parsed[i].values.len / 8;
        fr[i + 1] = (int64_t)nrows;
    }
    line = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nrows * 4);
    count = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nrows * 4);
    cls = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nrows * 8);
    values = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nvals * 8);
    if (!line || !count || !cls || !values) goto done;
    int32_t *pl = (int32_t *)PyBytes_AS_STRING(line), *pc = (int32_t *)PyBytes_AS_STRING(count);
    int64_t *pk = (int64_t *)PyBytes_AS_STRING(cls);
    char *pv = PyBytes_AS_STRING(values);
    size_t r = 0, v = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *rows = parsed[i].rows.p;
        for (size_t k = 0; k < parsed[i].rows.len / 16; k++, r++) {
            memcpy(&pl[r], rows + 16 * k, 4);
            memcpy(&pc[r], rows + 16 * k + 4, 4);
            memcpy(&pk[r], rows + 16 * k + 8, 8);
        }
        if (parsed[i].values.len) memcpy(pv + v, parsed[i].values.p, parsed[i].values.len);
        v += parsed[i].values.len;
    }
    result = PyTuple_Pack(9, status, nread, dev, ino, file_rows, line, count, cls, values);
done:
    if (parsed)
        for (Py_ssize_t i = 0; i < n; i++) {
            buf_free(&parsed[i].rows);
            buf_free(&parsed[i].values);
        }
    free(parsed);
    Py_XDECREF(status);
    Py_XDECREF(nread);
    Py_XDECREF(dev);
    Py_XDECREF(ino);
    Py_XDECREF(file_rows);
    Py_XDECREF(line);
    Py_XDECREF(count);
    Py_XDECREF(cls);
    Py_XDECREF(values);
    Py_XDECREF(keep);
    PyMem_Free((void *)paths);
    return result;
}

/* ------------------------------------------------------------------------------ image headers */
static uint32_t be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le16(const unsigned char *p) { return (uint32_t)p[1] << 8 | p[0]; }
static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* guidec.imagesize.size_of_bytes where it is certain: 0 and (w, h) > 0; -1 otherwise (the
   caller asks guidec.imagesize). */
static int header_size_of(const unsigned char *d, size_t n, int64_t *w, int64_t *h) {
    int64_t W = 0, H = 0;
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        if (n < 24 || memcmp(d + 12, "IHDR", 4) != 0) return -1;
        W = be32(d + 16);
        H = be32(d + 20);
    } else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        size_t i = 2;
        for (;;) {
            if (i + 4 > n || d[i] != 0xFF) return -1;
            unsigned m = d[i + 1];
            if (m == 0xFF) {
                i += 1;
                continue;
            }
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                i += 2;
                continue;
            }
            if (m == 0xD9 || m == 0xDA) return -1;
            uint32_t len = be16(d + i + 2);
            if (len < 2) return -1;
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (i + 9 > n) return -1;
                H = be16(d + i + 5);
                W = be16(d + i + 7);
                break;
            }
            i += 2 + len;
        }
    } else if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) {
        if (n < 10) return -1;
        W = le16(d + 6);
        H = le16(d + 8);
    } else if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
        if (n < 30) return -1;
        if (memcmp(d + 12, "VP8X", 4) == 0) {
            W = (int64_t)(d[24] | d[25] << 8 | d[26] << 16) + 1;
            H = (int64_t)(d[27] | d[28] << 8 | d[29] << 16) + 1;
        } else if (memcmp(d + 12, "VP8 ", 4) == 0) {
            if (memcmp(d + 23, "\x9d\x01\x2a", 3) != 0) return -1;
            W = le16(d + 26) & 0x3FFF;
            H = le16(d + 28) & 0x3FFF;
        } else if (memcmp(d + 12, "VP8L", 4) == 0) {
            if (d[20] != 0x2F) return -1;
            uint32_t b = le32(d + 21);
            W = (b & 0x3FFF) + 1;
            H = ((b >> 14) & 0x3FFF) + 1;
        } else {
            return -1;
        }
    } else if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
        if (n < 26) return -1;
        W = (int32_t)le32(d + 18);
        H = (int32_t)le32(d + 22);
        if (H < 0) H = -H;
    } else {
        return -1;
    }
    if (W <= 0 || H <= 0) return -1;
    *w = W;
    *h = H;
    return 0;
}

typedef struct {
    const char **paths;
    int64_t *w, *h;
    uint64_t *dev, *ino;
} SizeCtx;

static void size_one(void *arg, Py_ssize_t i) {
    SizeCtx *c = (SizeCtx *)arg;
    unsigned char buf[HEAD];
    size_t got;
    c->w[i] = c->h[i] = -1;
    if (gf_read_head(c->paths[i], buf, HEAD, &got, &c->dev[i], &c->ino[i]) != GF_OK) return;
    if (header_size_of(buf, got, &c->w[i], &c->h[i]) == 0) return;
    /* size_of_file's second step: a JPEG whose first 4096 bytes hold no frame header (a
       long EXIF segment) is read to 64 KiB and walked again from its start */
    if (got == HEAD && buf[0] == 0xFF && buf[1] == 0xD8) {
        unsigned char *big = malloc(JPEG_HEAD);
        if (big == NULL) return;
        uint64_t dev, ino;
        if (gf_read_head(c->paths[i], big, JPEG_HEAD, &got, &dev, &ino) == GF_OK &&
            (dev != c->dev[i] || ino != c->ino[i] ||
             header_size_of(big, got, &c->w[i], &c->h[i]) != 0))
            c->w[i] = c->h[i] = -1; /* replaced meanwhile, or not found: the caller asks */
        free(big);
    }
}

static PyObject *sizes(PyObject *self, PyObject *args) {
    PyObject *seq, *keep = NULL;
    int threads;
    if (!PyArg_ParseTuple(args, "Oi", &seq, &threads)) return NULL;
    Py_ssize_t n;
    const char **paths = gf_paths(seq, &n, &keep);
    if (paths == NULL) return NULL;
    PyObject *w = PyBytes_FromStringAndSize(NULL, n * 8), *h = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *dev = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *ino = PyBytes_FromStringAndSize(NULL, n * 8);
    PyObject *result = NULL;
    if (w && h && dev && ino) {
        SizeCtx c = {paths, (int64_t *)PyBytes_AS_STRING(w), (int64_t *)PyBytes_AS_STRING(h),
                     (uint64_t *)PyBytes_AS_STRING(dev), (uint64_t *)PyBytes_AS_STRING(ino)};
        memset(c.dev, 0, (size_t)n * 8);
        memset(c.ino, 0, (size_t)n * 8);
        Py_BEGIN_ALLOW_THREADS
        gf_parallel(threads < 1 ? 1 : threads, n, size_one, &c);
        Py_END_ALLOW_THREADS
        result = PyTuple_Pack(4, w, h, dev, ino);
    }
    Py_XDECREF(w);
    Py_XDECREF(h);
    Py_XDECREF(dev);
    Py_XDECREF(ino);
    Py_XDECREF(keep);
    PyMem_Free((void *)paths);
    return result;
}

static PyObject *header_size(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    int64_t w, h;
    int r = header_size_of(view.buf, (size_t)view.len < HEAD ? (size_t)view.len : HEAD, &w, &h);
    PyBuffer_Release(&view);
    if (r < 0) Py_RETURN_NONE;
    return Py_BuildValue("(LL)", (long long)w, (long long)h);
}

static PyObject *entries(PyObject *self, PyObject *arg) { return gf_entries(arg); }

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "scan(paths, limit, threads): label files into columns"},
    {"entries", entries, METH_O,
     "entries(folder): (files, folders to walk into, others) as os.walk sorts them, or None"},
    {"sizes", sizes, METH_VARARGS, "sizes(paths, threads): image sizes from their headers"},
    {"header_size", header_size, METH_O, "header_size(data): (w, h) or None"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_yoloscan",
                                    "YOLO label files into columns, on threads", -1, methods};

PyMODINIT_FUNC PyInit__yoloscan(void) {
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0) return PyErr_NoMemory();
    return PyModule_Create(&module);
}
