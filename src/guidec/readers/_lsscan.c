/* One pass over a Label Studio JSON export straight into columns: guidec's fast path for big
 * exports.
 *
 * scan(data, loads, release=0) -> dict | None
 *
 * orjson.loads of a 50,000-task export builds millions of floats, lists and dicts, which the
 * reader then walks one result at a time. This scanner reads the bytes once and writes columns:
 * per task its id, image name, size and ``data`` fields; per region its kind, label, id, the
 * raw percent numbers of its ``value`` and the polygon points as one flat array. The Python
 * side (readers/label_studio_fast.py) converts percent to pixels on whole columns.
 *
 * It only handles the regular shape of an export: a list of tasks, each with a ``data``
 * object and annotations (none cancelled; several: one image row each), whose results are rectangles, polygons,
 * ellipses, keypoints, relations and per-region or image-level results (choices, textarea,
 * number, rating, taxonomy, labels, datetime: each handed over whole, as orjson reads it, with
 * the row of the region it names). Whenever anything is not that shape (a cancelled annotation,
 * brushes, a label list of two, a wrong type, a duplicate key or region id, an escaped key, a
 * syntax error) it returns None and the caller reads the file
 * with the general reader (readers/label_studio.py), which reports every problem with its
 * location. So it never produces a finding: it only has to be exactly right about a regular
 * file, which tests/readers/test_lsscan.py checks against the general reader.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#include "_json.h" /* the JSON primitives, shared with _cocoscan.c */

#define MAX_DATA 64   /* more distinct data keys (or more in one task): the general path */
#define MAX_LABELS 64 /* distinct label names kept as shared str objects */
#define HUGE_SIZE 1e9 /* readers._common.HUGE */

enum { K_BOX = 1, K_POLYGON = 2, K_ELLIPSE = 3, K_POINT = 4, K_EXTRA = 8, K_RELATION = 9 };
enum { NUMS = 7 }; /* x, y, width, height, radiusX, radiusY, rotation */

typedef struct {
    PyObject *name;   /* "data.<key>" */
    PyObject *key;    /* "<key>" */
    Buf rows;         /* int64 image row of each value */
    PyObject *values; /* list */
} DataCol;

/* The region ids of one annotation, to find a repeated one (the general reader's business). */
typedef struct {
    Buf bytes;                /* the ids' bytes (a type tag, then the id) */
    uint64_t *hash;           /* 0: empty slot */
    int64_t *off, *len, *row; /* row: the table row of the region */
    size_t cap, used;
    Buf touched;              /* int64 slots in use, cleared per annotation */
} IdSet;

typedef struct {
    Json j;
    PyObject *loads;
    /* images: one per annotation (one for a task without any) */
    int64_t nimages;
    PyObject *img_key, *img_name;
    PyObject *img_aid, *img_by; /* the annotation's id and completed_by, None when absent */
    Buf img_w, img_h, img_task, img_ann, img_nrows;
    DataCol data[MAX_DATA];
    int ndata;
    /* rows: one per region */
    PyObject *label, *ann_id;
    int64_t nrows;
    Buf kind;  /* uint8 */
    Buf nums;  /* float64 x NUMS, percent as written */
    Buf npts;  /* int64 points of a polygon row, 1 for a keypoint, 0 otherwise */
    Buf pts;   /* float64 x 2 per point, percent */
    Buf res;   /* int64 index of the row's result in its annotation */
    PyObject *labels[MAX_LABELS];
    int nlabels;
    IdSet ids;
    /* per-region and image-level results (choices, textarea, ...): [(image, row, result)],
     * row -1 for the image; the reader's own rules turn them into attributes and text */
    PyObject *extras;
    PyObject *pending; /* [(result, id or None)] of the annotation being read */
} Scanner;

static const char *LABEL_KEYS[] = {"rectanglelabels", "polygonlabels", "ellipselabels",
                                   "keypointlabels"}; /* index = kind - 1 */

