/* One pass over a CVAT for images 1.1 XML file straight into columns: guidec's fast path for
 * big CVAT deliveries.
 *
 * scan(data, release=0) -> dict | None
 *
 * The general reader (readers/cvat.py) builds a Python element per XML element and a Python
 * tuple per polygon vertex. This scanner reads the bytes once and writes the columns: image
 * ids, names and sizes, one row per shape with its label, box, rotation, polygon vertices (one
 * flat float64 array), line and column, and the shape's <attribute> children (name index and
 * text, the only per-shape Python objects besides the shared label strings).
 *
 * It only takes the regular subset of the format: an optional <?xml version="1.0"
 * encoding="utf-8"?> declaration, the root <annotations>, a <meta> block (whose byte span and
 * position are returned for the general reader's meta code to read), <image> elements with
 * box, polygon, polyline, points, ellipse, tag, mask and skeleton shapes whose numbers
 * Python's float() reads (a mask's runs are returned as text, decoded by the general reader's
 * code; a skeleton's points as (label, x, y, visibility), ordered by the meta in Python),
 * <attribute> children, and the five predefined entities. It checks the well-formedness of
 * all of that itself (names, quoting, duplicate attributes, UTF-8 and XML characters, "]]>",
 * matching end tags, nesting). Anything else (a comment, CDATA, a processing instruction, a
 * DOCTYPE, a character reference, a carriage return, a BOM, another encoding, a track,
 * a cuboid, a shape without label, a number float() would not read or that the
 * general reader reports as huge or not finite) returns None: the caller then reads the whole
 * file with the general reader, which reports whatever is wrong. So this file never produces
 * a finding; it only has to be exactly right about a regular file, which the tests check
 * against the general reader (tests/readers/test_cvatscan.py).
 *
 * Positions are those expat gives the general reader: lines count "\n", columns count
 * characters (code points) from 0, and a row's column is that of its '<' plus one.
 * Numbers are converted exactly as float() does: Clinger's fast path when the decimal
 * mantissa and exponent are small, PyOS_string_to_double otherwise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "_buf.h" /* the growable columns, shared with the JSON scanners */

#define MAX_DEPTH 48        /* deeper elements: the general path (it refuses at 64) */
#define MAX_XML_ATTRS 64    /* more attributes on one element: the general path */
#define MAX_NAMES 256       /* more distinct <attribute> names: the general path */
#define MAX_NUMBER_LEN 64   /* longer number tokens: the general path */
#define STR_CACHE 1024      /* distinct label (or attribute value) strings kept for reuse */
#define STR_SLOTS 2048      /* their hash table (at most half full) */
#define VALUE_CACHED 64     /* longer attribute values are not looked for in the cache */
#define HUGE_COORD 1e9      /* readers._common.HUGE: larger values are findings (V009) */

enum { OK = 0, BAIL = -1, FAIL = -2 }; /* FAIL: a Python exception is set */
enum { S_BOX = 1, S_ROTATED_BOX = 2, S_POLYGON = 3, S_MASK = 4, S_POLYLINE = 5, S_POINTS = 6,
       S_KEYPOINTS = 7, S_ELLIPSE = 8, S_TAG = 9 };     /* guidec.table.Shape */

typedef unsigned char uchar;

/* ------------------------------------------------------------------------------------ */
typedef struct {
    const uchar *name, *val; /* name and raw value (between the quotes) */
    size_t nlen, vlen;
    int plain;               /* the raw value is its own text: no '&', tab or newline */
} XAttr;

typedef struct {
    const uchar *name;
    size_t nlen;
    XAttr attrs[MAX_XML_ATTRS];
    int nattrs;
    int empty;               /* <x/> */
    const uchar *lt;         /* the '<' */
} Tag;

typedef struct {
    char *b; /* a copy of the raw bytes (the mapping's pages may be given back) */
    size_t n;
    PyObject *s;
} Cached;

static int cache_put(Cached *c, const uchar *raw, size_t n, PyObject *v) {
    c->b = PyMem_RawMalloc(n ? n : 1);
    if (!c->b) return -1;
    memcpy(c->b, raw, n);
    c->n = n;
    c->s = Py_NewRef(v);
    return 0;
}

/* Strings met again and again (labels, attribute values such as "good"), one str each: a
 * column of 400,000 rows then holds 400,000 references, not 400,000 strings. */
typedef struct {
    Cached item[STR_CACHE];
    int16_t slot[STR_SLOTS]; /* hash slot -> 1 + index into item, 0: free */
    int n;
} StrCache;

/* The str kept for the bytes raw[0:n] (a new reference), or NULL (no exception set) with
 * *where set to the slot that str_cache_add takes. */
static PyObject *str_cache_get(const StrCache *c, const uchar *raw, size_t n, unsigned *where) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ raw[i]) * 16777619u;
    unsigned slot = h % STR_SLOTS;
    for (;;) {
        int k = c->slot[slot];
        if (!k) break;
        const Cached *e = &c->item[k - 1];
        if (e->n == n && memcmp(e->b, raw, n) == 0) return Py_NewRef(e->s);
        slot = (slot + 1) % STR_SLOTS;
    }
    *where = slot;
    return NULL;
}

/* Keep v for the bytes raw[0:n] in the slot str_cache_get gave (nothing once full). */
static int str_cache_add(StrCache *c, unsigned where, const uchar *raw, size_t n,
                         PyObject *v) {
    if (c->n >= STR_CACHE) return 0;
    if (cache_put(&c->item[c->n], raw, n, v) < 0) return -1;
    c->slot[where] = (int16_t)++c->n;
    return 0;
}

