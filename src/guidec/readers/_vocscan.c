/* Pascal VOC files of the regular kind, read and scanned into columns on threads.
 *
 * scan(paths, threads, limit, head) -> dict
 *
 * A delivery of 50,000 VOC files is 50,000 small XML documents of one fixed shape. This
 * scanner reads each file (through _cfiles.h: non-blocking open, regular files only, at most
 * `limit` bytes, device and inode kept) and checks it against that shape on `threads` threads
 * with the GIL released, then joins what it found, in the order of `paths`, into columns.
 *
 * The shape (anything else, and any file it cannot read, is status 1: the Python reader reads
 * it and reports whatever is wrong, so this file never has to word a finding):
 *
 *   - ASCII only: bytes 0x20-0x7E, tab, newline, and carriage return only before a newline;
 *     no '&' (no entity or character reference), no "<!" (comment, CDATA, DOCTYPE), no
 *     processing instruction but an XML declaration at byte 0 that is exactly
 *     <?xml version="1.0"?> or "1.1", optionally with encoding="utf-8" or "UTF-8";
 *   - tags without attributes or inner spaces: <t>, </t>, <t/>; text never holds "]]>";
 *   - the root <annotation>, starting within the first `head` bytes (where format detection
 *     looks for it), then only whitespace to the end of the file;
 *   - its children: folder, path, segmented, database, annotation, image, flickrid (leaves,
 *     ignored), filename (a leaf, at most once), source (leaves database, annotation, image,
 *     flickrid), owner (leaves flickrid, name), size (at most once; leaves width and height,
 *     each exactly once, and depth at most once), and object; containers hold only whitespace
 *     between their children;
 *   - an object: name (non-empty), pose, truncated, difficult, occluded (each at most once;
 *     the flags may be empty) and exactly one bndbox of xmin, ymin, xmax, ymax, each exactly
 *     once, in any order;
 *   - numbers (width, height and the box) of 1 to 10 decimal digits, optionally followed by
 *     ".0", between optional whitespace, at most 1e9; xmin and ymin not 0 (a 0-based file:
 *     the reader says so);
 *   - less than 1 GiB.
 *
 * Text values are stripped of whitespace as the Python reader strips them; a kept value
 * (filename, name, a flag) holding a carriage return is refused (XML turns it into a
 * newline). The line and column of an object are those of its "<" as expat counts them.
 *
 * Result (bytes objects are arrays of the named C type, one item per accepted file or object):
 *   status  uint8 per path: 0 accepted, 1 for the Python reader
 *   nbytes  int64 per path: bytes read (0 when not read)
 *   dev, ino  uint64 per accepted file
 *   filename  list per accepted file: str, or None when empty or absent
 *   width, height  float64 per accepted file (NaN without <size>)
 *   root_line  int32 per accepted file: the line of <annotation>
 *   objects  int64 per accepted file: its number of objects
 *   box  float64 x 4 per object: xmin, ymin, xmax, ymax as written (1-based, inclusive)
 *   line  int32, col  int64 per object: where its <object> starts
 *   label  int32 per object: index into strings
 *   pose, truncated, difficult, occluded  int32 per object: index into strings, -1 absent
 *   strings  list of str: each distinct name or flag value once, in order of first use
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../_cfiles.h"

#define NFLAGS 4
static const char *const FLAGS[NFLAGS] = {"pose", "truncated", "difficult", "occluded"};
#define NO_SPAN (-1)

typedef struct {
    int32_t off, len; /* into the file's string arena; len NO_SPAN: absent */
} span;

typedef struct {
    int64_t line, col;
    int64_t box[4];
    span name, flag[NFLAGS];
} vobj;

typedef struct {
    int status; /* 0 accepted, 1 not */
    size_t nbytes;
    uint64_t dev, ino;
    span filename;
    double w, h;
    int64_t root_line;
    vobj *objs;
    Py_ssize_t nobj, cap;
    char *arena; /* the kept strings of this file */
    size_t alen, acap;
} vfile;

typedef struct {
    const char **paths;
    vfile *files;
    int64_t limit, head;
} job;

/* ------------------------------------------------------------------------ one file's scan */
typedef struct {
    const unsigned char *p, *end;
    int64_t line;                   /* the line at p (every byte passed is counted) */
    const unsigned char *line_start; /* the first byte of that line */
    vfile *f;
} cur;

