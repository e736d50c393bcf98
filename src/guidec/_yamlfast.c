/* guidec._yamlfast: a spec's YAML straight from libyaml's events into Python data with the
 * place of every value, for the common case only.
 *
 * source.load_yaml reads a spec with PyYAML's CParser and builds the data in a Python loop
 * over its events (source._EventBuilder); for a 10,000-class spec that loop, and the event and
 * mark objects PyYAML makes for it, are most of `guidec check`. This module runs the same
 * loop in C over libyaml's own events, building the same data and the same position table
 * (marks as one int each, line << 32 | column, both 0-based as libyaml gives them).
 *
 * It handles block/flow YAML: mappings with string keys, sequences, scalars, anchors and
 * aliases (an alias is the anchored value itself, counted at each use as the Python builder
 * counts it). Keys are strings, or ints, or the text of float and bool keys, as in the Python
 * builder. Anything else -- a parse error, a tag, a merge key, a duplicate key, a null or
 * collection key, an alias as a key or as the document, an undefined alias, several
 * documents, a scalar as the whole document, the node or depth bound -- returns None, and the
 * Python builder reads the file again and reports what it reports. Plain scalars that may be
 * typed (their first character starts one of YAML 1.1's implicit types) are resolved by the
 * Python callable given, once per distinct text (memo).
 *
 *   build(text: bytes, special: bytes, memo: dict, resolve, fallback, max_nodes, max_depth)
 *     -> (root, root_mark, vals, keys) | None
 *
 * `special`: the 256-byte table of first bytes that may start a typed plain scalar;
 * `resolve(text)` returns the value, or `fallback` to give the file to the Python builder.
 * `vals`: container path -> {key: mark} / [mark]; `keys`: mapping path -> {key: mark}.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

typedef struct {
    PyObject *data;  /* dict or list */
    PyObject *vpos;  /* dict or list: marks of the values */
    PyObject *kpos;  /* dict (mappings) or NULL: marks of the keys */
    PyObject *path;  /* tuple */
    PyObject *key;   /* mapping: the pending key, or NULL when a key is expected */
    PyObject *anchor; /* str or NULL */
    int is_map;
    long depth;
    long long size;  /* values in it, itself included, aliases counted at each use */
    long below;      /* nesting depth of the containers in it */
} Frame;

typedef struct {
    const unsigned char *special;
    PyObject *memo, *resolve, *fallback;
    int fall;  /* set: give up, the Python builder reads the file */
} Ctx;

static void frame_clear(Frame *f) {
    Py_CLEAR(f->data);
    Py_CLEAR(f->vpos);
    Py_CLEAR(f->kpos);
    Py_CLEAR(f->path);
    Py_CLEAR(f->key);
    Py_CLEAR(f->anchor);
}

static PyObject *mark_int(const yaml_mark_t *m) {
    return PyLong_FromUnsignedLongLong(((unsigned long long)m->line << 32)
                                       | (unsigned long long)m->column);
}

/* New reference to the scalar's value, or NULL with ctx->fall set (or an exception). */
static PyObject *scalar_value(yaml_event_t *ev, Ctx *ctx) {
    if (ev->data.scalar.tag != NULL) {
        ctx->fall = 1;
        return NULL;
    }
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    PyObject *s = PyUnicode_DecodeUTF8(v, (Py_ssize_t)n, "strict");
    if (s == NULL)
        return NULL;
    if (!ev->data.scalar.plain_implicit)
        return s;  /* quoted or block: text */
    if (n > 0 && !ctx->special[(unsigned char)v[0]])
        return s;  /* plain text that no implicit type starts with */
    PyObject *got = PyDict_GetItemWithError(ctx->memo, s);
    if (got != NULL) {
        Py_DECREF(s);
        Py_INCREF(got);
        return got;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(s);
        return NULL;
    }
    got = PyObject_CallOneArg(ctx->resolve, s);
    if (got == NULL) {
        Py_DECREF(s);
        return NULL;
    }
    if (got == ctx->fallback) {
        Py_DECREF(s);
        Py_DECREF(got);
        ctx->fall = 1;
        return NULL;
    }
    if (PyDict_SetItem(ctx->memo, s, got) < 0) {
        Py_DECREF(s);
        Py_DECREF(got);
        return NULL;
    }
    Py_DECREF(s);
    return got;
}

