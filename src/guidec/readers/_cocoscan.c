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

#include "_json.h" /* the JSON primitives, shared with _lsscan.c */

#define MAX_ATTRS 256       /* more distinct attribute names: the general path */

/* ------------------------------------------------------------------------------------ */
typedef struct {
    PyObject *name;   /* str */
    Buf rows;         /* int64 row of each value */
    PyObject *values; /* list */
    int64_t last_row;
} AttrCol;


typedef struct {
    Json j; /* the cursor */
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
    PyObject *rle_objs; /* streaming: [(row, RLE object)], parsed while its pages are in */
} Scanner;


/* '[' numbers ']' appended to `out`; the count in *count. */
static int scan_numbers(Scanner *s, Buf *out, int64_t *count) {
    if (expect(&s->j, '[') < 0) return BAIL;
    int64_t k = 0;
    ws(&s->j);
    if (peek(&s->j) == ']') {
        s->j.p++;
        *count = 0;
        return OK;
    }
    for (;;) {
        double d;
        if (scan_double(&s->j, &d) < 0) return BAIL;
        if (put_f64(out, d) < 0) return FAIL;
        k++;
        int r = next_member(&s->j, ']');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    *count = k;
    return OK;
}

/* '[' exactly four numbers ']' into box. */
static int scan_box(Scanner *s, double *box) {
    if (expect(&s->j, '[') < 0) return BAIL;
    for (int i = 0; i < 4; i++) {
        if (scan_double(&s->j, &box[i]) < 0) return BAIL;
        if (expect(&s->j, i < 3 ? ',' : ']') < 0) return BAIL;
    }
    return OK;
}

static int scan_attributes(Scanner *s, int64_t row) {
    int r = is_null(&s->j);
    if (r) return r < 0 ? BAIL : OK;
    if (expect(&s->j, '{') < 0) return BAIL;
    ws(&s->j);
    if (peek(&s->j) == '}') {
        s->j.p++;
        return OK;
    }
    for (;;) {
        const unsigned char *k;
        size_t n;
        if (scan_key(&s->j, &k, &n) < 0) return BAIL;
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
        PyObject *v = json_scalar(&s->j, s->loads);
        if (!v) return PyErr_Occurred() ? FAIL : BAIL;
        int bad = PyList_Append(col->values, v);
        Py_DECREF(v);
        if (bad < 0 || put_i64(&col->rows, row) < 0) return FAIL;
        r = next_member(&s->j, '}');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

static int scan_segmentation(Scanner *s, int64_t row, uint8_t *kind, int64_t *nrings) {
    ws(&s->j);
    int c = peek(&s->j);
    *nrings = 0;
    if (c == 'n') {
        *kind = 0;
        return skip_literal(&s->j, "null", 4);
    }
    if (c == '{') {
        const unsigned char *b = s->j.p;
        if (skip_value(&s->j, 1) < 0) return BAIL;
        *kind = 2;
        if (s->rle_objs) { /* streaming: these pages are given back soon, parse it now */
            PyObject *view = PyMemoryView_FromMemory((char *)b, (Py_ssize_t)(s->j.p - b),
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
        if (put_i64(&s->rle, row) < 0 || put_i64(&s->rle, b - s->j.start) < 0 ||
            put_i64(&s->rle, s->j.p - s->j.start) < 0)
            return FAIL;
        return OK;
    }
    if (c != '[') return BAIL;
    *kind = 1;
    s->j.p++;
    ws(&s->j);
    if (peek(&s->j) == ']') {
        s->j.p++;
        return OK;
    }
    for (;;) {
        ws(&s->j);
        if (peek(&s->j) != '[') return BAIL; /* a flat list or junk: the general path names it */
        int64_t k;
        int r = scan_numbers(s, &s->values, &k);
        if (r < 0) return r;
        if (put_i64(&s->ring_len, k) < 0) return FAIL;
        (*nrings)++;
        r = next_member(&s->j, ']');
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
    if (expect(&s->j, '{') < 0) return BAIL;
    ws(&s->j);
    if (peek(&s->j) == '}') return BAIL; /* no id */
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(&s->j, &k, &n) < 0) return BAIL;
        if (KEY_IS(k, n, "id")) {
            f = F_ID;
            r = scan_int(&s->j, &id);
        } else if (KEY_IS(k, n, "image_id")) {
            f = F_IMAGE;
            r = scan_int(&s->j, &image);
        } else if (KEY_IS(k, n, "category_id")) {
            f = F_CAT;
            r = scan_int(&s->j, &cat);
        } else if (KEY_IS(k, n, "bbox")) {
            f = F_BBOX;
            r = is_null(&s->j);
            if (r == 0) r = scan_box(s, box);
            else if (r > 0) r = OK;
        } else if (KEY_IS(k, n, "area")) {
            f = F_AREA;
            r = is_null(&s->j);
            if (r == 0) r = scan_double(&s->j, &area);
            else if (r > 0) r = OK;
        } else if (KEY_IS(k, n, "iscrowd")) {
            f = F_CROWD;
            r = is_null(&s->j);
            if (r == 0) r = scan_int(&s->j, &crowd);
            else if (r > 0) r = OK;
            if (r == OK && crowd != 0 && crowd != 1) r = BAIL;
        } else if (KEY_IS(k, n, "segmentation")) {
            f = F_SEG;
            r = scan_segmentation(s, row, &seg, &nrings);
        } else if (KEY_IS(k, n, "keypoints")) {
            f = F_KP;
            r = is_null(&s->j);
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
            r = skip_value(&s->j, 2);
        }
        if (r < 0) return r;
        if (seen & f) return BAIL; /* a key given twice */
        seen |= f;
        r = next_member(&s->j, '}');
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
    if (expect(&s->j, '{') < 0) return BAIL;
    ws(&s->j);
    if (peek(&s->j) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(&s->j, &k, &n) < 0) goto bail;
        if (KEY_IS(k, n, "id")) {
            f = 1;
            r = scan_int(&s->j, &id);
        } else if (KEY_IS(k, n, "width")) {
            f = 2;
            r = scan_double(&s->j, &w);
        } else if (KEY_IS(k, n, "height")) {
            f = 4;
            r = scan_double(&s->j, &h);
        } else if (KEY_IS(k, n, "file_name")) {
            f = 8;
            ws(&s->j);
            if (peek(&s->j) != '"' || (seen & 8)) goto bail;
            name = json_scalar(&s->j, s->loads);
            if (!name) goto fail_or_bail;
            r = OK;
        } else if (KEY_IS(k, n, "license") || KEY_IS(k, n, "coco_url") ||
                   KEY_IS(k, n, "flickr_url") || KEY_IS(k, n, "date_captured")) {
            r = skip_value(&s->j, 2);
        } else {
            ws(&s->j);
            /* a scalar is the image's own metadata (a store, a site): the general path keeps
             * it; lists and objects (LVIS's category lists) are not metadata, skipped there too */
            if (peek(&s->j) != '[' && peek(&s->j) != '{') goto bail;
            r = skip_value(&s->j, 2);
        }
        if (r < 0) goto bail;
        if (seen & f) goto bail;
        seen |= f;
        r = next_member(&s->j, '}');
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

static int scan_array_of(Scanner *s, int (*item)(Scanner *)) {
    if (expect(&s->j, '[') < 0) return BAIL;
    ws(&s->j);
    if (peek(&s->j) == ']') {
        s->j.p++;
        return OK;
    }
    for (;;) {
        int r = item(s);
        if (r < 0) return r;
        json_maybe_release(&s->j);
        r = next_member(&s->j, ']');
        if (r < 0) return BAIL;
        if (r == 0) return OK;
    }
}

static int scan_document(Scanner *s) {
    unsigned seen = 0;
    int r;
    if (expect(&s->j, '{') < 0) return BAIL;
    ws(&s->j);
    if (peek(&s->j) == '}') return BAIL;
    for (;;) {
        const unsigned char *k;
        size_t n;
        unsigned f = 0;
        if (scan_key(&s->j, &k, &n) < 0) return BAIL;
        if (KEY_IS(k, n, "images")) {
            f = 1;
            r = (seen & f) ? BAIL : scan_array_of(s, scan_image);
        } else if (KEY_IS(k, n, "annotations")) {
            f = 2;
            r = (seen & f) ? BAIL : scan_array_of(s, scan_annotation);
        } else if (KEY_IS(k, n, "categories")) {
            f = 4;
            ws(&s->j);
            s->cat_start = s->j.p - s->j.start;
            r = skip_value(&s->j, 1);
            s->cat_end = s->j.p - s->j.start;
        } else {
            r = skip_value(&s->j, 1);
        }
        if (r < 0) return r;
        if (seen & f) return BAIL;
        seen |= f;
        r = next_member(&s->j, '}');
        if (r < 0) return BAIL;
        if (r == 0) break;
    }
    ws(&s->j);
    if (s->j.p != s->j.end) return BAIL; /* trailing data */
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
    s->j.start = s->j.p = (const unsigned char *)view.buf;
    s->j.end = s->j.start + view.len;
    s->loads = loads;
    s->j.release = release > 0 ? (size_t)release : 0;
    s->j.released = s->j.start;
    s->img_names = PyList_New(0);
    s->rle_objs = s->j.release ? PyList_New(0) : NULL;
    PyObject *out = NULL;
    if (s->img_names && (s->rle_objs || !s->j.release)) {
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
