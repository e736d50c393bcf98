/* The "winds once about a point" test of guidec.rules.frame.Frame.ring_star_simple, in one
 * pass per ring with no temporary arrays.
 *
 * star_simple(vertices, ring_offsets, rings) -> bytearray
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
#include <stdint.h>

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

static PyMethodDef methods[] = {
    {"star_simple", star_simple, METH_VARARGS,
     "star_simple(vertices, ring_offsets, rings) -> bytearray: 1 per ring that winds once."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rings",
                                    "Ring simplicity pre-check for polygon validity.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__rings(void) { return PyModule_Create(&module); }