/* ------------------------------------------------------------------------------------ */
static uint64_t fnv(const unsigned char *p, size_t n, unsigned char tag) {
    uint64_t h = 1469598103934665603ULL ^ tag;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static void ids_clear(IdSet *t) {
    int64_t *slots = (int64_t *)t->touched.p;
    size_t k = t->touched.len / sizeof(int64_t);
    for (size_t i = 0; i < k; i++) t->hash[slots[i]] = 0;
    t->touched.len = 0;
    t->bytes.len = 0;
    t->used = 0;
}

static int ids_grow(IdSet *t) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    uint64_t *h = PyMem_RawCalloc(cap, sizeof *h);
    int64_t *o = PyMem_RawMalloc(cap * sizeof *o), *l = PyMem_RawMalloc(cap * sizeof *l);
    int64_t *w = PyMem_RawMalloc(cap * sizeof *w);
    if (!h || !o || !l || !w) {
        PyMem_RawFree(h);
        PyMem_RawFree(o);
        PyMem_RawFree(l);
        PyMem_RawFree(w);
        return -1;
    }
    Buf touched = {0};
    for (size_t i = 0; i < t->cap; i++) { /* rehash the annotation's ids */
        if (!t->hash[i]) continue;
        size_t k = t->hash[i] & (cap - 1);
        while (h[k]) k = (k + 1) & (cap - 1);
        h[k] = t->hash[i];
        o[k] = t->off[i];
        l[k] = t->len[i];
        w[k] = t->row[i];
        if (put_i64(&touched, (int64_t)k) < 0) {
            buf_free(&touched);
            PyMem_RawFree(h);
            PyMem_RawFree(o);
            PyMem_RawFree(l);
            PyMem_RawFree(w);
            return -1;
        }
    }
    PyMem_RawFree(t->hash);
    PyMem_RawFree(t->off);
    PyMem_RawFree(t->len);
    PyMem_RawFree(t->row);
    buf_free(&t->touched);
    t->hash = h;
    t->off = o;
    t->len = l;
    t->row = w;
    t->cap = cap;
    t->touched = touched;
    return 0;
}

/* The slot of an id, or of the empty slot where it would go (the table is never full). */
static size_t ids_slot(IdSet *t, unsigned char tag, const unsigned char *p, size_t n,
                       uint64_t h) {
    size_t k = h & (t->cap - 1);
    while (t->hash[k]) {
        if (t->hash[k] == h && (size_t)t->len[k] == n + 1 &&
            t->bytes.p[t->off[k]] == (char)tag && memcmp(t->bytes.p + t->off[k] + 1, p, n) == 0)
            return k;
        k = (k + 1) & (t->cap - 1);
    }
    return k;
}

/* The row of a region id of the annotation, or -1. */
static int64_t ids_find(IdSet *t, unsigned char tag, const unsigned char *p, size_t n) {
    if (!t->cap) return -1;
    size_t k = ids_slot(t, tag, p, n, fnv(p, n, tag));
    return t->hash[k] ? t->row[k] : -1;
}

/* Add an id: OK, BAIL when the annotation already holds it, FAIL out of memory. */
static int ids_add(IdSet *t, unsigned char tag, const unsigned char *p, size_t n, int64_t row) {
    if ((t->used + 1) * 2 > t->cap && ids_grow(t) < 0) return FAIL;
    uint64_t h = fnv(p, n, tag);
    size_t k = ids_slot(t, tag, p, n, h);
    if (t->hash[k]) return BAIL;
    int64_t off = (int64_t)t->bytes.len;
    if (put_u8(&t->bytes, tag) < 0 || buf_put(&t->bytes, p, n) < 0 ||
        put_i64(&t->touched, (int64_t)k) < 0)
        return FAIL;
    t->hash[k] = h;
    t->off[k] = off;
    t->len[k] = (int64_t)(n + 1);
    t->row[k] = row;
    t->used++;
    return OK;
}

static void ids_free(IdSet *t) {
    PyMem_RawFree(t->hash);
    PyMem_RawFree(t->off);
    PyMem_RawFree(t->len);
    PyMem_RawFree(t->row);
    buf_free(&t->bytes);
    buf_free(&t->touched);
}

/* ------------------------------------------------------------------------------------ */
/* A label name as a str, one object per distinct name. */
static PyObject *label_str(Scanner *s, const unsigned char *b, size_t n) {
    for (int i = 0; i < s->nlabels; i++) {
        PyObject *o = s->labels[i];
        if ((size_t)PyUnicode_GET_LENGTH(o) == n && PyUnicode_IS_ASCII(o) &&
            memcmp(PyUnicode_DATA(o), b, n) == 0)
            return Py_NewRef(o);
    }
    PyObject *o = PyUnicode_DecodeUTF8((const char *)b, (Py_ssize_t)n, "strict");
    if (o && s->nlabels < MAX_LABELS && PyUnicode_IS_ASCII(o)) s->labels[s->nlabels++] = Py_NewRef(o);
    return o;
}

/* The value whose JSON text runs from q to the cursor, read by orjson (a string with escapes,
 * a whole result). NULL with no exception set when orjson refuses it: the general path. */
static PyObject *loads_span(Scanner *s, const unsigned char *q) {
    PyObject *view = PyMemoryView_FromMemory((char *)q, (Py_ssize_t)(s->j.p - q), PyBUF_READ);
    if (!view) return NULL;
    PyObject *v = PyObject_CallOneArg(s->loads, view);
    Py_DECREF(view);
    if (!v && PyErr_ExceptionMatches(PyExc_ValueError)) PyErr_Clear();
    return v;
}

