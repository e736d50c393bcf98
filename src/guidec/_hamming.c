/* Near-duplicate search over 64-bit perceptual hashes: every pair within a Hamming distance.
 *
 * pairs(hashes, threshold, blocks, threads, max_pairs) -> (i, j, d) as bytes, or None
 *
 * Multi-index hashing (Norouzi, Punjani and Fleet, 2012): the 64 bits are cut into `blocks`
 * blocks with radii r_b whose r_b + 1 sum to threshold + 1; two hashes within `threshold`
 * bits are within r_b bits on at least one block b (pigeonhole). Per block, the items are bucketed by the
 * block's value (a counting sort); every bucket is then compared with itself and with each
 * bucket whose value is within r bits of its own (each unordered pair of buckets once: two
 * short contiguous runs, which keeps the comparisons in cache; visiting the neighbour
 * buckets item by item instead was ten times slower here). A pair is kept at the first block
 * on which it is within r, so it is reported once without a set. Exact: every pair within
 * the threshold, nothing else.
 *
 * The bucket values are split between `threads` POSIX threads (the GIL is released); each keeps its
 * own output, joined in thread order. More than `max_pairs` pairs returns None (the caller
 * says so): a million copies of one hash would otherwise need half a trillion pairs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS 16
#define MAX_THREADS 64

typedef struct {
    int64_t *i, *j;
    uint8_t *d;
    size_t len, cap;
} Out;

typedef struct {
    const uint64_t *h;  /* the hashes, in input order */
    int64_t n;
    int t, m;
    int shift[MAX_BLOCKS], width[MAX_BLOCKS], radius[MAX_BLOCKS];
    uint64_t mask[MAX_BLOCKS];   /* the block's bits in place */
    /* the block being searched: items sorted by the block's value */
    const int64_t *offsets;      /* 2^width + 1 */
    const int64_t *sorted_idx;   /* item index, by bucket */
    const uint64_t *sorted_h;    /* its hash, by bucket (sequential reads) */
    int block;
    const uint64_t *flips;       /* the values of `width` bits with at most `radius` set */
    int64_t nflips;
    size_t max_pairs;
    volatile int overflow;
} Search;

typedef struct {
    Search *s;
    int64_t lo, hi; /* this thread's number and the number of threads */
    Out out;
    int failed;
} Work;

static int out_put(Out *o, int64_t i, int64_t j, uint8_t d) {
    if (o->len == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        int64_t *ni = realloc(o->i, cap * sizeof *ni);
        if (ni) o->i = ni;
        int64_t *nj = realloc(o->j, cap * sizeof *nj);
        if (nj) o->j = nj;
        uint8_t *nd = realloc(o->d, cap);
        if (nd) o->d = nd;
        if (!ni || !nj || !nd) return -1;
        o->cap = cap;
    }
    o->i[o->len] = i;
    o->j[o->len] = j;
    o->d[o->len] = d;
    o->len++;
    return 0;
}

static void out_free(Out *o) {
    free(o->i);
    free(o->j);
    free(o->d);
    memset(o, 0, sizeof *o);
}

/* popcount with the CPU's instruction where it has one (chosen once, at import) */
__attribute__((target("popcnt"))) static int pop_hw(uint64_t x) { return __builtin_popcountll(x); }
static int pop_sw(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}
static int use_hw = 0;

/* One pair of buckets (or a bucket with itself): every pair of their hashes within the
 * threshold that no earlier block already holds within the radius. */
