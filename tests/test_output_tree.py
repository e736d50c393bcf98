"""guidec.output.write_tree writes its stage folder straight (no temporary file per file): the
old tree, hard-linked into the stage, must not change before the swap, and the files must come
out the same as before (content, mode, the folders they need)."""

from __future__ import annotations

import os
import stat

from guidec.output import write_tree


def test_a_rewritten_file_does_not_write_through_the_old_trees_link(tmp_path):
    root = tmp_path / "out"
    assert write_tree(str(root), {"a.md": "one", "sub/deep/b.md": "one", "c.md": "same"}) \
        == ["a.md", "c.md", "sub/deep/b.md"]
    held = tmp_path / "held"  # another name for the old a.md's inode
    os.link(root / "a.md", held)
    changed = write_tree(str(root), {"a.md": "two", "sub/deep/b.md": "two", "c.md": "same",
                                     "new/d.md": b"\x00bytes"})
    assert changed == ["a.md", "new/d.md", "sub/deep/b.md"]
    assert held.read_text() == "one\n"  # the old tree's file was replaced, not rewritten
    assert (root / "a.md").read_text() == "two\n"
    assert (root / "sub" / "deep" / "b.md").read_text() == "two\n"
    assert (root / "c.md").read_text() == "same\n"
    assert (root / "new" / "d.md").read_bytes() == b"\x00bytes"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no stage left


def test_files_are_world_readable_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        write_tree(str(tmp_path / "out"), {"x/a.md": "a"})
    finally:
        os.umask(old)
    mode = stat.S_IMODE(os.stat(tmp_path / "out" / "x" / "a.md").st_mode)
    assert mode == 0o644, oct(mode)