/* '[' ']' (*out = NULL) or '[' "name" ']' (*out = the name); anything else: BAIL. */
static int scan_labels(Scanner *s, PyObject **out) {
    Json *j = &s->j;
    if (expect(j, '[') < 0) return BAIL;
    ws(j);
    if (peek(j) == ']') {
        j->p++;
        *out = NULL;
        return OK;
    }
    const unsigned char *b;
    size_t n;
    int esc;
    const unsigned char *q = j->p;
    if (peek(j) != '"' || scan_string(j, &b, &n, &esc) < 0) return BAIL;
    *out = esc ? loads_span(s, q) : label_str(s, b, n);
    if (!*out) return PyErr_Occurred() ? FAIL : BAIL;
    if (expect(j, ']') < 0) { /* several labels: the general path (_labels) */
        Py_CLEAR(*out);
        return BAIL;
    }
    return OK;
}

/* A number that is not a big integer (orjson would make a Python int of it). */
static int scan_plain_number(Json *j, double *d) {
    int64_t iv;
    int kind;
    ws(j);
    if (scan_number(j, d, &iv, &kind) < 0 || kind == 2) return BAIL;
    return OK;
}

/* value.points: '[' ('[' x ',' y ']')* ']' appended to pts; the count in *count. */
static int scan_points(Scanner *s, int64_t *count) {
    Json *j = &s->j;
    int64_t k = 0;
    if (expect(j, '[') < 0) return BAIL;
    ws(j);
    if (peek(j) == ']') {
        j->p++;
        *count = 0;
        return OK;
    }
    for (;;) {
        double xy[2];
        if (expect(j, '[') < 0 || scan_plain_number(j, &xy[0]) < 0 || expect(j, ',') < 0 ||
            scan_plain_number(j, &xy[1]) < 0 || expect(j, ']') < 0)
            return BAIL;
        if (buf_put(&s->pts, xy, sizeof xy) < 0) return FAIL;
        k++;
        int r = next_member(j, ']');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    *count = k;
    return OK;
}

static const char *NUM_KEYS[NUMS] = {"x", "y", "width", "height", "radiusX", "radiusY",
                                     "rotation"};

/* A result's value object: its numbers, points and the label of each labels key. */
static int scan_value(Scanner *s, double *nums, int64_t *npts, int *has_points,
                      PyObject **labels) {
    Json *j = &s->j;
    unsigned seen = 0;
    if (expect(j, '{') < 0) return BAIL;
    ws(j);
    if (peek(j) == '}') {
        j->p++;
        return OK;
    }
    for (;;) {
        const unsigned char *k;
        size_t n;
        int r = BAIL, f = -1;
        if (scan_key(j, &k, &n) < 0) return BAIL;
        for (int i = 0; i < NUMS && f < 0; i++)
            if (n == strlen(NUM_KEYS[i]) && memcmp(k, NUM_KEYS[i], n) == 0) f = i;
        if (f >= 0) {
            r = scan_plain_number(j, &nums[f]);
        } else if (KEY_IS(k, n, "points")) {
            f = NUMS;
            r = scan_points(s, npts);
        } else {
            for (int i = 0; i < 4 && f < 0; i++)
                if (n == strlen(LABEL_KEYS[i]) && memcmp(k, LABEL_KEYS[i], n) == 0) f = NUMS + 1 + i;
            if (f >= 0) r = scan_labels(s, &labels[f - NUMS - 1]);
            else if (n >= 6 && memcmp(k + n - 6, "labels", 6) == 0) r = BAIL; /* brushlabels... */
            else r = skip_value(j, 6);
        }
        if (r < 0) return r;
        if (f >= 0) {
            if (seen & (1u << f)) return BAIL; /* a key given twice */
            seen |= 1u << f;
        }
        if (f == NUMS) *has_points = 1;
        r = next_member(j, '}');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

/* original_width / original_height: *ok when a number the reader takes as a size. */
static int scan_size(Json *j, double *v, int *ok) {
    ws(j);
    int c = peek(j);
    *ok = 0;
    if (c == '-' || (c >= '0' && c <= '9')) {
        int64_t iv;
        int kind;
        if (scan_number(j, v, &iv, &kind) < 0) return BAIL;
        *ok = kind != 2 && isfinite(*v) && fabs(*v) <= HUGE_SIZE && *v > 0;
        return OK;
    }
    return skip_value(j, 6);
}

/* Accepts a region id the way the reader does (an integer or a string; null or absent: the
 * result's index), checks it is new in the annotation, and sets *id. */
static int scan_region_id(Scanner *s, PyObject **id) {
    Json *j = &s->j;
    ws(j);
    int c = peek(j);
    if (c == 'n') {
        if (skip_literal(j, "null", 4) < 0) return BAIL;
        *id = Py_NewRef(Py_None);
        return OK;
    }
    if (c == '"') {
        const unsigned char *b;
        size_t n;
        int esc;
        const unsigned char *q = j->p;
        if (scan_string(j, &b, &n, &esc) < 0) return BAIL;
        *id = esc ? loads_span(s, q)
                  : PyUnicode_DecodeUTF8((const char *)b, (Py_ssize_t)n, "strict");
        return *id ? OK : PyErr_Occurred() ? FAIL : BAIL;
    }
    double d;
    int64_t iv;
    int kind;
    if (scan_number(j, &d, &iv, &kind) < 0 || kind != 1) return BAIL;
    *id = PyLong_FromLongLong(iv);
    return *id ? OK : FAIL;
}

/* A region id as the bytes the id set keys it by: 'i' and the digits of an integer, 's' and
 * the UTF-8 of a string (so 5 and "5" stay apart, as in the reader's dict). */
static const char *id_bytes(PyObject *id, char *tmp, size_t cap, unsigned char *tag,
                            Py_ssize_t *n) {
    if (PyLong_Check(id)) {
        *tag = 'i';
        *n = snprintf(tmp, cap, "%lld", PyLong_AsLongLong(id));
        return tmp;
    }
    *tag = 's';
    return PyUnicode_AsUTF8AndSize(id, n);
}

static int remember_id(Scanner *s, PyObject *id, int64_t row) {
    char tmp[32];
    unsigned char tag;
    Py_ssize_t n;
    const char *b = id_bytes(id, tmp, sizeof tmp, &tag, &n);
    if (!b) return FAIL;
    return ids_add(&s->ids, tag, (const unsigned char *)b, (size_t)n, row);
}

static int64_t find_id(Scanner *s, PyObject *id) {
    char tmp[32];
    unsigned char tag;
    Py_ssize_t n;
    const char *b = id_bytes(id, tmp, sizeof tmp, &tag, &n);
    if (!b) return -2;
    return ids_find(&s->ids, tag, (const unsigned char *)b, (size_t)n);
}

enum { R_TYPE = 1, R_VALUE = 2, R_ID = 4, R_W = 8, R_H = 16 };

/* One result of an annotation: a row, a relation (nothing), or BAIL. *w, *h take the first
 * usable original_width/original_height pair. */
static int scan_result(Scanner *s, int64_t ri, double *w, double *h, int *sized, int64_t *rows) {
    Json *j = &s->j;
    double nums[NUMS] = {0, 0, 0, 0, 0, 0, 0};
    double ow = 0, oh = 0;
    int ow_ok = 0, oh_ok = 0, kind = 0, labelled = 0, has_points = 0;
    int64_t npts = 0;
    PyObject *labels[4] = {NULL, NULL, NULL, NULL}, *id = NULL;
    size_t pts0 = s->pts.len;
    unsigned seen = 0;
    int r;
    ws(j);
    const unsigned char *r0 = j->p;
    if (expect(j, '{') < 0) return BAIL;
    ws(j);
    if (peek(j) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(j, &k, &n) < 0) goto bail;
        if (KEY_IS(k, n, "type")) {
            const unsigned char *b;
            size_t len;
            int esc;
            f = R_TYPE;
            ws(j);
            if (peek(j) != '"' || scan_string(j, &b, &len, &esc) < 0 || esc) goto bail;
            if (KEY_IS(b, len, "rectanglelabels")) kind = K_BOX, labelled = 1;
            else if (KEY_IS(b, len, "rectangle")) kind = K_BOX;
            else if (KEY_IS(b, len, "polygonlabels")) kind = K_POLYGON, labelled = 1;
            else if (KEY_IS(b, len, "polygon")) kind = K_POLYGON;
            else if (KEY_IS(b, len, "ellipselabels")) kind = K_ELLIPSE, labelled = 1;
            else if (KEY_IS(b, len, "ellipse")) kind = K_ELLIPSE;
            else if (KEY_IS(b, len, "keypointlabels")) kind = K_POINT, labelled = 1;
            else if (KEY_IS(b, len, "keypoint")) kind = K_POINT;
            else if (KEY_IS(b, len, "relation")) kind = K_RELATION;
            else if (KEY_IS(b, len, "choices") || KEY_IS(b, len, "textarea") ||
                     KEY_IS(b, len, "number") || KEY_IS(b, len, "rating") ||
                     KEY_IS(b, len, "taxonomy") || KEY_IS(b, len, "labels") ||
                     KEY_IS(b, len, "datetime"))
                kind = K_EXTRA;
            else goto bail; /* brushes, unknown types */
            r = OK;
        } else if (KEY_IS(k, n, "value")) {
            f = R_VALUE;
            if (seen & f) goto bail;
            r = scan_value(s, nums, &npts, &has_points, labels);
        } else if (KEY_IS(k, n, "id")) {
            f = R_ID;
            if (seen & f) goto bail;
            r = scan_region_id(s, &id);
        } else if (KEY_IS(k, n, "original_width")) {
            f = R_W;
            r = scan_size(j, &ow, &ow_ok);
        } else if (KEY_IS(k, n, "original_height")) {
            f = R_H;
            r = scan_size(j, &oh, &oh_ok);
        } else {
            r = skip_value(j, 5);
        }
        if (r == FAIL) goto fail;
        if (r < 0) goto bail;
        if (seen & f) goto bail; /* a key given twice */
        seen |= f;
        r = next_member(j, '}');
        if (r < 0) goto bail;
        if (r == 0) break;
    }
    if (!kind) goto bail;
    if (!*sized && ow_ok && oh_ok) {
        *w = ow;
        *h = oh;
        *sized = 1;
    }
    if (id == Py_None) Py_CLEAR(id);
    if (kind == K_RELATION || kind == K_EXTRA) {
        s->pts.len = pts0;
        for (int i = 0; i < 4; i++) Py_CLEAR(labels[i]);
        if (kind == K_EXTRA) { /* the whole result, read by orjson while its pages are in */
            PyObject *obj = loads_span(s, r0);
            if (!obj) goto fail;
            PyObject *t = PyTuple_Pack(2, obj, id ? id : Py_None);
            Py_DECREF(obj);
            if (!t || PyList_Append(s->pending, t) < 0) {
                Py_XDECREF(t);
                goto fail;
            }
            Py_DECREF(t);
        }
        Py_XDECREF(id);
        return OK;
    }
    if (!(seen & R_VALUE)) goto bail; /* V007 */
    if (!id) {
        id = PyUnicode_FromFormat("#%lld", (long long)ri);
        if (!id) goto fail;
    }
    r = remember_id(s, id, s->nrows);
    if (r == FAIL) goto fail;
    if (r < 0) goto bail; /* a region id twice: the general reader's extras */
    if (kind == K_POLYGON) {
        if (!has_points) goto bail; /* V008 */
    } else {
        s->pts.len = pts0; /* points of a non-polygon are not read */
        npts = kind == K_POINT ? 1 : 0;
    }
    PyObject *label = labelled && labels[kind - 1] ? labels[kind - 1] : Py_None;
    if (PyList_Append(s->label, label) < 0 || PyList_Append(s->ann_id, id) < 0) goto fail;
    if (put_u8(&s->kind, (uint8_t)kind) < 0 || buf_put(&s->nums, nums, sizeof nums) < 0 ||
        put_i64(&s->npts, npts) < 0 || put_i64(&s->res, ri) < 0)
        goto fail;
    (*rows)++;
    s->nrows++;
    Py_DECREF(id);
    for (int i = 0; i < 4; i++) Py_XDECREF(labels[i]);
    return OK;
fail:
    Py_XDECREF(id);
    for (int i = 0; i < 4; i++) Py_XDECREF(labels[i]);
    return PyErr_Occurred() ? FAIL : BAIL;
bail:
    Py_XDECREF(id);
    for (int i = 0; i < 4; i++) Py_XDECREF(labels[i]);
    return PyErr_Occurred() ? FAIL : BAIL;
}

/* One annotation: its results become rows; *w, *h its image size (NaN when none). */
/* A JSON value as orjson reads it (completed_by: a user id or a user object). */
static PyObject *any_value(Scanner *s) {
    Json *j = &s->j;
    ws(j);
    const unsigned char *q = j->p;
    if (peek(j) == '{' || peek(j) == '[') {
        if (skip_value(j, 5) < 0) return NULL;
        return loads_span(s, q);
    }
    return json_scalar(j, s->loads);
}

static int scan_annotation(Scanner *s, int64_t img, double *w, double *h, int64_t *rows,
                           PyObject **aid, PyObject **by) {
    Json *j = &s->j;
    unsigned seen = 0;
    int sized = 0, r;
    if (expect(j, '{') < 0) return BAIL;
    ws(j);
    if (peek(j) == '}') return BAIL; /* no result: V008 */
    ids_clear(&s->ids);
    if (PyList_SetSlice(s->pending, 0, PyList_GET_SIZE(s->pending), NULL) < 0) return FAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(j, &k, &n) < 0) return BAIL;
        if (KEY_IS(k, n, "result")) {
            f = 1;
            if (seen & f || expect(j, '[') < 0) return BAIL;
            ws(j);
            if (peek(j) == ']') {
                j->p++;
                r = OK;
            } else {
                for (int64_t ri = 0;; ri++) {
                    r = scan_result(s, ri, w, h, &sized, rows);
                    if (r < 0) return r;
                    r = next_member(j, ']');
                    if (r < 0) return BAIL;
                    if (r == 0) break;
                }
            }
        } else if (KEY_IS(k, n, "was_cancelled")) {
            f = 2;
            ws(j); /* a cancelled annotation is skipped by the reader: the general path */
            r = peek(j) == 'f' ? skip_literal(j, "false", 5)
                : peek(j) == 'n' ? skip_literal(j, "null", 4) : BAIL;
        } else if (KEY_IS(k, n, "id")) {
            f = 4;
            if (seen & f) return BAIL;
            r = scan_region_id(s, aid); /* the same rule: an integer, a string or null */
        } else if (KEY_IS(k, n, "completed_by")) {
            f = 8;
            if (seen & f) return BAIL;
            *by = any_value(s);
            r = *by ? OK : PyErr_Occurred() ? FAIL : BAIL;
        } else {
            r = skip_value(j, 4);
        }
        if (r < 0) return r;
        if (seen & f) return BAIL;
        seen |= f;
        r = next_member(j, '}');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    if (!(seen & 1)) return BAIL;
    if (!sized) *w = *h = NAN;
    /* per-region results name their region by id, before or after it */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(s->pending); i++) {
        PyObject *t = PyList_GET_ITEM(s->pending, i);
        PyObject *id = PyTuple_GET_ITEM(t, 1);
        int64_t row = id == Py_None ? -1 : find_id(s, id);
        if (row == -2) return FAIL;
        PyObject *e = Py_BuildValue("(LLO)", (long long)img, (long long)row,
                                    PyTuple_GET_ITEM(t, 0));
        if (!e || PyList_Append(s->extras, e) < 0) {
            Py_XDECREF(e);
            return FAIL;
        }
        Py_DECREF(e);
    }
    return OK;
}