#define DEFINE_PAIR(NAME, POP)                                                               \
    static void NAME(Work *w, int64_t a0, int64_t a1, int64_t b0, int64_t b1) {              \
        Search *s = w->s;                                                                    \
        const uint64_t *sh = s->sorted_h;                                                    \
        for (int64_t a = a0; a < a1; a++) {                                                  \
            uint64_t ha = sh[a];                                                             \
            for (int64_t b = (b0 == a0 ? a + 1 : b0); b < b1; b++) {                         \
                uint64_t x = ha ^ sh[b];                                                     \
                int d = POP(x);                                                              \
                if (d > s->t) continue;                                                      \
                int earlier = 0;                                                             \
                for (int e = 0; e < s->block; e++)                                           \
                    if (POP(x & s->mask[e]) <= s->radius[e]) { earlier = 1; break; }         \
                if (earlier) continue;                                                       \
                if (w->out.len >= s->max_pairs) { s->overflow = 1; return; }                 \
                if (out_put(&w->out, s->sorted_idx[a], s->sorted_idx[b], (uint8_t)d) < 0) {  \
                    w->failed = 1;                                                           \
                    return;                                                                  \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }

__attribute__((target("popcnt"))) DEFINE_PAIR(pair_hw, pop_hw)
DEFINE_PAIR(pair_sw, pop_sw)

#define CHUNK 256 /* bucket values a thread takes at a time */

/* Every bucket value of this thread (chunks lo, lo + step, ...) against the values within the
 * radius above it: each unordered pair of buckets once, a bucket with itself once. */
static void *run_work(void *arg) {
    Work *w = arg;
    Search *s = w->s;
    int64_t buckets = (int64_t)1 << s->width[s->block];
    const int64_t *off = s->offsets;
    for (int64_t c = w->lo * CHUNK; c < buckets && !s->overflow && !w->failed;
         c += w->hi * CHUNK) {
        int64_t end = c + CHUNK < buckets ? c + CHUNK : buckets;
        for (int64_t key = c; key < end; key++) {
            int64_t a0 = off[key], a1 = off[key + 1];
            if (a0 == a1) continue;
            for (int64_t k = 0; k < s->nflips; k++) {
                uint64_t other = (uint64_t)key ^ s->flips[k];
                if ((int64_t)other < key) continue; /* that pair of buckets is the other's */
                int64_t b0 = off[other], b1 = off[other + 1];
                if (b0 == b1) continue;
                if (use_hw) pair_hw(w, a0, a1, b0, b1);
                else pair_sw(w, a0, a1, b0, b1);
                if (s->overflow || w->failed) return NULL;
            }
        }
    }
    return NULL;
}

/* The values of `width` bits with at most `left` bits set, from bit `from` up, into flips. */
static void list_flips(uint64_t *flips, int64_t *n, uint64_t v, int from, int width, int left) {
    flips[(*n)++] = v;
    if (!left) return;
    for (int bit = from; bit < width; bit++)
        list_flips(flips, n, v | ((uint64_t)1 << bit), bit + 1, width, left - 1);
}

static PyObject *pairs(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer view;
    int t, m, nthreads;
    Py_ssize_t max_pairs;
    if (!PyArg_ParseTuple(args, "y*iiin:pairs", &view, &t, &m, &nthreads, &max_pairs))
        return NULL;
    if (view.len % 8 || t < 0 || t > 64 || m < 1 || m > MAX_BLOCKS || m > 64 || max_pairs < 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "pairs: bad arguments");
        return NULL;
    }
    if (nthreads < 1) nthreads = 1;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;
    Search s;
    memset(&s, 0, sizeof s);
    s.h = view.buf;
    s.n = view.len / 8;
    s.t = t;
    s.m = m;
    s.max_pairs = (size_t)max_pairs;
    int at = 0;
    for (int b = 0; b < m; b++) {
        s.width[b] = 64 / m + (b < 64 % m ? 1 : 0);
        s.shift[b] = at;
        s.mask[b] = (s.width[b] == 64 ? ~0ULL : (((uint64_t)1 << s.width[b]) - 1)) << at;
        /* radii r_b with sum(r_b + 1) = t + 1: two hashes within t bits are within r_b on some
         * block, or they would differ in at least t + 1 (t = 10, m = 4: 2, 2, 2, 1) */
        s.radius[b] = (t + 1) / m - 1 + (b < (t + 1) % m ? 1 : 0);
        at += s.width[b];
    }
    int widest = s.width[0];
    if (widest > 26) { /* the bucket table would not fit: the caller picks more blocks */
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "pairs: blocks wider than 26 bits");
        return NULL;
    }
    int64_t n = s.n;
    int64_t *offsets = NULL, *sorted_idx = NULL;
    uint64_t *sorted_h = NULL, *flips = NULL;
    Work works[MAX_THREADS];
    memset(works, 0, sizeof works);
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    offsets = malloc(((size_t)1 << widest) * sizeof *offsets + sizeof *offsets);
    sorted_idx = malloc((size_t)(n ? n : 1) * sizeof *sorted_idx);
    sorted_h = malloc((size_t)(n ? n : 1) * sizeof *sorted_h);
    /* at most C(width, 0) + ... + C(width, radius) values: bounded by 2^width */
    flips = malloc(((size_t)1 << widest) * sizeof *flips);
    if (!offsets || !sorted_idx || !sorted_h || !flips) failed = 1;
    for (int t0 = 0; t0 < nthreads; t0++) {
        works[t0].s = &s;
        works[t0].lo = t0;
        works[t0].hi = nthreads;
    }
    for (int b = 0; b < m && !failed && !s.overflow; b++) {
        if (s.radius[b] < 0) continue; /* more blocks than t + 1: this one is not needed */
        size_t buckets = (size_t)1 << s.width[b];
        uint64_t low = ((uint64_t)1 << s.width[b]) - 1;
        memset(offsets, 0, (buckets + 1) * sizeof *offsets);
        for (int64_t k = 0; k < n; k++) offsets[((s.h[k] >> s.shift[b]) & low) + 1]++;
        for (size_t k = 0; k < buckets; k++) offsets[k + 1] += offsets[k];
        /* fill in item order: each bucket lists its items ascending */
        for (int64_t k = 0; k < n; k++) {
            int64_t pos = offsets[(s.h[k] >> s.shift[b]) & low]++;
            sorted_idx[pos] = k;
            sorted_h[pos] = s.h[k];
        }
        for (size_t k = buckets; k > 0; k--) offsets[k] = offsets[k - 1];
        offsets[0] = 0;
        int64_t nflips = 0;
        list_flips(flips, &nflips, 0, 0, s.width[b], s.radius[b]);
        s.flips = flips;
        s.nflips = nflips;
        s.offsets = offsets;
        s.sorted_idx = sorted_idx;
        s.sorted_h = sorted_h;
        s.block = b;
        pthread_t tids[MAX_THREADS];
        int started[MAX_THREADS] = {0};
        for (int t0 = 1; t0 < nthreads; t0++)
            started[t0] = pthread_create(&tids[t0], NULL, run_work, &works[t0]) == 0;
        run_work(&works[0]);
        for (int t0 = 1; t0 < nthreads; t0++) {
            if (started[t0]) pthread_join(tids[t0], NULL);
            else run_work(&works[t0]); /* no thread: do its share here */
        }
        for (int t0 = 0; t0 < nthreads; t0++) failed |= works[t0].failed;
    }
    free(offsets);
    free(sorted_idx);
    free(sorted_h);
    free(flips);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    PyObject *result = NULL;
    if (failed) {
        PyErr_NoMemory();
    } else if (s.overflow) {
        result = Py_NewRef(Py_None);
    } else {
        size_t total = 0;
        for (int t0 = 0; t0 < nthreads; t0++) total += works[t0].out.len;
        PyObject *bi = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(total * 8));
        PyObject *bj = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(total * 8));
        PyObject *bd = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
        if (bi && bj && bd) {
            char *pi = PyBytes_AS_STRING(bi), *pj = PyBytes_AS_STRING(bj);
            char *pd = PyBytes_AS_STRING(bd);
            for (int t0 = 0; t0 < nthreads; t0++) {
                Out *o = &works[t0].out;
                if (!o->len) continue;
                memcpy(pi, o->i, o->len * 8);
                memcpy(pj, o->j, o->len * 8);
                memcpy(pd, o->d, o->len);
                pi += o->len * 8;
                pj += o->len * 8;
                pd += o->len;
            }
            result = PyTuple_Pack(3, bi, bj, bd);
        }
        Py_XDECREF(bi);
        Py_XDECREF(bj);
        Py_XDECREF(bd);
    }
    for (int t0 = 0; t0 < nthreads; t0++) out_free(&works[t0].out);
    return result;
}

static PyMethodDef methods[] = {
    {"pairs", pairs, METH_VARARGS,
     "pairs(hashes, threshold, blocks, threads, max_pairs) -> (i, j, d) bytes or None: every "
     "pair i < j of uint64 hashes within threshold bits (int64, int64, uint8 columns, "
     "unsorted); None when there are more than max_pairs."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_hamming",
                                    "Multi-index Hamming search over 64-bit hashes.", -1, methods};

PyMODINIT_FUNC PyInit__hamming(void) {
    __builtin_cpu_init();
    use_hw = __builtin_cpu_supports("popcnt");
    return PyModule_Create(&module);
}
