/* guidec._colorpairs: the colour lint's search for class colours people cannot tell apart.
 *
 *   pairs(lab, rgb, threshold, near) -> [(i, j, delta_e)], sorted, i < j
 *
 * `lab`: n CIELAB colours as 3n doubles (bytes); `rgb`: n int64 (bytes), equal for the same
 * colour. Every pair of different colours whose CIEDE2000 difference is below `threshold`.
 *
 * The same search as guidec.lint.colors (its plain-Python grid and numpy's): candidates are the
 * pairs closer than `near` in CIELAB with chroma compressed as CIEDE2000 weighs it, found in a
 * grid of cells `near` wide (the 27 cells around a colour hold all its candidates); then
 * CIEDE2000, written as guidec.colorspace.delta_e computes it, operation for operation. The C
 * library's hypot may differ from Python's math.hypot in the last bit (numpy's differs the
 * same way), so differences agree to about 1e-13; tests hold the pairs to the Python search's.
 * Linear in the colours for a given density; the pairs themselves grow with the square of the
 * colours once sRGB is crowded (10,900 colours: 330,000 pairs), which is why this is in C.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DEG (180.0 / 3.14159265358979323846)  /* as math.degrees */
#define RAD (3.14159265358979323846 / 180.0)  /* as math.radians */

static double py_mod360(double x) {  /* Python's x % 360 for floats */
    double m = fmod(x, 360.0);
    if (m != 0.0) {
        if (m < 0.0)
            m += 360.0;
    } else {
        m = copysign(0.0, 360.0);
    }
    return m;
}

static double delta_e(const double *p, const double *q) {
    double L1 = p[0], a1 = p[1], b1 = p[2];
    double L2 = q[0], a2 = q[1], b2 = q[2];
    double C1 = hypot(a1, b1), C2 = hypot(a2, b2);
    double Cm7 = pow((C1 + C2) / 2, 7.0);
    double G = 0.5 * (1 - sqrt(Cm7 / (Cm7 + pow(25.0, 7.0))));
    double a1p = (1 + G) * a1, a2p = (1 + G) * a2;
    double C1p = hypot(a1p, b1), C2p = hypot(a2p, b2);
    double h1p = py_mod360(atan2(b1, a1p) * DEG);
    double h2p = py_mod360(atan2(b2, a2p) * DEG);
    double dLp = L2 - L1, dCp = C2p - C1p;
    double dh = h2p - h1p;
    dh = dh > 180 ? dh - 360 : (dh < -180 ? dh + 360 : dh);
    if (C1p * C2p == 0)
        dh = 0.0;
    double dHp = 2 * sqrt(C1p * C2p) * sin((dh / 2) * RAD);
    double Lpm = (L1 + L2) / 2, Cpm = (C1p + C2p) / 2, hsum = h1p + h2p;
    double hpm;
    if (C1p * C2p == 0)
        hpm = hsum;
    else if (fabs(h1p - h2p) > 180)
        hpm = hsum < 360 ? (hsum + 360) / 2 : (hsum - 360) / 2;
    else
        hpm = hsum / 2;
    double T = 1 - 0.17 * cos((hpm - 30) * RAD) + 0.24 * cos((2 * hpm) * RAD)
               + 0.32 * cos((3 * hpm + 6) * RAD) - 0.20 * cos((4 * hpm - 63) * RAD);
    double dtheta = 30 * exp(-pow((hpm - 275) / 25, 2.0));
    double Cpm7 = pow(Cpm, 7.0);
    double Rc = 2 * sqrt(Cpm7 / (Cpm7 + pow(25.0, 7.0)));
    double Sl = 1 + 0.015 * pow(Lpm - 50, 2.0) / sqrt(20 + pow(Lpm - 50, 2.0));
    double Sc = 1 + 0.045 * Cpm, Sh = 1 + 0.015 * Cpm * T;
    double Rt = -sin((2 * dtheta) * RAD) * Rc;
    return sqrt(pow(dLp / Sl, 2.0) + pow(dCp / Sc, 2.0) + pow(dHp / Sh, 2.0)
                + Rt * (dCp / Sc) * (dHp / Sh));
}

typedef struct {
    int64_t key;
    Py_ssize_t idx;
} Cell;