enum { T_OPEN, T_CLOSE, T_EMPTY };

/* The element names of the shape; X_OTHER: any other name. */
enum {
    X_OTHER, X_ANNOTATION, X_FOLDER, X_FILENAME, X_PATH, X_SOURCE, X_DATABASE, X_IMAGE,
    X_FLICKRID, X_OWNER, X_NAME, X_SIZE, X_WIDTH, X_HEIGHT, X_DEPTH, X_SEGMENTED, X_OBJECT,
    X_POSE, X_TRUNCATED, X_DIFFICULT, X_OCCLUDED, X_BNDBOX, X_XMIN, X_YMIN, X_XMAX, X_YMAX
};

#define EQ(lit) (memcmp(n, lit, sizeof(lit) - 1) == 0)

static int name_id(const unsigned char *n, size_t len) {
    switch (len) {
    case 4:
        if (EQ("name")) return X_NAME;
        if (EQ("xmin")) return X_XMIN;
        if (EQ("ymin")) return X_YMIN;
        if (EQ("xmax")) return X_XMAX;
        if (EQ("ymax")) return X_YMAX;
        if (EQ("pose")) return X_POSE;
        if (EQ("size")) return X_SIZE;
        if (EQ("path")) return X_PATH;
        break;
    case 5:
        if (EQ("width")) return X_WIDTH;
        if (EQ("depth")) return X_DEPTH;
        if (EQ("image")) return X_IMAGE;
        if (EQ("owner")) return X_OWNER;
        break;
    case 6:
        if (EQ("object")) return X_OBJECT;
        if (EQ("bndbox")) return X_BNDBOX;
        if (EQ("height")) return X_HEIGHT;
        if (EQ("folder")) return X_FOLDER;
        if (EQ("source")) return X_SOURCE;
        break;
    case 8:
        if (EQ("filename")) return X_FILENAME;
        if (EQ("occluded")) return X_OCCLUDED;
        if (EQ("database")) return X_DATABASE;
        if (EQ("flickrid")) return X_FLICKRID;
        break;
    case 9:
        if (EQ("truncated")) return X_TRUNCATED;
        if (EQ("difficult")) return X_DIFFICULT;
        if (EQ("segmented")) return X_SEGMENTED;
        break;
    case 10:
        if (EQ("annotation")) return X_ANNOTATION;
        break;
    }
    return X_OTHER;
}

/* Whitespace between tags (a CR only before a LF), counting lines. */
static inline void skip_ws(cur *c) {
    const unsigned char *p = c->p, *e = c->end;
    for (; p < e; p++) {
        unsigned char b = *p;
        if (b == '\n') {
            c->line++;
            c->line_start = p + 1;
        } else if (b != ' ' && b != '\t' && !(b == '\r' && p + 1 < e && p[1] == '\n')) {
            break;
        }
    }
    c->p = p;
}

/* The position `pos` (passed already) as expat's line and 1-based column (all ASCII: bytes
   are characters). */
static inline void where(const cur *c, const unsigned char *pos, int64_t *line, int64_t *col) {
    *line = c->line;
    *col = (int64_t)(pos - c->line_start) + 1;
}

/* A tag at c->p: its kind and the id of its name; -1 when the bytes there are not one. */
static inline int tag(cur *c, int *kind, int *id) {
    const unsigned char *p = c->p, *e = c->end;
    if (p >= e || *p != '<') return -1;
    p++;
    *kind = T_OPEN;
    if (p < e && *p == '/') {
        *kind = T_CLOSE;
        p++;
    }
    const unsigned char *n = p;
    while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')) p++;
    if (p == n || p >= e) return -1;
    *id = name_id(n, (size_t)(p - n));
    if (*p == '/' && *kind == T_OPEN && p + 1 < e && p[1] == '>') {
        *kind = T_EMPTY;
        p++;
    }
    if (*p != '>') return -1;
    c->p = p + 1;
    return 0;
}

/* The closing tag of element `id` at c->p. */
static inline int close_tag(cur *c, int id) {
    int kind, got;
    return tag(c, &kind, &got) < 0 || kind != T_CLOSE || got != id ? -1 : 0;
}

/* The text of a leaf up to its closing tag (an empty-element tag has none): [*t0, *t1)
   stripped of XML whitespace. -1 on anything the shape does not allow. */