/* A task's data object: each key with its value (NULL for a list or object). */
typedef struct {
    const unsigned char *key;
    size_t len;
    PyObject *value;
} DataItem;

static void items_free(DataItem *items, int n) {
    for (int i = 0; i < n; i++) Py_XDECREF(items[i].value);
}

static int scan_data(Scanner *s, DataItem *items, int *count) {
    Json *j = &s->j;
    int n = 0;
    if (expect(j, '{') < 0) return BAIL;
    ws(j);
    if (peek(j) == '}') {
        j->p++;
        *count = 0;
        return OK;
    }
    for (;;) {
        const unsigned char *k;
        size_t len;
        if (n >= MAX_DATA || scan_key(j, &k, &len) < 0) goto bail;
        for (int i = 0; i < n; i++)
            if (items[i].len == len && memcmp(items[i].key, k, len) == 0) goto bail;
        ws(j);
        int c = peek(j);
        PyObject *v = NULL;
        if (c == '{' || c == '[') {
            if (skip_value(j, 3) < 0) goto bail;
        } else {
            const unsigned char *v0 = j->p;
            v = json_scalar(j, s->loads);
            if (!v) goto fail_or_bail;
            /* a big integer or a number out of range: the general path */
            if ((c == '-' || (c >= '0' && c <= '9')) &&
                (PyFloat_Check(v) ? !isfinite(PyFloat_AS_DOUBLE(v)) : 0)) {
                Py_DECREF(v);
                goto bail;
            }
            if (PyLong_Check(v) && (size_t)(j->p - v0) > 18) {
                Py_DECREF(v);
                goto bail;
            }
        }
        items[n].key = k;
        items[n].len = len;
        items[n].value = v;
        n++;
        int r = next_member(j, '}');
        if (r < 0) goto bail;
        if (r == 0) break;
    }
    *count = n;
    return OK;
fail_or_bail:
    items_free(items, n);
    return PyErr_Occurred() ? FAIL : BAIL;
bail:
    items_free(items, n);
    return PyErr_Occurred() ? FAIL : BAIL;
}