static int cmp_cell(const void *x, const void *y) {
    const Cell *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

typedef struct {
    Py_ssize_t j;
    double d;
} Hit;

static int cmp_hit(const void *x, const void *y) {
    const Hit *a = x, *b = y;
    return a->j < b->j ? -1 : (a->j > b->j);
}

static PyObject *pairs(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer lab_buf, rgb_buf;
    double threshold, near;
    if (!PyArg_ParseTuple(args, "y*y*dd", &lab_buf, &rgb_buf, &threshold, &near))
        return NULL;
    PyObject *out = NULL;
    double *space = NULL;
    int64_t *cx = NULL;
    Cell *cells = NULL;
    Hit *hits = NULL;
    Py_ssize_t n = lab_buf.len / (Py_ssize_t)(3 * sizeof(double)), hits_cap = 0;
    if (lab_buf.len != n * (Py_ssize_t)(3 * sizeof(double))
        || rgb_buf.len != n * (Py_ssize_t)sizeof(int64_t) || !(near > 0)) {
        PyErr_SetString(PyExc_ValueError, "pairs: lab is 3n doubles, rgb n int64, near > 0");
        goto done;
    }
    const double *lab = lab_buf.buf;
    const int64_t *rgb = rgb_buf.buf;
    out = PyList_New(0);
    if (out == NULL || n < 2)
        goto done;
    space = PyMem_Malloc(sizeof(double) * 3 * (size_t)n);
    cx = PyMem_Malloc(sizeof(int64_t) * 3 * (size_t)n);
    cells = PyMem_Malloc(sizeof(Cell) * (size_t)n);
    if (space == NULL || cx == NULL || cells == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *p = lab + 3 * i;
        double c = hypot(p[1], p[2]);
        double s = c > 1e-9 ? log1p(0.045 * c) / 0.045 / c : 1.0;
        double v[3] = {p[0], p[1] * s, p[2] * s};
        for (int k = 0; k < 3; k++) {
            if (!isfinite(v[k]) || fabs(v[k] / near) > 1e12) {
                PyErr_SetString(PyExc_ValueError, "pairs: colour out of range");
                Py_CLEAR(out);
                goto done;
            }
            space[3 * i + k] = v[k];
            int64_t q = (int64_t)floor(v[k] / near);
            cx[3 * i + k] = q;
            if (q < lo[k])
                lo[k] = q;
            if (q > hi[k])
                hi[k] = q;
        }
    }
    /* cells shifted to start at 1, with an empty layer on each side: neighbours never wrap */
    int64_t dy = hi[1] - lo[1] + 3, dz = hi[2] - lo[2] + 3;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t x = cx[3 * i] - lo[0] + 1, y = cx[3 * i + 1] - lo[1] + 1,
                z = cx[3 * i + 2] - lo[2] + 1;
        cells[i].key = (x * dy + y) * dz + z;
        cells[i].idx = i;
    }
    qsort(cells, (size_t)n, sizeof(Cell), cmp_cell);
    double r2 = near * near;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t x = cx[3 * i] - lo[0] + 1, y = cx[3 * i + 1] - lo[1] + 1,
                z = cx[3 * i + 2] - lo[2] + 1;
        const double *si = space + 3 * i;
        Py_ssize_t nhits = 0;
        for (int ox = -1; ox <= 1; ox++)
            for (int oy = -1; oy <= 1; oy++)
                for (int oz = -1; oz <= 1; oz++) {
                    int64_t key = ((x + ox) * dy + (y + oy)) * dz + (z + oz);
                    Py_ssize_t a = 0, b = n;  /* first cell with this key */
                    while (a < b) {
                        Py_ssize_t m = a + (b - a) / 2;
                        if (cells[m].key < key)
                            a = m + 1;
                        else
                            b = m;
                    }
                    for (; a < n && cells[a].key == key; a++) {
                        Py_ssize_t j = cells[a].idx;
                        if (j <= i || rgb[j] == rgb[i])
                            continue;
                        const double *sj = space + 3 * j;
                        double d0 = si[0] - sj[0], d1 = si[1] - sj[1], d2 = si[2] - sj[2];
                        if (d0 * d0 + d1 * d1 + d2 * d2 >= r2)
                            continue;
                        double d = delta_e(lab + 3 * i, lab + 3 * j);
                        if (!(d < threshold))
                            continue;
                        if (nhits == hits_cap) {
                            Py_ssize_t cap = hits_cap ? 2 * hits_cap : 64;
                            Hit *grown = PyMem_Realloc(hits, sizeof(Hit) * (size_t)cap);
                            if (grown == NULL) {
                                PyErr_NoMemory();
                                Py_CLEAR(out);
                                goto done;
                            }
                            hits = grown;
                            hits_cap = cap;
                        }
                        hits[nhits].j = j;
                        hits[nhits].d = d;
                        nhits++;
                    }
                }
        qsort(hits, (size_t)nhits, sizeof(Hit), cmp_hit);
        for (Py_ssize_t h = 0; h < nhits; h++) {
            PyObject *t = Py_BuildValue("(nnd)", i, hits[h].j, hits[h].d);
            if (t == NULL || PyList_Append(out, t) < 0) {
                Py_XDECREF(t);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(t);
        }
    }
done:
    PyMem_Free(space);
    PyMem_Free(cx);
    PyMem_Free(cells);
    PyMem_Free(hits);
    PyBuffer_Release(&lab_buf);
    PyBuffer_Release(&rgb_buf);
    return out;
}

static PyMethodDef methods[] = {
    {"pairs", pairs, METH_VARARGS,
     "pairs(lab, rgb, threshold, near) -> [(i, j, delta_e)]: colours closer than threshold"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_colorpairs",
    "The colour lint's search for colours closer than a CIEDE2000 threshold.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__colorpairs(void) { return PyModule_Create(&module); }
