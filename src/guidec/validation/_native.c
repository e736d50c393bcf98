/* Two rule kernels that numpy can only do with many full-size temporaries; each is the
 * numpy version's arithmetic, operation for operation, and the numpy version stays as the
 * fallback for builds without a compiler (tests check the two agree).
 *
 * star_simple(vertices, ring_offsets, rings) -> bytearray
 *   The "winds once about a point" test of guidec.validation.frame.Frame.ring_star_simple.
 *
 * box_pairs(group, boxes, grouped, max_step) -> (i, j, iou, position, step, cut) as bytearrays
 *   The sweep of guidec.validation.checks.same_class_pairs over boxes grouped by image and class;
 *   each box is compared with at most max_step next boxes, and `cut` lists the boxes whose
 *   sweep stopped there while boxes still overlapped (so the work is linear in the rows).
 *
 * simple_rings(vertices, ring_offsets, rings[, threads]) -> bytearray
 *   Certifies rings simple (so valid) with exact-sign orientations; GEOS judges the rest. Rings
 *   are independent: they are certified on `threads` threads (default 1) with the GIL released,
 *   each writing its own byte, so the answer does not depend on the thread count.
 *
 * star_simple:
 *
 * vertices: float64 (V, 2), C-contiguous; ring_offsets: int64 (R + 1,); rings: int64 ids of
 * the rings to test (each of >= 3 vertices). Returns one byte per tested ring: 1 when every
 * step from one vertex to the next turns the same way about the vertex centroid (or, failing
 * that, the centre of the ring's bounds) and the outline crosses the centre's +x ray exactly
 * once: then no two edges can cross and the ring is simple without asking GEOS. The
 * arithmetic is the numpy version's, operation for operation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_cfiles.h" /* gf_parallel */

static int winds_once(const double *v, int64_t s, int64_t n, double cx, double cy) {
    int64_t not_ccw = 0, not_cw = 0, up = 0, down = 0;
    for (int64_t i = 0; i < n; i++) {
        const double *a = v + 2 * (s + i), *b = v + 2 * (s + (i + 1 < n ? i + 1 : 0));
        double ax = a[0] - cx, ay = a[1] - cy, bx = b[0] - cx, by = b[1] - cy;
        double cross = ax * by - ay * bx;
        int same = ax == bx && ay == by;
        int below_a = ay < 0, below_b = by < 0;
        up += below_a && !below_b;
        down += !below_a && below_b;
        if (!same) {
            not_ccw += cross <= 0;
            not_cw += cross >= 0;
        }
    }
    return (not_ccw == 0 && up == 1) || (not_cw == 0 && down == 1);
}

static PyObject *star_simple(PyObject *self, PyObject *args) {
    Py_buffer vb, ob, rb;
    if (!PyArg_ParseTuple(args, "y*y*y*:star_simple", &vb, &ob, &rb)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t nv = vb.len / (Py_ssize_t)(2 * sizeof(double));
    Py_ssize_t no = ob.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t nr = rb.len / (Py_ssize_t)sizeof(int64_t);
    const double *v = vb.buf;
    const int64_t *off = ob.buf, *rings = rb.buf;
    out = PyByteArray_FromStringAndSize(NULL, nr);
    if (!out) goto done;
    char *res = PyByteArray_AS_STRING(out);
    for (Py_ssize_t k = 0; k < nr; k++) {
        int64_t r = rings[k];
        res[k] = 0;
        if (r < 0 || r + 1 >= no) continue;
        int64_t s = off[r], e = off[r + 1], n = e - s;
        if (n < 3 || s < 0 || e > nv) continue;
        double sx = 0, sy = 0;
        double x0 = v[2 * s], x1 = x0, y0 = v[2 * s + 1], y1 = y0;
        for (int64_t i = s; i < e; i++) {
            double x = v[2 * i], y = v[2 * i + 1];
            sx += x;
            sy += y;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        }
        res[k] = (char)(winds_once(v, s, n, sx / (double)n, sy / (double)n) ||
                        winds_once(v, s, n, (x0 + x1) / 2, (y0 + y1) / 2));
    }
done:
    PyBuffer_Release(&vb);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&rb);
    return out;
}

/* The boxes (x0, y0, x1, y1 rows) in the order ``grouped``: a stable sort of their group
 * keys (image and class), ``group`` being the keys in that order. Each group is ordered by
 * (x0, position) here, which is exactly the order numpy.lexsort((x0, group)) gives, and
 * swept: every pair (i before j) in one group whose x ranges overlap (x0[j] < x1[i], scanning
 * j = i + 1, i + 2, ... until that fails or the group ends) and whose intersection has
 * positive area, with its IoU. For each pair: the rows of i and j, the IoU, i's position in
 * the lexsort order and the step j - i. */
static const double *sort_box;
static const int64_t *sort_rows;
static int by_x0(const void *a, const void *b) {
    int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
    double xi = sort_box[4 * sort_rows[i]], xj = sort_box[4 * sort_rows[j]];
    if (xi < xj) return -1;
    if (xi > xj) return 1;
    return (i > j) - (i < j);
}