/* The image name the reader takes from data: image, img, url or ocr, else the first string. */
static PyObject *image_name(DataItem *items, int n) {
    static const char *keys[] = {"image", "img", "url", "ocr"};
    for (int q = 0; q < 4; q++)
        for (int i = 0; i < n; i++)
            if (items[i].len == strlen(keys[q]) && memcmp(items[i].key, keys[q], items[i].len) == 0 &&
                items[i].value && PyUnicode_Check(items[i].value))
                return items[i].value;
    for (int i = 0; i < n; i++)
        if (items[i].value && PyUnicode_Check(items[i].value)) return items[i].value;
    return Py_None;
}

/* data.<key> image attributes: the task's scalar data fields other than the image name. */
static int put_data(Scanner *s, int64_t row, DataItem *items, int n, PyObject *name) {
    for (int i = 0; i < n; i++) {
        PyObject *v = items[i].value;
        if (!v || v == Py_None) continue;
        if (PyUnicode_Check(v) && name != Py_None) {
            int same = PyObject_RichCompareBool(v, name, Py_EQ);
            if (same < 0) return FAIL;
            if (same) continue;
        }
        DataCol *col = NULL;
        for (int c = 0; c < s->ndata && !col; c++) {
            Py_ssize_t kl;
            const char *kb = PyUnicode_AsUTF8AndSize(s->data[c].key, &kl);
            if (!kb) return FAIL;
            if ((size_t)kl == items[i].len && memcmp(kb, items[i].key, items[i].len) == 0)
                col = &s->data[c];
        }
        if (!col) {
            if (s->ndata >= MAX_DATA) return BAIL;
            col = &s->data[s->ndata++];
            memset(col, 0, sizeof *col);
            col->key = PyUnicode_DecodeUTF8((const char *)items[i].key, (Py_ssize_t)items[i].len,
                                            "strict");
            col->name = col->key ? PyUnicode_FromFormat("data.%U", col->key) : NULL;
            col->values = PyList_New(0);
            if (!col->key || !col->name || !col->values) return FAIL;
        }
        if (PyList_Append(col->values, v) < 0 || put_i64(&col->rows, row) < 0) return FAIL;
    }
    return OK;
}