static void str_cache_free(StrCache *c) {
    for (int i = 0; i < c->n; i++) {
        Py_CLEAR(c->item[i].s);
        PyMem_RawFree(c->item[i].b);
    }
    c->n = 0;
}

typedef struct {
    const uchar *start, *p, *end;
    /* position of s->lp: line (1-based) and column (0-based, in characters) */
    const uchar *lp;
    int64_t line, col;
    /* images */
    PyObject *img_key, *img_name;
    Buf img_w, img_h, img_line;
    int64_t nimg;
    /* shapes */
    int64_t n;
    PyObject *labels;
    Buf image, shape, bbox, rotation, nverts, values, row_line, row_col, occluded;
    /* <attribute> children, in document order */
    Buf attr_row, attr_name;
    PyObject *attr_values;
    PyObject *masks; /* [(row, left, top, width, height, rle text)] */
    PyObject *skeleton; /* [(row, label, x, y, visibility)] of skeletons' points */
    Buf kpt;            /* a skeleton point's vertices */
    PyObject *names; /* distinct attribute names */
    uint64_t row_names[MAX_NAMES / 64]; /* the names the current shape has given */
    int repeated;                        /* a shape gave one name twice */
    Cached name_cache[MAX_NAMES];
    int nnames;
    StrCache label_cache;            /* by the raw bytes of the label="..." value */
    StrCache value_cache;            /* by the decoded text of an <attribute> */
    /* <meta> */
    Py_ssize_t meta_start, meta_end;
    int64_t meta_line, meta_col;
    int have_meta;
    /* streaming: pages already scanned are handed back every `release` bytes */
    size_t release;
    const uchar *released;
    Buf tmp; /* decoded text */
} Scanner;

/* ------------------------------------------------------------------------------------ */
/* Positions, computed lazily at each element start from where the last one left off. */
static void advance(Scanner *s, const uchar *to) {
    if (to <= s->lp) return; /* positions only move forward */
    const uchar *q = s->lp;
    const uchar *last_nl = NULL;
    for (;;) {
        const uchar *nl = memchr(q, '\n', (size_t)(to - q));
        if (!nl) break;
        s->line++;
        last_nl = nl;
        q = nl + 1;
    }
    int64_t col = last_nl ? 0 : s->col;
    for (const uchar *c = last_nl ? last_nl + 1 : s->lp; c < to; c++)
        col += (*c & 0xC0) != 0x80;
    s->col = col;
    s->lp = to;
}

static inline int is_ws(uchar c) { return c == ' ' || c == '\n' || c == '\t'; }

static inline void ws(Scanner *s) {
    const uchar *p = s->p, *e = s->end;
    while (p < e && is_ws(*p)) p++;
    s->p = p;
}

/* NAME[c]: 1 for an ASCII character that may start an XML name, 2 for one that may only
 * continue it (digits, '-', '.'); filled by init_stop. */
static uchar NAME[256];

static inline int name_start(uchar c) { return NAME[c] == 1; }

static inline int name_char(uchar c) { return NAME[c] != 0; }

/* An ASCII XML name at s->p (other names: the general path). */
static int scan_name(Scanner *s, const uchar **name, size_t *len) {
    const uchar *p = s->p, *e = s->end;
    if (p >= e || !name_start(*p)) return BAIL;
    const uchar *b = p++;
    while (p < e && name_char(*p)) p++;
    if (p < e && *p >= 0x80) return BAIL;
    *name = b;
    *len = (size_t)(p - b);
    s->p = p;
    return OK;
}

/* The length of the UTF-8 sequence of an XML character at p (not ASCII), or 0 when it is not
 * one: strict UTF-8 (no overlong forms, no surrogates, <= U+10FFFF), not U+FFFE or U+FFFF. */