typedef struct {
    PyObject *ba;
    Py_ssize_t count, cap, width;
} Col;

static int col_put(Col *c, const void *v) {
    if (c->count == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        if (PyByteArray_Resize(c->ba, c->cap * c->width) < 0) return -1;
    }
    memcpy(PyByteArray_AS_STRING(c->ba) + c->count * c->width, v, (size_t)c->width);
    c->count++;
    return 0;
}

static PyObject *box_pairs(PyObject *self, PyObject *args) {
    Py_buffer gb, bb, rb;
    Py_ssize_t max_step;
    if (!PyArg_ParseTuple(args, "y*y*y*n:box_pairs", &gb, &bb, &rb, &max_step)) return NULL;
    PyObject *res = NULL;
    int64_t *idx = NULL;
    Col out[6] = {{NULL, 0, 0, 8}, {NULL, 0, 0, 8}, {NULL, 0, 0, 8}, {NULL, 0, 0, 8},
                  {NULL, 0, 0, 8}, {NULL, 0, 0, 8}};
    Py_ssize_t n = gb.len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *g = gb.buf, *rows = rb.buf;
    const double *box = bb.buf;
    if (rb.len != gb.len || bb.len != 4 * n * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "box_pairs: columns of different lengths");
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++)
        if (rows[k] < 0 || rows[k] >= n) {
            PyErr_SetString(PyExc_ValueError, "box_pairs: row out of range");
            goto done;
        }
    for (int k = 0; k < 6; k++)
        if (!(out[k].ba = PyByteArray_FromStringAndSize(NULL, 0))) goto done;
    idx = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    if (!idx) {
        PyErr_NoMemory();
        goto done;
    }
    sort_box = box;
    sort_rows = rows;
    for (Py_ssize_t s = 0, e; s < n; s = e) {
        for (e = s + 1; e < n && g[e] == g[s]; e++) {}
        Py_ssize_t m = e - s;
        if (m < 2) continue;
        for (Py_ssize_t k = 0; k < m; k++) idx[k] = s + k;
        if (m <= 16) { /* insertion sort: groups are small */
            for (Py_ssize_t k = 1; k < m; k++) {
                int64_t v = idx[k];
                Py_ssize_t q = k;
                while (q > 0 && by_x0(&idx[q - 1], &v) > 0) {
                    idx[q] = idx[q - 1];
                    q--;
                }
                idx[q] = v;
            }
        } else {
            qsort(idx, (size_t)m, sizeof(int64_t), by_x0);
        }
        for (Py_ssize_t a = 0; a < m; a++) {
            int64_t i = rows[idx[a]];
            const double *bi = box + 4 * i;
            double ai = (bi[2] - bi[0]) * (bi[3] - bi[1]);
            for (Py_ssize_t b = a + 1; b < m; b++) {
                int64_t j = rows[idx[b]];
                const double *bj = box + 4 * j;
                if (!(bj[0] < bi[2])) break;
                if (b - a > max_step) {
                    if (col_put(&out[5], &i) < 0) goto done;
                    break;
                }
                double iw = (bi[2] < bj[2] ? bi[2] : bj[2]) - bj[0];
                double ih = (bi[3] < bj[3] ? bi[3] : bj[3]) - (bi[1] > bj[1] ? bi[1] : bj[1]);
                double inter = (iw > 0 ? iw : 0) * (ih > 0 ? ih : 0);
                if (!(inter > 0)) continue;
                double aj = (bj[2] - bj[0]) * (bj[3] - bj[1]);
                double iou = inter / (ai + aj - inter);
                int64_t pos = s + a, step = b - a;
                if (col_put(&out[0], &i) < 0 || col_put(&out[1], &j) < 0 ||
                    col_put(&out[2], &iou) < 0 || col_put(&out[3], &pos) < 0 ||
                    col_put(&out[4], &step) < 0)
                    goto done;
            }
        }
    }
    for (int k = 0; k < 6; k++)
        if (PyByteArray_Resize(out[k].ba, out[k].count * 8) < 0) goto done;
    res = PyTuple_Pack(6, out[0].ba, out[1].ba, out[2].ba, out[3].ba, out[4].ba, out[5].ba);
done:
    for (int k = 0; k < 6; k++) Py_XDECREF(out[k].ba);
    PyMem_Free(idx);
    PyBuffer_Release(&gb);
    PyBuffer_Release(&bb);
    PyBuffer_Release(&rb);
    return res;
}

/* ---- certified simple rings ------------------------------------------------------------
 * A ring (a polygon's only outline) is valid for GEOS when it is simple: no two edges meet
 * except neighbours at their shared vertex, and neighbours do not fold back onto each other.
 * This test only ever answers "certainly simple"; anything it cannot certify (an exactly
 * collinear or touching configuration, a floating-point orientation too close to call, a
 * ring of more than MAX_RING vertices) is left to GEOS, which stays the judge of every ring
 * not certified here. Orientations use Shewchuk's stage-A error bound, so a certified sign is
 * the sign of the exact determinant. */