enum { T_ID = 1, T_DATA = 2, T_ANNS = 4 };

/* One image row: its annotation's size, index, id and author, and its number of rows. */
static int put_image(Scanner *s, int64_t ti, double w, double h, int64_t ai, int64_t rows,
                     PyObject *aid, PyObject *by) {
    if (put_f64(&s->img_w, w) < 0 || put_f64(&s->img_h, h) < 0 ||
        put_i64(&s->img_task, ti) < 0 || put_i64(&s->img_ann, ai) < 0 ||
        put_i64(&s->img_nrows, rows) < 0 || PyList_Append(s->img_aid, aid ? aid : Py_None) < 0 ||
        PyList_Append(s->img_by, by ? by : Py_None) < 0)
        return FAIL;
    s->nimages++;
    return OK;
}

/* '[' annotation, ... ']': an image row each. */
static int scan_annotations(Scanner *s, int64_t ti) {
    Json *j = &s->j;
    if (expect(j, '[') < 0) return BAIL;
    ws(j);
    if (peek(j) == ']') {
        j->p++;
        return OK;
    }
    for (int64_t ai = 0;; ai++) {
        double w = NAN, h = NAN;
        int64_t rows = 0;
        PyObject *aid = NULL, *by = NULL;
        int r = scan_annotation(s, s->nimages, &w, &h, &rows, &aid, &by);
        if (r == OK) r = put_image(s, ti, w, h, ai, rows, aid, by);
        Py_XDECREF(aid);
        Py_XDECREF(by);
        if (r < 0) return r;
        r = next_member(j, ']');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

static int scan_task(Scanner *s, int64_t ti) {
    Json *j = &s->j;
    DataItem items[MAX_DATA];
    int nitems = 0, r;
    unsigned seen = 0;
    PyObject *key = NULL;
    int64_t first = s->nimages;
    if (expect(j, '{') < 0) return BAIL;
    ws(j);
    if (peek(j) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(j, &k, &n) < 0) goto bail;
        if (KEY_IS(k, n, "id")) {
            f = T_ID;
            if (seen & f) goto bail;
            r = scan_region_id(s, &key); /* an integer, a string or null, as a task id */
        } else if (KEY_IS(k, n, "data")) {
            f = T_DATA;
            if (seen & f) goto bail;
            r = scan_data(s, items, &nitems);
        } else if (KEY_IS(k, n, "annotations")) {
            f = T_ANNS;
            if (seen & f) goto bail;
            ws(j);
            r = peek(j) == 'n' ? skip_literal(j, "null", 4) : scan_annotations(s, ti);
        } else {
            r = skip_value(j, 2);
        }
        if (r == FAIL) goto fail;
        if (r < 0) goto bail;
        if (seen & f) goto bail;
        seen |= f;
        r = next_member(j, '}');
        if (r < 0) goto bail;
        if (r == 0) break;
    }
    if (!(seen & T_DATA)) goto bail; /* the task itself is the data: the general path */
    if (!key || key == Py_None) {
        Py_XDECREF(key);
        key = PyLong_FromLongLong(ti);
        if (!key) goto fail;
    }
    if (s->nimages == first && put_image(s, ti, NAN, NAN, -1, 0, NULL, NULL) < 0) goto fail;
    PyObject *name = image_name(items, nitems);
    for (int64_t img = first; img < s->nimages; img++) {
        if (PyList_Append(s->img_key, key) < 0 || PyList_Append(s->img_name, name) < 0) goto fail;
        r = put_data(s, img, items, nitems, name);
        if (r == FAIL) goto fail;
        if (r < 0) goto bail;
    }
    Py_DECREF(key);
    items_free(items, nitems);
    return OK;
fail:
    Py_XDECREF(key);
    items_free(items, nitems);
    return FAIL;
bail:
    Py_XDECREF(key);
    items_free(items, nitems);
    return PyErr_Occurred() ? FAIL : BAIL;
}

static int scan_document(Scanner *s) {
    Json *j = &s->j;
    if (expect(j, '[') < 0) return BAIL; /* one task object: the general path */
    ws(j);
    if (peek(j) == ']') return BAIL; /* no task: the general path says so */
    for (int64_t ti = 0;; ti++) {
        int r = scan_task(s, ti);
        if (r < 0) return r;
        json_maybe_release(j);
        r = next_member(j, ']');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    ws(j);
    return j->p == j->end ? OK : BAIL;
}

static void scanner_free(Scanner *s) {
    Buf *bufs[] = {&s->img_w, &s->img_h, &s->img_task, &s->img_ann, &s->img_nrows, &s->kind,
                   &s->nums, &s->npts, &s->pts, &s->res};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) buf_free(bufs[i]);
    Py_CLEAR(s->img_key);
    Py_CLEAR(s->img_name);
    Py_CLEAR(s->img_aid);
    Py_CLEAR(s->img_by);
    Py_CLEAR(s->label);
    Py_CLEAR(s->ann_id);
    Py_CLEAR(s->extras);
    Py_CLEAR(s->pending);
    for (int i = 0; i < s->ndata; i++) {
        Py_CLEAR(s->data[i].name);
        Py_CLEAR(s->data[i].key);
        Py_CLEAR(s->data[i].values);
        buf_free(&s->data[i].rows);
    }
    for (int i = 0; i < s->nlabels; i++) Py_CLEAR(s->labels[i]);
    ids_free(&s->ids);
}

static PyObject *result(Scanner *s) {
    PyObject *d = PyDict_New(), *data = PyList_New(0);
    if (!d || !data) goto fail;
    for (int i = 0; i < s->ndata; i++) {
        DataCol *c = &s->data[i];
        PyObject *rows = buf_bytes(&c->rows);
        if (!rows) goto fail;
        PyObject *t = PyTuple_Pack(3, c->name, rows, c->values);
        Py_DECREF(rows);
        if (!t || PyList_Append(data, t) < 0) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    if (PyDict_SetItemString(d, "data", data) < 0 ||
        PyDict_SetItemString(d, "image_key", s->img_key) < 0 ||
        PyDict_SetItemString(d, "image_name", s->img_name) < 0 ||
        PyDict_SetItemString(d, "image_aid", s->img_aid) < 0 ||
        PyDict_SetItemString(d, "image_by", s->img_by) < 0 ||
        PyDict_SetItemString(d, "label", s->label) < 0 ||
        PyDict_SetItemString(d, "ann_id", s->ann_id) < 0 ||
        PyDict_SetItemString(d, "extras", s->extras) < 0)
        goto fail;
    Py_CLEAR(data);
    if (give(d, "image_width", &s->img_w) < 0 || give(d, "image_height", &s->img_h) < 0 ||
        give(d, "image_task", &s->img_task) < 0 ||
        give(d, "image_ann", &s->img_ann) < 0 || give(d, "image_rows", &s->img_nrows) < 0 ||
        give(d, "kind", &s->kind) < 0 || give(d, "nums", &s->nums) < 0 ||
        give(d, "npts", &s->npts) < 0 || give(d, "points", &s->pts) < 0 ||
        give(d, "result", &s->res) < 0)
        goto fail;
    return d;
fail:
    Py_XDECREF(data);
    Py_XDECREF(d);
    return NULL;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer view;
    PyObject *loads;
    Py_ssize_t release = 0;
    if (!PyArg_ParseTuple(args, "y*O|n:scan", &view, &loads, &release)) return NULL;
    Scanner *s = PyMem_RawCalloc(1, sizeof(Scanner));
    if (!s) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    s->j.start = s->j.p = (const unsigned char *)view.buf;
    s->j.end = s->j.start + view.len;
    s->j.release = release > 0 ? (size_t)release : 0;
    s->j.released = s->j.start;
    s->loads = loads;
    s->img_key = PyList_New(0);
    s->img_name = PyList_New(0);
    s->img_aid = PyList_New(0);
    s->img_by = PyList_New(0);
    s->label = PyList_New(0);
    s->ann_id = PyList_New(0);
    s->extras = PyList_New(0);
    s->pending = PyList_New(0);
    PyObject *out = NULL;
    if (s->img_key && s->img_name && s->img_aid && s->img_by && s->label && s->ann_id &&
        s->extras && s->pending) {
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
     "scan(data, loads, release=0) -> dict | None: the columns of a regular Label Studio JSON "
     "export, or None. release > 0: data is a read-only file mapping whose scanned pages are "
     "dropped every release bytes."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lsscan",
                                    "Columnar fast path for Label Studio JSON exports.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__lsscan(void) { return PyModule_Create(&module); }