static inline int utf8_char(const uchar *p, const uchar *e) {
    uchar c = *p;
    if (c >= 0xC2 && c <= 0xDF) {
        if (p + 1 >= e || (p[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (p + 2 >= e || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;
        if (c == 0xED && p[1] >= 0xA0) return 0;
        if (c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (p + 3 >= e || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

/* One of the five predefined entities at p ('&'): its length and character, else 0. */
static int entity(const uchar *p, const uchar *e, char *ch) {
    static const struct { const char *text; char ch; } ents[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof ents / sizeof *ents; i++) {
        size_t n = strlen(ents[i].text);
        if ((size_t)(e - p) >= n && memcmp(p, ents[i].text, n) == 0) {
            *ch = ents[i].ch;
            return (int)n;
        }
    }
    return 0;
}

/* Bytes that end a run of plain ASCII text: controls, non-ASCII, '<', '&', ']' (of "]]>"),
 * and quotes (which only end an attribute value). */
static uchar STOP[256];

static void init_stop(void) {
    for (int c = 0; c < 256; c++) {
        STOP[c] = c < 0x20 || c >= 0x80 || c == '<' || c == '&' || c == ']' || c == '"' ||
                  c == '\'';
        NAME[c] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':')
                      ? 1
                  : ((c >= '0' && c <= '9') || c == '-' || c == '.') ? 2
                                                                      : 0;
    }
}

/* A quoted attribute value at s->p: checked, its raw span returned. */
static int scan_value(Scanner *s, XAttr *a) {
    const uchar *p = s->p, *e = s->end;
    if (p >= e || (*p != '"' && *p != '\'')) return BAIL;
    uchar q = *p++;
    const uchar *b = p;
    int plain = 1;
    for (;;) {
        while (e - p >= 4 && !STOP[p[0]] && !STOP[p[1]] && !STOP[p[2]] && !STOP[p[3]]) p += 4;
        while (p < e && !STOP[*p]) p++;
        if (p >= e) return BAIL;
        uchar c = *p;
        if (c == q) break;
        if (c == '<') return BAIL;
        if (c == '"' || c == '\'' || c == ']') { /* the other quote; ']' is plain here */
            p++;
            continue;
        }
        if (c == '&') {
            char ch;
            int n = entity(p, e, &ch);
            if (!n) return BAIL; /* a character reference or an undeclared entity */
            p += n;
            plain = 0;
        } else if (c == '\t' || c == '\n') {
            p++;
            plain = 0; /* normalized to a space */
        } else if (c < 0x20) {
            return BAIL;
        } else {
            int n = utf8_char(p, e);
            if (!n) return BAIL;
            p += n;
        }
    }
    a->val = b;
    a->vlen = (size_t)(p - b);
    a->plain = plain;
    s->p = p + 1;
    return OK;
}

/* A start tag at s->p ('<' followed by a name). */
static int scan_tag(Scanner *s, Tag *t) {
    t->lt = s->p;
    s->p++;
    if (scan_name(s, &t->name, &t->nlen) < 0) return BAIL;
    t->nattrs = 0;
    t->empty = 0;
    for (;;) {
        const uchar *before = s->p;
        ws(s);
        if (s->p >= s->end) return BAIL;
        uchar c = *s->p;
        if (c == '>') {
            s->p++;
            return OK;
        }
        if (c == '/') {
            if (s->p + 1 >= s->end || s->p[1] != '>') return BAIL;
            s->p += 2;
            t->empty = 1;
            return OK;
        }
        if (s->p == before) return BAIL; /* attributes must be separated by white space */
        if (t->nattrs >= MAX_XML_ATTRS) return BAIL;
        XAttr *a = &t->attrs[t->nattrs];
        if (scan_name(s, &a->name, &a->nlen) < 0) return BAIL;
        for (int i = 0; i < t->nattrs; i++)
            if (t->attrs[i].nlen == a->nlen && memcmp(t->attrs[i].name, a->name, a->nlen) == 0)
                return BAIL; /* a duplicate attribute */
        ws(s);
        if (s->p >= s->end || *s->p != '=') return BAIL;
        s->p++;
        ws(s);
        if (scan_value(s, a) < 0) return BAIL;
        t->nattrs++;
    }
}

#define IS(ptr, n, lit) ((n) == sizeof(lit) - 1 && memcmp((ptr), (lit), (n)) == 0)

static const XAttr *attr_of(const Tag *t, const char *name) {
    size_t n = strlen(name);
    for (int i = 0; i < t->nattrs; i++)
        if (t->attrs[i].nlen == n && memcmp(t->attrs[i].name, name, n) == 0) return &t->attrs[i];
    return NULL;
}

/* The end tag of `t` at s->p ("</name" ws? ">"). */
static int end_tag(Scanner *s, const Tag *t) {
    const uchar *p = s->p, *e = s->end;
    if ((size_t)(e - p) < t->nlen + 3 || p[0] != '<' || p[1] != '/' ||
        memcmp(p + 2, t->name, t->nlen) != 0)
        return BAIL;
    s->p = p + 2 + t->nlen;
    if (s->p < e && name_char(*s->p)) return BAIL; /* a longer name */
    ws(s);
    if (s->p >= e || *s->p != '>') return BAIL;
    s->p++;
    return OK;
}

/* Character data up to the next '<': checked; decoded into s->tmp when `keep`. */
static int scan_text(Scanner *s, int keep) {
    const uchar *p = s->p, *e = s->end;
    if (keep) s->tmp.len = 0;
    for (;;) {
        const uchar *run = p;
        while (e - p >= 4 && !STOP[p[0]] && !STOP[p[1]] && !STOP[p[2]] && !STOP[p[3]]) p += 4;
        while (p < e && !STOP[*p]) p++;
        if (keep && p > run && buf_put(&s->tmp, run, (size_t)(p - run)) < 0) return FAIL;
        if (p >= e) return BAIL; /* the document ends inside an element */
        uchar c = *p;
        if (c == '<') break;
        const uchar *from = p;
        if (c == '&') {
            char ch;
            int n = entity(p, e, &ch);
            if (!n) return BAIL;
            p += n;
            if (keep && buf_put(&s->tmp, &ch, 1) < 0) return FAIL;
            continue;
        }
        if (c == ']') {
            if (e - p >= 3 && p[1] == ']' && p[2] == '>') return BAIL; /* "]]>" */
            p++;
        } else if (c == '"' || c == '\'') {
            p++;
        } else if (c == '\t' || c == '\n') {
            p++;
        } else if (c < 0x20) {
            return BAIL;
        } else {
            int n = utf8_char(p, e);
            if (!n) return BAIL;
            p += n;
        }
        if (keep && buf_put(&s->tmp, from, (size_t)(p - from)) < 0) return FAIL;
    }
    s->p = p;
    return OK;
}

/* Skip the content and end tag of an element whose start tag was read, checking it; deeper
 * elements are skipped the same way. */
static int skip_element(Scanner *s, const Tag *t, int depth) {
    if (t->empty) return OK;
    if (depth > MAX_DEPTH) return BAIL;
    for (;;) {
        int r = scan_text(s, 0);
        if (r < 0) return r;
        if (s->p + 1 >= s->end) return BAIL;
        uchar c = s->p[1];
        if (c == '/') return end_tag(s, t);
        if (c == '!' || c == '?') return BAIL; /* comments, CDATA, instructions */
        Tag child;
        if (scan_tag(s, &child) < 0) return BAIL;
        r = skip_element(s, &child, depth + 1);
        if (r < 0) return r;
    }
}

/* The text of an attribute value (entities decoded, tab and newline as spaces) as str. */
static PyObject *value_str(Scanner *s, const XAttr *a) {
    if (a->plain) return PyUnicode_DecodeUTF8((const char *)a->val, (Py_ssize_t)a->vlen, NULL);
    s->tmp.len = 0;
    const uchar *p = a->val, *e = a->val + a->vlen;
    while (p < e) {
        char ch;
        int n = 1;
        if (*p == '&') n = entity(p, e, &ch);
        else ch = (*p == '\t' || *p == '\n') ? ' ' : (char)*p;
        if (buf_put(&s->tmp, &ch, 1) < 0) return PyErr_NoMemory();
        p += n;
    }
    return PyUnicode_DecodeUTF8(s->tmp.p, (Py_ssize_t)s->tmp.len, NULL);
}

/* The label's str, reused from the cache of the labels met so far (beyond STR_CACHE labels,
 * a new str each time). */
static PyObject *label_str(Scanner *s, const XAttr *a) {
    unsigned slot;
    PyObject *v = str_cache_get(&s->label_cache, a->val, a->vlen, &slot);
    if (v) return v;
    v = value_str(s, a);
    if (v && str_cache_add(&s->label_cache, slot, a->val, a->vlen, v) < 0) {
        Py_DECREF(v);
        return PyErr_NoMemory();
    }
    return v;
}

/* The str of an <attribute>'s decoded text (s->tmp), reused for a short one met before. */
static PyObject *attr_value_str(Scanner *s) {
    const uchar *b = (const uchar *)(s->tmp.p ? s->tmp.p : "");
    size_t n = s->tmp.len;
    unsigned slot = 0;
    PyObject *v = n <= VALUE_CACHED ? str_cache_get(&s->value_cache, b, n, &slot) : NULL;
    if (v) return v;
    v = PyUnicode_DecodeUTF8((const char *)b, (Py_ssize_t)n, NULL);
    if (v && n <= VALUE_CACHED && str_cache_add(&s->value_cache, slot, b, n, v) < 0) {
        Py_DECREF(v);
        return PyErr_NoMemory();
    }
    return v;
}

/* ------------------------------------------------------------------------------------ */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The number at p as float() reads it, up to the first byte that cannot continue it (*stop),
 * for the plain spellings: [+-] digits [. digits] [(e|E) [+-] digits] with at least one digit
 * before the exponent. Anything else (spaces, underscores, inf, nan, an empty token) is BAIL,
 * as is a value the general reader reports (NaN, beyond HUGE). */
static int scan_number(const uchar *p, const uchar *e, double *out, const uchar **stop) {
    const uchar *tok = p;
    int neg = 0;
    uint64_t m = 0; /* the digits as one integer: exact while there are at most 19 */
    long exp10 = 0;
    if (p >= e) return BAIL;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    const uchar *d0 = p;
    while (p < e && (unsigned)(*p - '0') < 10) m = m * 10 + (uint64_t)(*p++ - '0');
    size_t digits = (size_t)(p - d0);
    if (p < e && *p == '.') {
        const uchar *f0 = ++p;
        while (p < e && (unsigned)(*p - '0') < 10) m = m * 10 + (uint64_t)(*p++ - '0');
        exp10 = -(long)(p - f0);
        digits += (size_t)(p - f0);
    }
    if (!digits) return BAIL;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < e && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p >= e || (unsigned)(*p - '0') >= 10) return BAIL;
        long x = 0;
        while (p < e && (unsigned)(*p - '0') < 10) {
            if (x < 100000) x = x * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -x : x;
    }
    size_t toklen = (size_t)(p - tok);
    if (toklen > MAX_NUMBER_LEN) return BAIL;
    *stop = p;
    double v;
    if (digits <= 19 && m <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        v = (double)m; /* exact, and so is the power: one correctly rounded operation */
        v = exp10 < 0 ? v / POW10[-exp10] : v * POW10[exp10];
        if (neg) v = -v;
    } else {
        char buf[MAX_NUMBER_LEN + 1];
        memcpy(buf, tok, toklen);
        buf[toklen] = 0;
        char *endp = NULL;
        v = PyOS_string_to_double(buf, &endp, NULL);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return BAIL;
        }
        if (endp != buf + toklen) return BAIL;
    }
    if (v != v || fabs(v) > HUGE_COORD) return BAIL;
    *out = v;
    return OK;
}

/* The whole of [p, e) as one number (see scan_number). */
static int parse_number(const uchar *p, const uchar *e, double *out) {
    const uchar *stop;
    if (scan_number(p, e, out, &stop) < 0 || stop != e) return BAIL;
    return OK;
}

/* A numeric XML attribute: 1 and its value, 0 when absent (and not required), else BAIL. */
static int num_attr(const Tag *t, const char *name, int required, double *out) {
    const XAttr *a = attr_of(t, name);
    if (!a) return required ? BAIL : 0;
    if (!a->plain) return BAIL;
    if (parse_number(a->val, a->val + a->vlen, out) < 0) return BAIL;
    return 1;
}

/* points="x,y;x,y": the vertices into s->values, their number in *count. */
static int parse_points(Buf *out, const XAttr *a, int64_t *count) {
    if (!a->plain) return BAIL;
    const uchar *p = a->val, *e = a->val + a->vlen;
    int64_t k = 0;
    while (p < e) {
        if (*p == ';') { /* an empty pair is skipped, as the general reader does */
            p++;
            continue;
        }
        double xy[2];
        const uchar *stop;
        if (scan_number(p, e, &xy[0], &stop) < 0 || stop >= e || *stop != ',') return BAIL;
        if (scan_number(stop + 1, e, &xy[1], &stop) < 0 || (stop < e && *stop != ';'))
            return BAIL; /* also a third value: "1,2,3" */
        if (buf_put(out, xy, sizeof xy) < 0) return FAIL;
        k++;
        p = stop;
    }
    *count = k;
    return OK;
}

/* ------------------------------------------------------------------------------------ */
/* The <attribute name="n">text</attribute> children of a shape. */
/* A skeleton's <points label="n" points="x,y" outside occluded> child: its first vertex and
 * visibility (0 outside, 1 occluded, 2 visible), as (row, label, x, y, v) in s->skeleton. */
static int skeleton_point(Scanner *s, const Tag *c, int64_t row) {
    const XAttr *pa = attr_of(c, "points"), *la = attr_of(c, "label");
    const XAttr *oa = attr_of(c, "outside"), *ca = attr_of(c, "occluded");
    if (!pa) return BAIL;
    int64_t k;
    s->kpt.len = 0;
    int r = parse_points(&s->kpt, pa, &k);
    if (r < 0) return r;
    if (k) { /* a point without a vertex is left out, as the general reader does */
        const double *xy = (const double *)s->kpt.p;
        int v = (oa && oa->vlen == 1 && oa->val[0] == '1')   ? 0
                : (ca && ca->vlen == 1 && ca->val[0] == '1') ? 1
                                                             : 2;
        PyObject *label = la ? value_str(s, la) : Py_NewRef(Py_None);
        if (!label) return FAIL;
        PyObject *t = Py_BuildValue("(LNddi)", (long long)row, label, xy[0], xy[1], v);
        if (!t) return FAIL;
        int bad = PyList_Append(s->skeleton, t);
        Py_DECREF(t);
        if (bad < 0) return FAIL;
    }
    return skip_element(s, c, 5); /* what a point holds is not read */
}

static int shape_children(Scanner *s, const Tag *t, int64_t row, int kind) {
    if (t->empty) return OK;
    memset(s->row_names, 0, sizeof s->row_names);
    for (;;) {
        int r = scan_text(s, 0);
        if (r < 0) return r;
        if (s->p + 1 >= s->end) return BAIL;
        if (s->p[1] == '/') return end_tag(s, t);
        if (s->p[1] == '!' || s->p[1] == '?') return BAIL;
        Tag c;
        if (scan_tag(s, &c) < 0) return BAIL;
        if (kind == S_KEYPOINTS && IS(c.name, c.nlen, "points")) {
            r = skeleton_point(s, &c, row);
            if (r < 0) return r;
            continue;
        }
        if (!IS(c.name, c.nlen, "attribute")) return BAIL; /* not read by the fast path */
        const XAttr *na = attr_of(&c, "name");
        if (!na) return BAIL;
        int idx = -1;
        for (int i = 0; i < s->nnames; i++)
            if (s->name_cache[i].n == na->vlen && memcmp(s->name_cache[i].b, na->val,
                                                        na->vlen) == 0) {
                idx = i;
                break;
            }
        if (idx < 0) {
            if (s->nnames >= MAX_NAMES) return BAIL;
            PyObject *name = value_str(s, na);
            if (!name) return FAIL;
            int bad = PyList_Append(s->names, name) < 0 ||
                      cache_put(&s->name_cache[s->nnames], na->val, na->vlen, name) < 0;
            Py_DECREF(name);
            if (bad) return PyErr_Occurred() ? FAIL : (PyErr_NoMemory(), FAIL);
            idx = s->nnames++;
        }
        uint64_t bit = 1ULL << (idx % 64);
        if (s->row_names[idx / 64] & bit) s->repeated = 1;
        s->row_names[idx / 64] |= bit;
        PyObject *text;
        if (c.empty) {
            text = PyUnicode_New(0, 0);
        } else {
            r = scan_text(s, 1);
            if (r < 0) return r;
            text = attr_value_str(s);
            if (!text) return FAIL;
            if (end_tag(s, &c) < 0) {
                Py_DECREF(text);
                return BAIL; /* an element inside <attribute> */
            }
        }
        if (!text) return FAIL;
        int bad = PyList_Append(s->attr_values, text);
        Py_DECREF(text);
        if (bad < 0 || put_i64(&s->attr_row, row) < 0 || put_i32(&s->attr_name, idx) < 0)
            return FAIL;
    }
}

enum { A_LABEL, A_OCCLUDED, A_POINTS, A_ROTATION, A_K0, A_K1, A_K2, A_K3, A_LEFT, A_TOP,
       A_WIDTH, A_HEIGHT, A_RLE, A_N };

/* The XML attributes a shape is read from, in one pass over its attributes. */
static void shape_attrs(const Tag *t, const XAttr *slot[A_N]) {
    for (int i = 0; i < A_N; i++) slot[i] = NULL;
    for (int i = 0; i < t->nattrs; i++) {
        const XAttr *a = &t->attrs[i];
        const uchar *n = a->name;
        switch (a->nlen) {
        case 2: /* ellipse: cx cy rx ry */
            if (n[1] == 'x' || n[1] == 'y') {
                int k = n[0] == 'c' ? 0 : n[0] == 'r' ? 2 : -1;
                if (k >= 0) slot[A_K0 + k + (n[1] == 'y')] = a;
            }
            break;
        case 3: /* box: xtl ytl xbr ybr */
            if (!memcmp(n, "xtl", 3)) slot[A_K0] = a;
            else if (!memcmp(n, "ytl", 3)) slot[A_K1] = a;
            else if (!memcmp(n, "xbr", 3)) slot[A_K2] = a;
            else if (!memcmp(n, "ybr", 3)) slot[A_K3] = a;
            else if (!memcmp(n, "top", 3)) slot[A_TOP] = a;
            else if (!memcmp(n, "rle", 3)) slot[A_RLE] = a;
            break;
        case 4:
            if (!memcmp(n, "left", 4)) slot[A_LEFT] = a;
            break;
        case 5:
            if (!memcmp(n, "label", 5)) slot[A_LABEL] = a;
            else if (!memcmp(n, "width", 5)) slot[A_WIDTH] = a;
            break;
        case 6:
            if (!memcmp(n, "points", 6)) slot[A_POINTS] = a;
            else if (!memcmp(n, "height", 6)) slot[A_HEIGHT] = a;
            break;
        case 8:
            if (!memcmp(n, "occluded", 8)) slot[A_OCCLUDED] = a;
            else if (!memcmp(n, "rotation", 8)) slot[A_ROTATION] = a;
            break;
        }
    }
}

/* A numeric attribute of a shape: OK (*out set, or left as is when absent and optional). */
static int shape_num(const XAttr *a, int required, double *out) {
    if (!a) return required ? BAIL : OK;
    if (!a->plain) return BAIL;
    return parse_number(a->val, a->val + a->vlen, out);
}

static int scan_shape(Scanner *s, const Tag *t, int kind, int64_t image) {
    int64_t row = s->n;
    const XAttr *slot[A_N];
    shape_attrs(t, slot);
    const XAttr *la = slot[A_LABEL];
    if (!la || la->vlen == 0) return BAIL; /* no label: a finding of the general reader */
    double box[4] = {NAN, NAN, NAN, NAN}, rot = 0.0;
    int64_t nv = 0;
    int shape = kind;
    if (kind == S_BOX || kind == S_ELLIPSE) {
        /* slots K0-K3: xtl ytl xbr ybr of a box; cx cy rx ry of an ellipse (both filled from
         * their own names only, so a box's "cx" is never read as a corner) */
        double v[4];
        for (int i = 0; i < 4; i++) {
            const XAttr *a = slot[A_K0 + i];
            if (a && (a->nlen == 2) != (kind == S_ELLIPSE)) a = NULL;
            if (shape_num(a, 1, &v[i]) < 0) return BAIL;
        }
        if (shape_num(slot[A_ROTATION], 0, &rot) < 0) return BAIL;
        if (rot == 0.0) rot = 0.0; /* "-0" or absent: the general reader's `or 0.0` */
        if (kind == S_BOX) {
            box[0] = v[0];
            box[1] = v[1];
            box[2] = v[2] - v[0];
            box[3] = v[3] - v[1];
            if (rot != 0.0) shape = S_ROTATED_BOX;
        } else {
            box[0] = v[0] - v[2];
            box[1] = v[1] - v[3];
            box[2] = 2 * v[2];
            box[3] = 2 * v[3];
        }
    } else if (kind == S_MASK) {
        /* the general reader decodes the runs (readers.cvat.mask_rle): kept as text here */
        double v[4];
        static const int keys[4] = {A_LEFT, A_TOP, A_WIDTH, A_HEIGHT};
        for (int i = 0; i < 4; i++)
            if (shape_num(slot[keys[i]], 1, &v[i]) < 0) return BAIL;
        if (!slot[A_RLE]) return BAIL;
        PyObject *rle = value_str(s, slot[A_RLE]);
        if (!rle) return FAIL;
        PyObject *m = Py_BuildValue("(LddddN)", (long long)row, v[0], v[1], v[2], v[3], rle);
        if (!m) return FAIL;
        int bad = PyList_Append(s->masks, m);
        Py_DECREF(m);
        if (bad < 0) return FAIL;
    } else if (kind != S_TAG && kind != S_KEYPOINTS) {
        const XAttr *pa = slot[A_POINTS];
        if (!pa) return BAIL;
        int r = parse_points(&s->values, pa, &nv);
        if (r < 0) return r;
    }
    const XAttr *oa = slot[A_OCCLUDED];
    int8_t occ = !oa ? -1 : (oa->vlen == 1 && oa->val[0] == '1');
    PyObject *label = label_str(s, la);
    if (!label) return FAIL;
    int bad = PyList_Append(s->labels, label);
    Py_DECREF(label);
    if (bad < 0) return FAIL;
    advance(s, t->lt);
    if (put_i64(&s->image, image) < 0 || put_i8(&s->shape, (int8_t)shape) < 0 ||
        buf_put(&s->bbox, box, sizeof box) < 0 || put_f64(&s->rotation, rot) < 0 ||
        put_i64(&s->nverts, nv) < 0 || put_i32(&s->row_line, (int32_t)s->line) < 0 ||
        put_i64(&s->row_col, s->col + 1) < 0 || put_i8(&s->occluded, occ) < 0)
        return FAIL;
    s->n++;
    return shape_children(s, t, row, kind);
}

/* Drop the scanned pages of a read-only file mapping from this process (they are read again
 * from the file if a later step needs them: the meta block). Only ever called when the
 * caller says the data is such a mapping: on anonymous memory it would lose data. */
static void release_pages(Scanner *s) {
#ifdef MADV_DONTNEED
    static size_t page = 0;
    if (!page) page = (size_t)sysconf(_SC_PAGESIZE);
    advance(s, s->p); /* count lines over the pages before they go */
    uintptr_t from = (uintptr_t)s->released, to = (uintptr_t)s->p;
    from = (from + page - 1) / page * page;
    to = to / page * page;
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
    s->released = (const uchar *)to;
#endif
}

static int scan_image(Scanner *s, const Tag *t) {
    int64_t image = s->nimg;
    const XAttr *ida = attr_of(t, "id"), *na = attr_of(t, "name");
    double w = NAN, h = NAN;
    if (num_attr(t, "width", 0, &w) < 0 || num_attr(t, "height", 0, &h) < 0) return BAIL;
    PyObject *name = na ? value_str(s, na) : Py_NewRef(Py_None);
    if (!name) return FAIL;
    PyObject *key = ida ? value_str(s, ida) : Py_NewRef(name);
    if (!key || PyList_Append(s->img_name, name) < 0 || PyList_Append(s->img_key, key) < 0) {
        Py_DECREF(name);
        Py_XDECREF(key);
        return FAIL;
    }
    Py_DECREF(name);
    Py_DECREF(key);
    advance(s, t->lt);
    if (put_f64(&s->img_w, w) < 0 || put_f64(&s->img_h, h) < 0 ||
        put_i32(&s->img_line, (int32_t)s->line) < 0)
        return FAIL;
    s->nimg++;
    if (t->empty) return OK;
    for (;;) {
        int r = scan_text(s, 0);
        if (r < 0) return r;
        if (s->p + 1 >= s->end) return BAIL;
        if (s->p[1] == '/') return end_tag(s, t);
        if (s->p[1] == '!' || s->p[1] == '?') return BAIL;
        Tag c;
        if (scan_tag(s, &c) < 0) return BAIL;
        int kind = 0;
        if (IS(c.name, c.nlen, "box")) kind = S_BOX;
        else if (IS(c.name, c.nlen, "polygon")) kind = S_POLYGON;
        else if (IS(c.name, c.nlen, "polyline")) kind = S_POLYLINE;
        else if (IS(c.name, c.nlen, "points")) kind = S_POINTS;
        else if (IS(c.name, c.nlen, "ellipse")) kind = S_ELLIPSE;
        else if (IS(c.name, c.nlen, "tag")) kind = S_TAG;
        else if (IS(c.name, c.nlen, "mask")) kind = S_MASK;
        else if (IS(c.name, c.nlen, "skeleton")) kind = S_KEYPOINTS;
        if (kind) r = scan_shape(s, &c, kind, image);
        else if (IS(c.name, c.nlen, "attribute")) r = skip_element(s, &c, 4); /* not read */
        else return BAIL; /* cuboid, anything else: the general path */
        if (r < 0) return r;
    }
}

/* <?xml version="1.0" [encoding="utf-8"] [standalone="yes|no"]?>, in that order. */
static int declaration(Scanner *s) {
    static const char *names[3] = {"version", "encoding", "standalone"};
    const uchar *e = s->end;
    if (e - s->p < 6 || memcmp(s->p, "<?xml", 5) != 0 || !is_ws(s->p[5])) return BAIL;
    s->p += 5;
    int next = 0; /* the first pseudo-attribute still allowed */
    for (;;) {
        const uchar *before = s->p;
        ws(s);
        if (e - s->p >= 2 && s->p[0] == '?' && s->p[1] == '>') {
            s->p += 2;
            return next ? OK : BAIL;
        }
        if (s->p == before) return BAIL;
        XAttr a;
        if (scan_name(s, &a.name, &a.nlen) < 0) return BAIL;
        ws(s);
        if (s->p >= e || *s->p != '=') return BAIL;
        s->p++;
        ws(s);
        if (scan_value(s, &a) < 0 || !a.plain) return BAIL;
        int i = next;
        while (i < 3 && !(a.nlen == strlen(names[i]) && memcmp(a.name, names[i], a.nlen) == 0))
            i++;
        if (i == 3 || (next == 0 && i != 0)) return BAIL;
        int ok = i == 0   ? IS(a.val, a.vlen, "1.0")
                 : i == 1 ? a.vlen == 5 && strncasecmp((const char *)a.val, "utf-8", 5) == 0
                          : IS(a.val, a.vlen, "yes") || IS(a.val, a.vlen, "no");
        if (!ok) return BAIL;
        next = i + 1;
    }
}

static int scan_document(Scanner *s) {
    if (s->p < s->end && *s->p == '<' && s->end - s->p > 1 && s->p[1] == '?') {
        if (declaration(s) < 0) return BAIL;
    }
    ws(s);
    if (s->end - s->p < 2 || *s->p != '<') return BAIL;
    Tag root;
    if (scan_tag(s, &root) < 0 || !IS(root.name, root.nlen, "annotations")) return BAIL;
    if (!root.empty) {
        for (;;) {
            int r = scan_text(s, 0);
            if (r < 0) return r;
            if (s->p + 1 >= s->end) return BAIL;
            if (s->p[1] == '/') {
                if (end_tag(s, &root) < 0) return BAIL;
                break;
            }
            if (s->p[1] == '!' || s->p[1] == '?') return BAIL;
            Tag c;
            if (scan_tag(s, &c) < 0) return BAIL;
            if (IS(c.name, c.nlen, "image")) {
                r = scan_image(s, &c);
                if (r < 0) return r;
                if (s->release && (size_t)(s->p - s->released) >= s->release) release_pages(s);
            } else if (IS(c.name, c.nlen, "meta")) {
                if (s->have_meta) return BAIL;
                s->have_meta = 1;
                advance(s, c.lt);
                s->meta_line = s->line;
                s->meta_col = s->col + 1;
                s->meta_start = c.lt - s->start;
                r = skip_element(s, &c, 2);
                if (r < 0) return r;
                s->meta_end = s->p - s->start;
            } else if (IS(c.name, c.nlen, "track")) {
                return BAIL; /* video: the general path */
            } else {
                r = skip_element(s, &c, 2); /* <version> and anything the reader ignores */
                if (r < 0) return r;
            }
        }
    }
    ws(s);
    if (s->p != s->end) return BAIL; /* anything after the root */
    return OK;
}

/* ------------------------------------------------------------------------------------ */
static void scanner_free(Scanner *s) {
    Buf *bufs[] = {&s->img_w,  &s->img_h,    &s->img_line, &s->image,    &s->shape,
                   &s->bbox,   &s->rotation, &s->nverts,   &s->values,   &s->row_line,
                   &s->row_col, &s->occluded, &s->attr_row, &s->attr_name, &s->tmp,
                   &s->kpt};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) buf_free(bufs[i]);
    Py_CLEAR(s->img_key);
    Py_CLEAR(s->img_name);
    Py_CLEAR(s->labels);
    Py_CLEAR(s->attr_values);
    Py_CLEAR(s->masks);
    Py_CLEAR(s->skeleton);
    Py_CLEAR(s->names);
    str_cache_free(&s->label_cache);
    str_cache_free(&s->value_cache);
    for (int i = 0; i < s->nnames; i++) {
        Py_CLEAR(s->name_cache[i].s);
        PyMem_RawFree(s->name_cache[i].b);
    }
    s->nnames = 0;
}

/* Move a buffer into the result dict: its bytearray, trimmed, no copy (_buf.h). */
static int put_obj(PyObject *d, const char *key, PyObject *v);

static int give(PyObject *d, const char *key, Buf *b) { return put_obj(d, key, buf_bytes(b)); }

static int put_obj(PyObject *d, const char *key, PyObject *v) {
    if (!v) return -1;
    int r = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return r;
}

static PyObject *result(Scanner *s) {
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    PyObject *meta = s->have_meta ? Py_BuildValue("(nnLL)", s->meta_start, s->meta_end,
                                                  (long long)s->meta_line,
                                                  (long long)s->meta_col)
                                  : Py_NewRef(Py_None);
    if (put_obj(d, "meta", meta) < 0 || put_obj(d, "n", PyLong_FromLongLong(s->n)) < 0 ||
        PyDict_SetItemString(d, "attr_repeated", s->repeated ? Py_True : Py_False) < 0 ||
        PyDict_SetItemString(d, "image_key", s->img_key) < 0 ||
        PyDict_SetItemString(d, "image_name", s->img_name) < 0 ||
        PyDict_SetItemString(d, "label", s->labels) < 0 ||
        PyDict_SetItemString(d, "attr_names", s->names) < 0 ||
        PyDict_SetItemString(d, "attr_values", s->attr_values) < 0 ||
        PyDict_SetItemString(d, "masks", s->masks) < 0 ||
        PyDict_SetItemString(d, "skeleton", s->skeleton) < 0 ||
        give(d, "image_width", &s->img_w) < 0 || give(d, "image_height", &s->img_h) < 0 ||
        give(d, "image_line", &s->img_line) < 0 || give(d, "image", &s->image) < 0 ||
        give(d, "shape", &s->shape) < 0 || give(d, "bbox", &s->bbox) < 0 ||
        give(d, "rotation", &s->rotation) < 0 || give(d, "nverts", &s->nverts) < 0 ||
        give(d, "values", &s->values) < 0 || give(d, "line", &s->row_line) < 0 ||
        give(d, "col", &s->row_col) < 0 || give(d, "occluded", &s->occluded) < 0 ||
        give(d, "attr_row", &s->attr_row) < 0 || give(d, "attr_name", &s->attr_name) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t release = 0;
    if (!PyArg_ParseTuple(args, "y*|n:scan", &view, &release)) return NULL;
    Scanner *s = PyMem_RawCalloc(1, sizeof(Scanner));
    if (!s) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    s->start = s->p = s->lp = (const uchar *)view.buf;
    s->end = s->start + view.len;
    s->line = 1;
    s->release = release > 0 ? (size_t)release : 0;
    s->released = s->start;
    s->img_key = PyList_New(0);
    s->img_name = PyList_New(0);
    s->labels = PyList_New(0);
    s->attr_values = PyList_New(0);
    s->names = PyList_New(0);
    s->masks = PyList_New(0);
    s->skeleton = PyList_New(0);
    PyObject *out = NULL;
    if (s->img_key && s->img_name && s->labels && s->attr_values && s->names && s->masks &&
        s->skeleton) {
        int r = scan_document(s);
        if (s->release) release_pages(s); /* the last pages too */
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
     "scan(data, release=0) -> dict | None: the columns of a regular CVAT for images 1.1 "
     "XML file, or None. release > 0: data is a read-only file mapping whose scanned pages "
     "are dropped every release bytes."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cvatscan",
                                    "Columnar fast path for CVAT for images 1.1 XML files.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__cvatscan(void) {
    init_stop();
    return PyModule_Create(&module);
}