#define MAX_RING 256
#define EPS 1.1102230246251565e-16 /* 2^-53 */
static const double CCW_BOUND = (3.0 + 16.0 * EPS) * EPS;

/* +1 / -1: the certain sign of orient(a, b, c); 0: too close to call (or exactly 0). */
static int orient(const double *a, const double *b, const double *c) {
    double l = (a[0] - c[0]) * (b[1] - c[1]);
    double r = (a[1] - c[1]) * (b[0] - c[0]);
    double det = l - r, sum = fabs(l) + fabs(r);
    if (det > CCW_BOUND * sum) return 1;
    if (-det > CCW_BOUND * sum) return -1;
    return 0;
}

/* 1: certainly simple; 0: not certified. v: the ring's m points, consecutive repeats and the
 * closing repeat removed. */
static int certify(const double *const *v, int m) {
    if (m < 3) return 0;
    for (int i = 0; i < m; i++) /* neighbours must turn, not run on or fold back */
        if (!orient(v[i], v[(i + 1) % m], v[(i + 2) % m])) return 0;
    for (int i = 0; i < m; i++) {
        const double *a = v[i], *b = v[(i + 1) % m];
        double ax0 = a[0] < b[0] ? a[0] : b[0], ax1 = a[0] < b[0] ? b[0] : a[0];
        double ay0 = a[1] < b[1] ? a[1] : b[1], ay1 = a[1] < b[1] ? b[1] : a[1];
        for (int j = i + 2; j < m; j++) {
            if (i == 0 && j == m - 1) continue; /* neighbours across the closing vertex */
            const double *c = v[j], *d = v[(j + 1) % m];
            if ((c[0] < ax0 && d[0] < ax0) || (c[0] > ax1 && d[0] > ax1) ||
                (c[1] < ay0 && d[1] < ay0) || (c[1] > ay1 && d[1] > ay1))
                continue; /* bounding boxes apart (exact comparisons) */
            int o1 = orient(a, b, c), o2 = orient(a, b, d);
            int o3 = orient(c, d, a), o4 = orient(c, d, b);
            if (!o1 || !o2 || !o3 || !o4) return 0;
            if (o1 != o2 && o3 != o4) return 0; /* they cross */
        }
    }
    return 1;
}

typedef struct {
    const double *v;
    const int64_t *off, *rings;
    Py_ssize_t nv, no;
    char *res;
} simple_job;

static void simple_one(void *ctx, Py_ssize_t k) {
    const simple_job *j = (const simple_job *)ctx;
    const double *pts[MAX_RING + 1];
    int64_t r = j->rings[k];
    j->res[k] = 0;
    if (r < 0 || r + 1 >= j->no) return;
    int64_t s = j->off[r], e = j->off[r + 1];
    if (s < 0 || e > j->nv || e - s < 3 || e - s > MAX_RING + 1) return;
    int m = 0, finite = 1;
    for (int64_t i = s; i < e; i++) {
        const double *p = j->v + 2 * i;
        if (!isfinite(p[0]) || !isfinite(p[1])) finite = 0;
        if (m && p[0] == pts[m - 1][0] && p[1] == pts[m - 1][1]) continue;
        pts[m++] = p;
    }
    while (m > 1 && pts[m - 1][0] == pts[0][0] && pts[m - 1][1] == pts[0][1]) m--;
    if (finite && m <= MAX_RING) j->res[k] = (char)certify(pts, m);
}

static PyObject *simple_rings(PyObject *self, PyObject *args) {
    Py_buffer vb, ob, rb;
    int threads = 1;
    if (!PyArg_ParseTuple(args, "y*y*y*|i:simple_rings", &vb, &ob, &rb, &threads)) return NULL;
    simple_job job = {vb.buf, ob.buf, rb.buf, vb.len / (Py_ssize_t)(2 * sizeof(double)),
                      ob.len / (Py_ssize_t)sizeof(int64_t), NULL};
    Py_ssize_t nr = rb.len / (Py_ssize_t)sizeof(int64_t);
    PyObject *out = PyByteArray_FromStringAndSize(NULL, nr);
    if (out) {
        job.res = PyByteArray_AS_STRING(out);
        /* the buffers stay held (and the bytearray is ours alone) while the GIL is released */
        Py_BEGIN_ALLOW_THREADS
        gf_parallel(threads < 1 ? 1 : threads, nr, simple_one, &job);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&vb);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&rb);
    return out;
}

static PyMethodDef methods[] = {
    {"simple_rings", simple_rings, METH_VARARGS,
     "simple_rings(vertices, ring_offsets, rings[, threads]) -> bytearray: 1 per ring "
     "certified simple."},
    {"star_simple", star_simple, METH_VARARGS,
     "star_simple(vertices, ring_offsets, rings) -> bytearray: 1 per ring that winds once."},
    {"box_pairs", box_pairs, METH_VARARGS,
     "box_pairs(group, boxes, grouped, max_step) -> (i, j, iou, position, step, cut)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native",
                                    "Native kernels of guidec's rules.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
