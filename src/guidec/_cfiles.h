/* Reading many small delivery files from C, on worker threads, with the GIL released.

   The one place guidec's compiled readers open files. It keeps the rules of
   guidec/inputs.py: open without blocking (a FIFO never hangs the reader), a regular file only,
   a size bound, and the device and inode of every file read so the command can refuse to write
   over it (inputs.remember). A file it does not read (an OS error, not a regular file, over the
   bound) is GF_FALLBACK: the caller hands it to the Python reader, which reads it again through
   inputs.read_bytes and words the finding. This header never reports anything itself.

   Use, in an extension:

       gf_file f;
       if (gf_read(path, limit, &f) == GF_OK) { ... f.data[0 .. f.size) ...; gf_free(&f); }

       static void task(void *ctx, Py_ssize_t i) { ... one file, its own output slot ... }
       Py_BEGIN_ALLOW_THREADS
       gf_parallel(threads, n, task, ctx);
       Py_END_ALLOW_THREADS

       gf_read_head(path, buf, cap, &got, &dev, &ino): the first bytes only (image headers).

   gf_parallel hands out indexes in small chunks from one atomic counter, so a slow file does
   not hold up a whole run; each task writes only its own slot, and the caller joins the slots
   in index order: the output does not depend on the number of threads. */

#ifndef GUIDEC_CFILES_H
#define GUIDEC_CFILES_H

#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define GF_API static __attribute__((unused)) /* an extension uses the part it needs */
#else
#define GF_API static
#endif

#define GF_OK 0
#define GF_FALLBACK 1 /* not read here: the Python reader reads it and reports why */

typedef struct {
    char *data;        /* malloc'd, size + 1 bytes, NUL after the last; NULL unless GF_OK */
    size_t size;
    uint64_t dev, ino; /* valid when GF_OK */
} gf_file;

GF_API void gf_free(gf_file *f) {
    free(f->data);
    f->data = NULL;
    f->size = 0;
}

/* The whole of the regular file `path`, at most `limit` bytes (a larger file, or one that grew
   past it while read, is GF_FALLBACK). Thread-safe; needs no GIL. */
GF_API int gf_read(const char *path, int64_t limit, gf_file *f) {
    memset(f, 0, sizeof *f);
    int fd;
    do {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return GF_FALLBACK;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (int64_t)st.st_size > limit) {
        close(fd);
        return GF_FALLBACK;
    }
    /* O_NONBLOCK stays: it does not change reads of a regular file, and clearing it would
       cost two more system calls a file */
    size_t cap = (size_t)st.st_size + 1, got = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return GF_FALLBACK;
    }
    for (;;) {
        if (got == cap) { /* the file grew, or st_size was 0 (a /proc file): read on */
            if ((int64_t)got > limit) break;
            size_t more = cap < (1u << 16) ? (1u << 16) : cap;
            char *bigger = realloc(buf, cap + more + 1);
            if (bigger == NULL) break;
            buf = bigger;
            cap += more;
        }
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            got = (size_t)-1;
            break;
        }
        if (r == 0) break;
        got += (size_t)r;
        /* every byte fstat announced: the file as it was then, without one more read to
           meet its end (a file that grows meanwhile is read as it was) */
        if (st.st_size > 0 && got == (size_t)st.st_size) break;
    }
    close(fd);
    if (got == (size_t)-1 || (int64_t)got > limit || got > cap) {
        free(buf);
        return GF_FALLBACK;
    }
    buf[got] = '\0';
    f->data = buf;
    f->size = got;
    f->dev = (uint64_t)st.st_dev;
    f->ino = (uint64_t)st.st_ino;
    return GF_OK;
}

/* The first bytes of the regular file `path`, at most `cap` of them, into `buf` (`*got` of
   them), and its device and inode; what inputs.read_head reads (format sniffing, image
   headers). GF_FALLBACK as for gf_read. Thread-safe; needs no GIL. */
GF_API int gf_read_head(const char *path, void *buf, size_t cap, size_t *got, uint64_t *dev,
                        uint64_t *ino) {
    *got = 0;
    int fd;
    do {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return GF_FALLBACK;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return GF_FALLBACK;
    }
    size_t want = cap; /* a smaller file: its bytes as fstat announced them, no read to its end */
    if (st.st_size > 0 && (uint64_t)st.st_size < (uint64_t)cap) want = (size_t)st.st_size;
    while (*got < want) {
        ssize_t r = read(fd, (char *)buf + *got, want - *got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            close(fd);
            return GF_FALLBACK;
        }
        if (r == 0) break;
        *got += (size_t)r;
    }
    close(fd);
    *dev = (uint64_t)st.st_dev;
    *ino = (uint64_t)st.st_ino;
    return GF_OK;
}

typedef void (*gf_task)(void *ctx, Py_ssize_t i);

#define GF_MAX_THREADS 64
#define GF_CHUNK 16 /* indexes taken at a time from the shared counter */

typedef struct {
    gf_task fn;
    void *ctx;
    Py_ssize_t n;
    Py_ssize_t next; /* the shared counter (GCC/Clang atomic built-ins) */
} gf_pool;