static PyObject *build(PyObject *self, PyObject *args) {
    Py_buffer text;
    Py_buffer special;
    PyObject *memo, *resolve, *fallback;
    long long max_nodes;
    long max_depth;
    if (!PyArg_ParseTuple(args, "y*y*O!OOLl", &text, &special, &PyDict_Type, &memo, &resolve,
                          &fallback, &max_nodes, &max_depth))
        return NULL;
    PyObject *result = NULL, *root = NULL, *root_mark = NULL, *vals = NULL, *keys = NULL;
    PyObject *anchors = NULL;  /* name -> (value, size, below) */
    Frame *stack = NULL;
    long top = -1;  /* index of the innermost open collection */
    int documents = 0, done = 0;
    long long total = 0;
    yaml_parser_t parser;
    yaml_event_t ev;
    int parser_ok = 0;
    Ctx ctx = {NULL, memo, resolve, fallback, 0};

    if (special.len != 256) {
        PyErr_SetString(PyExc_ValueError, "special must be 256 bytes");
        goto out;
    }
    ctx.special = (const unsigned char *)special.buf;
    if (max_depth < 0 || max_depth > 100000) {
        PyErr_SetString(PyExc_ValueError, "max_depth out of range");
        goto out;
    }
    stack = PyMem_Calloc((size_t)max_depth + 2, sizeof(Frame));
    vals = PyDict_New();
    keys = PyDict_New();
    anchors = PyDict_New();
    if (stack == NULL || vals == NULL || keys == NULL || anchors == NULL) {
        if (stack == NULL)
            PyErr_NoMemory();
        goto out;
    }
    if (!yaml_parser_initialize(&parser)) {
        PyErr_NoMemory();
        goto out;
    }
    parser_ok = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text.buf, (size_t)text.len);
    /* no set_encoding: libyaml detects UTF-8 and skips a BOM, as for PyYAML's CParser */

    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            ctx.fall = 1;  /* the Python builder reports the error with PyYAML's words */
            goto out;
        }
        int stop = 0;
        PyObject *value = NULL;  /* a finished value to attach to the top frame */
        long long vsize = 1;     /* its size and nesting, as the Python builder counts them */
        long vbelow = -1;        /* -1: a scalar */
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            stop = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                ctx.fall = 1;
            break;
        case YAML_ALIAS_EVENT: {
            if (top < 0 || (stack[top].is_map && stack[top].key == NULL)) {
                ctx.fall = 1;  /* an alias as the document or as a key */
                break;
            }
            PyObject *name = PyUnicode_FromString((const char *)ev.data.alias.anchor);
            if (name == NULL)
                break;
            PyObject *entry = PyDict_GetItemWithError(anchors, name);
            Py_DECREF(name);
            if (entry == NULL) {
                if (!PyErr_Occurred())
                    ctx.fall = 1;  /* undefined */
                break;
            }
            Frame *f = &stack[top];
            vsize = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 1));
            vbelow = PyLong_AsLong(PyTuple_GET_ITEM(entry, 2));
            if (PyErr_Occurred())
                break;
            total += vsize;
            if (total > max_nodes || f->depth + 1 + (vbelow < 0 ? 0 : vbelow) > max_depth) {
                ctx.fall = 1;
                break;
            }
            PyObject *m = mark_int(&ev.start_mark);
            int bad = m == NULL;
            if (!bad)
                bad = f->is_map ? PyDict_SetDefault(f->vpos, f->key, m) == NULL
                                : PyList_Append(f->vpos, m) < 0;
            Py_XDECREF(m);
            if (bad)
                break;
            value = PyTuple_GET_ITEM(entry, 0);
            Py_INCREF(value);
            break;
        }
        case YAML_SCALAR_EVENT: {
            if (top < 0) {  /* a scalar as the whole document */
                ctx.fall = 1;
                break;
            }
            Frame *f = &stack[top];
            value = scalar_value(&ev, &ctx);
            if (value == NULL)
                break;
            if (ev.data.scalar.anchor != NULL) {
                PyObject *entry = Py_BuildValue("(Oii)", value, 1, -1);
                if (entry == NULL
                    || PyDict_SetItemString(anchors, (const char *)ev.data.scalar.anchor,
                                            entry) < 0) {
                    Py_XDECREF(entry);
                    Py_CLEAR(value);
                    break;
                }
                Py_DECREF(entry);
            }
            if (f->is_map && f->key == NULL) {  /* this scalar is a key */
                if (PyBool_Check(value) || PyFloat_CheckExact(value)) {
                    /* as the Python builder: such a key is its text (`1.5: a`, `yes: b`) */
                    Py_DECREF(value);
                    value = PyUnicode_DecodeUTF8((const char *)ev.data.scalar.value,
                                                 (Py_ssize_t)ev.data.scalar.length, "strict");
                    if (value == NULL)
                        break;
                }
                if (!(PyUnicode_CheckExact(value) || PyLong_CheckExact(value))
                    || (PyUnicode_CheckExact(value)
                        && PyUnicode_CompareWithASCIIString(value, "<<") == 0)
                    || PyDict_Contains(f->data, value) != 0) {
                    if (!PyErr_Occurred())
                        ctx.fall = 1;
                    Py_CLEAR(value);
                    break;
                }
                PyObject *m = mark_int(&ev.start_mark);
                if (m == NULL || PyDict_SetItem(f->kpos, value, m) < 0) {
                    Py_XDECREF(m);
                    Py_CLEAR(value);
                    break;
                }
                Py_DECREF(m);
                f->key = value;
                value = NULL;
                break;
            }
            if (++total > max_nodes || f->depth + 1 > max_depth) {
                ctx.fall = 1;
                Py_CLEAR(value);
                break;
            }
            PyObject *m = mark_int(&ev.start_mark);
            int bad = m == NULL;
            if (!bad)
                bad = f->is_map ? PyDict_SetItem(f->vpos, f->key, m) < 0
                                : PyList_Append(f->vpos, m) < 0;
            Py_XDECREF(m);
            if (bad)
                Py_CLEAR(value);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int is_map = ev.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor =
                is_map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            if ((is_map ? ev.data.mapping_start.tag : ev.data.sequence_start.tag) != NULL) {
                ctx.fall = 1;
                break;
            }
            long depth = top < 0 ? 0 : stack[top].depth + 1;
            if (++total > max_nodes || depth > max_depth || (top < 0 && root != NULL)) {
                ctx.fall = 1;
                break;
            }
            PyObject *path = NULL, *m = mark_int(&ev.start_mark);
            if (m == NULL)
                break;
            if (top < 0) {
                path = PyTuple_New(0);
                root_mark = m;  /* owns m */
                m = NULL;
            } else {
                Frame *f = &stack[top];
                PyObject *k;
                if (f->is_map) {
                    if (f->key == NULL) {  /* a collection as a key */
                        ctx.fall = 1;
                        Py_DECREF(m);
                        break;
                    }
                    k = f->key;
                    Py_INCREF(k);
                } else {
                    k = PyLong_FromSsize_t(PyList_GET_SIZE(f->data));
                }
                if (k != NULL) {
                    Py_ssize_t n = PyTuple_GET_SIZE(f->path);
                    path = PyTuple_New(n + 1);
                    if (path != NULL) {
                        for (Py_ssize_t i = 0; i < n; i++) {
                            PyObject *x = PyTuple_GET_ITEM(f->path, i);
                            Py_INCREF(x);
                            PyTuple_SET_ITEM(path, i, x);
                        }
                        PyTuple_SET_ITEM(path, n, k);
                    } else {
                        Py_DECREF(k);
                    }
                }
                int bad = path == NULL;
                if (!bad)
                    bad = f->is_map ? PyDict_SetItem(f->vpos, f->key, m) < 0
                                    : PyList_Append(f->vpos, m) < 0;
                Py_DECREF(m);
                if (bad) {
                    Py_XDECREF(path);
                    break;
                }
            }
            if (path == NULL)
                break;
            Frame *nf = &stack[top + 1];
            nf->path = path;
            nf->is_map = is_map;
            nf->depth = depth;
            nf->key = NULL;
            nf->size = 1;
            nf->below = 0;
            nf->anchor = NULL;
            nf->data = is_map ? PyDict_New() : PyList_New(0);
            nf->vpos = is_map ? PyDict_New() : PyList_New(0);
            nf->kpos = is_map ? PyDict_New() : NULL;
            top++;
            if (nf->data == NULL || nf->vpos == NULL || (is_map && nf->kpos == NULL))
                break;
            if (anchor != NULL
                && (nf->anchor = PyUnicode_FromString((const char *)anchor)) == NULL)
                break;
            if (PyDict_SetItem(vals, path, nf->vpos) < 0)
                break;
            if (is_map && PyDict_SetItem(keys, path, nf->kpos) < 0)
                break;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            Frame *f = &stack[top];
            value = f->data;
            f->data = NULL;
            vsize = f->size;
            vbelow = f->below;
            if (f->key != NULL)  /* not produced by libyaml; be safe */
                ctx.fall = 1;
            if (f->anchor != NULL) {
                PyObject *entry = Py_BuildValue("(OLl)", value, vsize, vbelow);
                if (entry == NULL || PyDict_SetItem(anchors, f->anchor, entry) < 0) {
                    Py_XDECREF(entry);
                    frame_clear(f);
                    top--;
                    Py_CLEAR(value);
                    break;
                }
                Py_DECREF(entry);
            }
            frame_clear(f);
            top--;
            if (top < 0) {
                root = value;
                value = NULL;
            }
            break;
        }
        default:  /* stream start, document end */
            break;
        }
        yaml_event_delete(&ev);
        if (value != NULL) {  /* attach to the top frame */
            Frame *f = &stack[top];
            int bad;
            f->size += vsize;
            if (vbelow >= 0 && vbelow + 1 > f->below)
                f->below = vbelow + 1;
            if (f->is_map) {
                bad = PyDict_SetItem(f->data, f->key, value) < 0;
                Py_CLEAR(f->key);
            } else {
                bad = PyList_Append(f->data, value) < 0;
            }
            Py_DECREF(value);
            if (bad)
                goto out;
        }
        if (ctx.fall || PyErr_Occurred())
            goto out;
        if (stop) {
            done = 1;
            break;
        }
    }
    if (done && root != NULL && documents == 1)
        result = Py_BuildValue("(OOOO)", root, root_mark, vals, keys);
    else
        ctx.fall = 1;

out:
    if (parser_ok)
        yaml_parser_delete(&parser);
    if (stack != NULL) {
        for (long i = 0; i <= top; i++)
            frame_clear(&stack[i]);
        PyMem_Free(stack);
    }
    Py_XDECREF(root);
    Py_XDECREF(root_mark);
    Py_XDECREF(vals);
    Py_XDECREF(keys);
    Py_XDECREF(anchors);
    PyBuffer_Release(&text);
    PyBuffer_Release(&special);
    if (result == NULL && !PyErr_Occurred())
        Py_RETURN_NONE;
    return result;
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS,
     "build(text, special, memo, resolve, fallback, max_nodes, max_depth) -> "
     "(root, root_mark, vals, keys) or None (give the file to the Python builder)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_yamlfast",
    "A spec's YAML from libyaml's events into data with positions (common case only).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__yamlfast(void) { return PyModule_Create(&module); }