static int leaf(cur *c, int kind, int id, const unsigned char **t0, const unsigned char **t1) {
    if (kind == T_EMPTY) {
        *t0 = *t1 = c->p;
        return 0;
    }
    const unsigned char *p = c->p, *e = c->end, *s = p;
    for (; p < e; p++) {
        unsigned char b = *p;
        if (b >= 0x20 && b < 0x7F) {
            if (b == '<') break;
            if (b == '&') return -1;
            if (b == '>' && p - s >= 2 && p[-1] == ']' && p[-2] == ']') return -1;
            continue;
        }
        if (b == '\n') {
            c->line++;
            c->line_start = p + 1;
            continue;
        }
        if (b == '\t') continue;
        if (b == '\r' && p + 1 < e && p[1] == '\n') continue;
        return -1;
    }
    const unsigned char *a = s, *z = p;
    while (a < z && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')) a++;
    while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\n' || z[-1] == '\r')) z--;
    c->p = p;
    if (close_tag(c, id) < 0) return -1;
    *t0 = a;
    *t1 = z;
    return 0;
}

/* Keep [a, z) in the file's arena; a value holding a CR is refused (XML reads it as LF). */
static int keep(vfile *f, const unsigned char *a, const unsigned char *z, span *out) {
    size_t n = (size_t)(z - a);
    out->off = (int32_t)f->alen;
    out->len = 0;
    if (n == 0) return 0;
    if (memchr(a, '\r', n) != NULL || n > INT32_MAX / 2) return -1;
    if (f->alen + n > f->acap) {
        size_t cap = f->acap ? f->acap : 256;
        while (cap < f->alen + n) cap *= 2;
        if (cap > INT32_MAX) return -1;
        char *q = realloc(f->arena, cap);
        if (q == NULL) return -1;
        f->arena = q;
        f->acap = cap;
    }
    memcpy(f->arena + f->alen, a, n);
    out->len = (int32_t)n;
    f->alen += n;
    return 0;
}

/* 1 to 10 decimal digits, at most 1e9, and optionally ".0" (as Datumaro and labelme write
   whole numbers). */
static int number(const unsigned char *a, const unsigned char *z, int64_t *v) {
    if (z - a > 2 && z[-2] == '.' && z[-1] == '0') z -= 2;
    if (z <= a || z - a > 10) return -1;
    int64_t x = 0;
    for (const unsigned char *p = a; p < z; p++) {
        if (*p < '0' || *p > '9') return -1;
        x = x * 10 + (*p - '0');
    }
    if (x > 1000000000) return -1;
    *v = x;
    return 0;
}

/* The children of a container whose leaves are all ignored: <source> (database, annotation,
   image, flickrid) or <owner> (flickrid, name). */
static int ignored_container(cur *c, int self) {
    for (;;) {
        int kind, id;
        const unsigned char *t0, *t1;
        skip_ws(c);
        if (tag(c, &kind, &id) < 0) return -1;
        if (kind == T_CLOSE) return id == self ? 0 : -1;
        int known = self == X_SOURCE ? (id == X_DATABASE || id == X_ANNOTATION ||
                                         id == X_IMAGE || id == X_FLICKRID)
                                      : (id == X_FLICKRID || id == X_NAME);
        if (!known || leaf(c, kind, id, &t0, &t1) < 0) return -1;
    }
}

static int size_el(cur *c, vfile *f) {
    int have_w = 0, have_h = 0, have_d = 0;
    for (;;) {
        int kind, id;
        const unsigned char *t0, *t1;
        skip_ws(c);
        if (tag(c, &kind, &id) < 0) return -1;
        if (kind == T_CLOSE) return id == X_SIZE && have_w && have_h ? 0 : -1;
        int64_t v;
        if (id == X_WIDTH) {
            if (have_w++ || leaf(c, kind, id, &t0, &t1) < 0 || number(t0, t1, &v) < 0)
                return -1;
            f->w = (double)v;
        } else if (id == X_HEIGHT) {
            if (have_h++ || leaf(c, kind, id, &t0, &t1) < 0 || number(t0, t1, &v) < 0)
                return -1;
            f->h = (double)v;
        } else if (id == X_DEPTH) {
            if (have_d++ || leaf(c, kind, id, &t0, &t1) < 0) return -1;
        } else {
            return -1;
        }
    }
}

static int bndbox(cur *c, int64_t box[4]) {
    int have[4] = {0, 0, 0, 0};
    for (;;) {
        int kind, id;
        const unsigned char *t0, *t1;
        skip_ws(c);
        if (tag(c, &kind, &id) < 0) return -1;
        if (kind == T_CLOSE)
            return id == X_BNDBOX && have[0] && have[1] && have[2] && have[3] ? 0 : -1;
        int k = id - X_XMIN; /* xmin, ymin, xmax, ymax: as VOC writes them */
        if (k < 0 || k > 3 || have[k]++ || kind == T_EMPTY || leaf(c, kind, id, &t0, &t1) < 0 ||
            number(t0, t1, &box[k]) < 0)
            return -1;
    }
}

static int object(cur *c, vfile *f, const unsigned char *at) {
    if (f->nobj == f->cap) {
        Py_ssize_t cap = f->cap ? f->cap * 2 : 16;
        vobj *q = realloc(f->objs, sizeof(vobj) * (size_t)cap);
        if (q == NULL) return -1;
        f->objs = q;
        f->cap = cap;
    }
    vobj *o = &f->objs[f->nobj];
    where(c, at, &o->line, &o->col);
    o->name.len = NO_SPAN;
    for (int k = 0; k < NFLAGS; k++) o->flag[k].len = NO_SPAN;
    int have_box = 0;
    for (;;) {
        int kind, id;
        const unsigned char *t0, *t1;
        skip_ws(c);
        if (tag(c, &kind, &id) < 0) return -1;
        if (kind == T_CLOSE) {
            if (id != X_OBJECT || !have_box || o->name.len <= 0) return -1;
            break;
        }
        if (id == X_NAME) {
            if (o->name.len != NO_SPAN || kind == T_EMPTY || leaf(c, kind, id, &t0, &t1) < 0 ||
                t0 == t1 || keep(f, t0, t1, &o->name) < 0)
                return -1;
        } else if (id == X_BNDBOX) {
            if (have_box++ || kind == T_EMPTY || bndbox(c, o->box) < 0) return -1;
        } else {
            int k = id - X_POSE; /* pose, truncated, difficult, occluded: FLAGS' order */
            if (k < 0 || k >= NFLAGS || o->flag[k].len != NO_SPAN ||
                leaf(c, kind, id, &t0, &t1) < 0 || keep(f, t0, t1, &o->flag[k]) < 0)
                return -1;
        }
    }
    if (o->box[0] == 0 || o->box[1] == 0) return -1; /* 0-based: the reader reports it */
    f->nobj++;
    return 0;
}

static const char *const DECLS[] = {
    "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.1\"?>",
    "<?xml version=\"1.1\" encoding=\"utf-8\"?>", "<?xml version=\"1.1\" encoding=\"UTF-8\"?>",
    NULL};

/* 0 when the bytes are a regular VOC file (filling f), -1 otherwise. */
static int scan_voc(const unsigned char *data, size_t size, int64_t head, vfile *f) {
    cur c = {data, data + size, 1, data, f};
    f->w = f->h = NAN;
    f->filename.len = NO_SPAN;
    if (size >= 2 && data[0] == '<' && data[1] == '?') {
        const char *const *d = DECLS;
        for (; *d; d++) {
            size_t n = strlen(*d);
            if (size >= n && memcmp(data, *d, n) == 0) {
                c.p += n;
                break;
            }
        }
        if (*d == NULL) return -1;
    }
    skip_ws(&c);
    const unsigned char *root = c.p;
    int kind, id;
    const unsigned char *t0, *t1;
    if ((int64_t)(root - data) + 12 > head || tag(&c, &kind, &id) < 0 || kind != T_OPEN ||
        id != X_ANNOTATION)
        return -1;
    int64_t col;
    where(&c, root, &f->root_line, &col);
    int have_size = 0;
    for (;;) {
        skip_ws(&c);
        const unsigned char *at = c.p;
        if (tag(&c, &kind, &id) < 0) return -1;
        if (kind == T_CLOSE) {
            if (id != X_ANNOTATION) return -1;
            break;
        }
        switch (id) {
        case X_OBJECT:
            if (kind == T_EMPTY || object(&c, f, at) < 0) return -1;
            break;
        case X_FILENAME:
            if (f->filename.len != NO_SPAN || leaf(&c, kind, id, &t0, &t1) < 0 ||
                keep(f, t0, t1, &f->filename) < 0)
                return -1;
            break;
        case X_FOLDER: /* ignored leaves (labelme writes database, annotation and image here) */
        case X_PATH:
        case X_SEGMENTED:
        case X_DATABASE:
        case X_ANNOTATION:
        case X_IMAGE:
        case X_FLICKRID:
            if (leaf(&c, kind, id, &t0, &t1) < 0) return -1;
            break;
        case X_SIZE:
            if (have_size++ || kind == T_EMPTY || size_el(&c, f) < 0) return -1;
            break;
        case X_SOURCE:
        case X_OWNER:
            if (kind != T_EMPTY && ignored_container(&c, id) < 0) return -1;
            break;
        default:
            return -1;
        }
    }
    skip_ws(&c);
    return c.p == c.end ? 0 : -1;
}

static void file_task(void *ctx, Py_ssize_t i) {
    job *j = (job *)ctx;
    vfile *f = &j->files[i];
    gf_file g;
    f->status = 1;
    if (gf_read(j->paths[i], j->limit, &g) != GF_OK) return;
    f->nbytes = g.size;
    f->dev = g.dev;
    f->ino = g.ino;
    /* lines and string offsets are 32-bit: a file of 1 GiB or more is the Python reader's */
    if (g.size < ((size_t)1 << 30) &&
        scan_voc((const unsigned char *)g.data, g.size, j->head, f) == 0)
        f->status = 0;
    else
        f->nobj = 0;
    gf_free(&g);
}

/* ------------------------------------------------------------------------ joining */
typedef struct {
    const char *s;
    int32_t len, index;
} slot;

typedef struct {
    slot *slots;
    size_t cap, used;
    PyObject *list;
} interner;

static uint64_t hash(const char *s, int32_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (int32_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* The index of the string in the interner's list, added on first sight; -1 with an
   exception set. The strings stay owned by the files' arenas until the join is done. */
static int32_t intern(interner *t, const char *s, int32_t n) {
    if (t->used * 2 >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        slot *ns = calloc(cap, sizeof(slot));
        if (ns == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        for (size_t k = 0; k < t->cap; k++) {
            if (t->slots[k].s == NULL) continue;
            size_t h = hash(t->slots[k].s, t->slots[k].len) & (cap - 1);
            while (ns[h].s != NULL) h = (h + 1) & (cap - 1);
            ns[h] = t->slots[k];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = cap;
    }
    size_t h = hash(s, n) & (t->cap - 1);
    while (t->slots[h].s != NULL) {
        if (t->slots[h].len == n && memcmp(t->slots[h].s, s, (size_t)n) == 0)
            return t->slots[h].index;
        h = (h + 1) & (t->cap - 1);
    }
    PyObject *str = PyUnicode_DecodeASCII(s, n, "strict");
    if (str == NULL) return -1;
    int failed = PyList_Append(t->list, str);
    Py_DECREF(str);
    if (failed) return -1;
    t->slots[h].s = s == NULL ? "" : s;
    t->slots[h].len = n;
    t->slots[h].index = (int32_t)(PyList_GET_SIZE(t->list) - 1);
    t->used++;
    return t->slots[h].index;
}

/* A bytes object of n items of `size` bytes, its buffer in *out. */
static PyObject *column(Py_ssize_t n, size_t size, void **out) {
    PyObject *b = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)size);
    if (b != NULL) *out = PyBytes_AS_STRING(b);
    return b;
}

static int put(PyObject *d, const char *key, PyObject *v) {
    if (v == NULL) return -1;
    int r = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return r;
}

static PyObject *join(vfile *files, Py_ssize_t n) {
    Py_ssize_t m = 0, k = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (files[i].status == 0) {
            m++;
            k += files[i].nobj;
        }
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    interner t = {NULL, 0, 0, PyList_New(0)};
    uint8_t *status;
    int64_t *nbytes, *objects, *col;
    uint64_t *dev, *ino;
    double *width, *height, *box;
    int32_t *root_line, *line, *label, *flag[NFLAGS];
    PyObject *filename = PyList_New(m);
    if (t.list == NULL || filename == NULL ||
        put(d, "status", column(n, 1, (void **)&status)) < 0 ||
        put(d, "nbytes", column(n, 8, (void **)&nbytes)) < 0 ||
        put(d, "dev", column(m, 8, (void **)&dev)) < 0 ||
        put(d, "ino", column(m, 8, (void **)&ino)) < 0 ||
        put(d, "width", column(m, 8, (void **)&width)) < 0 ||
        put(d, "height", column(m, 8, (void **)&height)) < 0 ||
        put(d, "root_line", column(m, 4, (void **)&root_line)) < 0 ||
        put(d, "objects", column(m, 8, (void **)&objects)) < 0 ||
        put(d, "box", column(k * 4, 8, (void **)&box)) < 0 ||
        put(d, "line", column(k, 4, (void **)&line)) < 0 ||
        put(d, "col", column(k, 8, (void **)&col)) < 0 ||
        put(d, "label", column(k, 4, (void **)&label)) < 0)
        goto fail;
    for (int q = 0; q < NFLAGS; q++)
        if (put(d, FLAGS[q], column(k, 4, (void **)&flag[q])) < 0) goto fail;
    Py_ssize_t a = 0, o = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        vfile *f = &files[i];
        status[i] = (uint8_t)f->status;
        nbytes[i] = (int64_t)f->nbytes;
        if (f->status != 0) continue;
        dev[a] = f->dev;
        ino[a] = f->ino;
        width[a] = f->w;
        height[a] = f->h;
        root_line[a] = (int32_t)f->root_line;
        objects[a] = f->nobj;
        PyObject *name;
        if (f->filename.len > 0)
            name = PyUnicode_DecodeASCII(f->arena + f->filename.off, f->filename.len, "strict");
        else
            name = Py_NewRef(Py_None);
        if (name == NULL) goto fail;
        PyList_SET_ITEM(filename, a, name);
        a++;
        for (Py_ssize_t j = 0; j < f->nobj; j++, o++) {
            vobj *v = &f->objs[j];
            for (int q = 0; q < 4; q++) box[o * 4 + q] = (double)v->box[q];
            line[o] = (int32_t)v->line;
            col[o] = v->col;
            label[o] = intern(&t, f->arena + v->name.off, v->name.len);
            if (label[o] < 0) goto fail;
            for (int q = 0; q < NFLAGS; q++) {
                span s = v->flag[q];
                flag[q][o] = s.len > 0 ? intern(&t, f->arena + s.off, s.len) : -1;
                if (s.len > 0 && flag[q][o] < 0) goto fail;
            }
        }
    }
    if (PyDict_SetItemString(d, "filename", filename) < 0 ||
        PyDict_SetItemString(d, "strings", t.list) < 0)
        goto fail;
    Py_DECREF(filename);
    Py_DECREF(t.list);
    free(t.slots);
    return d;
fail:
    Py_XDECREF(filename);
    Py_XDECREF(t.list);
    free(t.slots);
    Py_DECREF(d);
    return NULL;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    PyObject *seq, *keep = NULL;
    int threads;
    long long limit, head;
    if (!PyArg_ParseTuple(args, "OiLL:scan", &seq, &threads, &limit, &head)) return NULL;
    Py_ssize_t n;
    const char **paths = gf_paths(seq, &n, &keep);
    if (paths == NULL) return NULL;
    vfile *files = calloc((size_t)(n ? n : 1), sizeof(vfile));
    if (files == NULL) {
        PyMem_Free(paths);
        Py_DECREF(keep);
        return PyErr_NoMemory();
    }
    job j = {paths, files, limit, head};
    Py_BEGIN_ALLOW_THREADS
    gf_parallel(threads < 1 ? 1 : threads, n, file_task, &j);
    Py_END_ALLOW_THREADS
    PyObject *out = join(files, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        free(files[i].objs);
        free(files[i].arena);
    }
    free(files);
    PyMem_Free(paths);
    Py_DECREF(keep);
    return out;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(paths, threads, limit, head) -> dict: the columns of the regular Pascal VOC files "
     "among paths (status 0), read on `threads` threads; the others (status 1) are left to "
     "the Python reader."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_vocscan",
                                    "Columnar fast path for Pascal VOC files.", -1, methods};

PyMODINIT_FUNC PyInit__vocscan(void) { return PyModule_Create(&module); }