GF_API void *gf_worker(void *arg) {
    gf_pool *p = (gf_pool *)arg;
    for (;;) {
        Py_ssize_t i = __atomic_fetch_add(&p->next, GF_CHUNK, __ATOMIC_RELAXED);
        if (i >= p->n) break;
        Py_ssize_t end = i + GF_CHUNK < p->n ? i + GF_CHUNK : p->n;
        for (; i < end; i++) p->fn(p->ctx, i);
    }
    return NULL;
}

/* fn(ctx, i) for every i in [0, n), on `threads` threads (this one included). Call it with the
   GIL released; a thread that cannot be started leaves its share to the others. */
GF_API void gf_parallel(int threads, Py_ssize_t n, gf_task fn, void *ctx) {
    gf_pool p = {fn, ctx, n, 0};
    if (threads > GF_MAX_THREADS) threads = GF_MAX_THREADS;
    if ((Py_ssize_t)threads > n / GF_CHUNK + 1) threads = (int)(n / GF_CHUNK + 1);
    pthread_t tids[GF_MAX_THREADS];
    int started[GF_MAX_THREADS] = {0};
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&tids[t], NULL, gf_worker, &p) == 0;
    gf_worker(&p);
    for (int t = 1; t < threads; t++)
        if (started[t]) pthread_join(tids[t], NULL);
}

/* The paths of a Python list of str/bytes/PathLike as file-system bytes (with the GIL): an
   array of `n` C strings kept alive by `*keep` (a list of bytes objects). NULL with an
   exception set on a bad item. */
GF_API const char **gf_paths(PyObject *seq, Py_ssize_t *n, PyObject **keep) {
    PyObject *fast = PySequence_Fast(seq, "paths must be a sequence");
    if (fast == NULL) return NULL;
    *n = PySequence_Fast_GET_SIZE(fast);
    *keep = PyList_New(*n);
    const char **out = PyMem_Malloc(sizeof(char *) * (size_t)(*n ? *n : 1));
    if (*keep == NULL || out == NULL) goto fail;
    for (Py_ssize_t i = 0; i < *n; i++) {
        PyObject *b = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &b)) goto fail;
        PyList_SET_ITEM(*keep, i, b);
        out[i] = PyBytes_AS_STRING(b);
    }
    Py_DECREF(fast);
    return out;
fail:
    Py_DECREF(fast);
    Py_CLEAR(*keep);
    PyMem_Free(out);
    if (!PyErr_Occurred()) PyErr_NoMemory();
    return NULL;
}

/* The entries of the folder `path` as os.walk sorts them (DirEntry.is_dir() and is_file(),
   which follow links): a tuple of three lists of names, in the folder's order, decoded as
   os.fsdecode does: the files (links to files included), the folders to walk into (no links:
   os.walk lists a link to a folder but does not enter it) and the other entries that are no
   folder (FIFOs, sockets, devices, broken links). A link to a folder is in none of them. The
   entry's type from readdir decides without a system call; a link, or a file system that does
   not say, takes one stat. None when the folder cannot be listed. Holds the GIL. */
#include <dirent.h>

GF_API PyObject *gf_entries(PyObject *path_obj) {
    PyObject *path_b = NULL;
    if (!PyUnicode_FSConverter(path_obj, &path_b)) return NULL;
    DIR *d;
    Py_BEGIN_ALLOW_THREADS
    d = opendir(PyBytes_AS_STRING(path_b));
    Py_END_ALLOW_THREADS
    Py_DECREF(path_b);
    if (d == NULL) Py_RETURN_NONE;
    int dfd = dirfd(d);
    PyObject *lists[3] = {PyList_New(0), PyList_New(0), PyList_New(0)};
    if (lists[0] == NULL || lists[1] == NULL || lists[2] == NULL) goto fail;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (e == NULL) {
            if (errno != 0) { /* a listing cut short: as a folder that cannot be listed */
                closedir(d);
                for (int k = 0; k < 3; k++) Py_DECREF(lists[k]);
                Py_RETURN_NONE;
            }
            break;
        }
        const char *nm = e->d_name;
        if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) continue;
        int kind = 2; /* 0 file, 1 folder to enter, 2 other, -1 a link to a folder */
        unsigned char t = e->d_type;
        struct stat st;
        if (t == DT_UNKNOWN) {
            if (fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) == 0)
                t = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR
                    : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (t == DT_REG) kind = 0;
        else if (t == DT_DIR) kind = 1;
        else if (t == DT_LNK && fstatat(dfd, nm, &st, 0) == 0)
            kind = S_ISREG(st.st_mode) ? 0 : S_ISDIR(st.st_mode) ? -1 : 2;
        if (kind < 0) continue;
        PyObject *name = PyUnicode_DecodeFSDefault(nm);
        if (name == NULL) goto fail;
        int bad = PyList_Append(lists[kind], name) < 0;
        Py_DECREF(name);
        if (bad) goto fail;
    }
    closedir(d);
    d = NULL;
    PyObject *res = PyTuple_Pack(3, lists[0], lists[1], lists[2]);
    for (int k = 0; k < 3; k++) Py_DECREF(lists[k]);
    return res;
fail:
    if (d != NULL) closedir(d);
    for (int k = 0; k < 3; k++) Py_XDECREF(lists[k]);
    return NULL;
}

#endif
