"""H: the handoff gate to training (``guidec handoff``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define  # noqa: F401

# ---------------------------------------------------------------- H001-H019: the manifest
define("H001", "manifest-unreadable", ERROR,
       "The manifest given to ``guidec validate --manifest`` cannot be read: no such file, not "
       "JSON, or not a guidec manifest (format 1). Nothing is verified; the run stops with "
       "exit 2.",
       example="guidec validate --manifest batch-03.manifest.json --spec spec.yaml batch-03.json")
define("H002", "manifest-spec-id-differs", ERROR,
       "The manifest was written for another spec (its ``spec.id``) than the one given.",
       why="Labels made for one program's classes mean nothing under another's.",
       example='manifest: {"spec": {"id": "retail-shelf"}}; --spec warehouse.yaml')
define("H003", "manifest-spec-version-differs", ERROR,
       "The manifest names another version of the spec than the one given; the finding names "
       "both and points to ``guidec diff OLD NEW`` for what changed between them.",
       why="A delivery labelled under 2.0.0 and trained under 2.1.0 may mix classes that were "
           "split, merged or renamed in between.",
       example="manifest: retail-shelf 2.0.0; --spec spec.yaml (2.1.0)")
define("H004", "manifest-spec-content-differs", ERROR,
       "The spec given has the id and version the manifest names, but other contents (its "
       "SHA-256 over the spec and its includes differs); the finding names the changed files.",
       why="A spec edited without a version bump: the version no longer says which rules the "
           "labels followed.",
       example="common/occlusion.yaml gained a value; spec.yaml still says 2.1.0")
define("H005", "manifest-file-missing", ERROR,
       "A delivery file the manifest lists is not there (paths are relative to the "
       "manifest's folder).",
       example="files: [{path: voc/aisle-03.xml, ...}]; voc/aisle-03.xml was not copied")
define("H006", "manifest-file-changed", ERROR,
       "A delivery file the manifest lists has another size or SHA-256 than it records; the "
       "finding gives the expected and the found values.",
       why="One changed byte is a changed label: what trains is not what was checked.",
       example="batch-03.json re-exported after the manifest was written")
define("H007", "manifest-file-not-listed", ERROR,
       "A delivery file given (or found in a delivery folder given) that the manifest does not "
       "list.",
       why="A file added after the handoff was never checked, and its labels would train.",
       example="voc/aisle-04.xml appeared after the export")
define("H008", "manifest-total-differs", ERROR,
       "The delivery holds another number of images or annotations than the manifest counts.",
       example="manifest: 25 annotations; the delivery read now: 24")
define("H009", "manifest-class-count-differs", ERROR,
       "A class has another number of annotations than the manifest counts (as the one class "
       "resolver reads the labels under the spec given).",
       why="Counts that moved between export and training mean labels changed, or the spec "
           "reads them differently.",
       example="manifest: product 18; found: product 17, price_tag 8")
define("H010", "manifest-split-count-differs", ERROR,
       "A split (a file or folder named after one of the spec's ``splits.names``) has another "
       "number of images, annotations or annotations of a class than the manifest counts.",
       example="train.json: 1,200 images in the manifest, 1,150 found")
define("H011", "manifest-image-changed", ERROR,
       "An image the manifest records (with ``--images``) has another size or SHA-256 under "
       "the folder of images given.",
       why="Labels drawn on one image and trained on another (re-encoded, cropped) are wrong "
           "where they do not line up.",
       example="aisle-01.png re-saved as a smaller PNG after labelling")
define("H012", "manifest-image-not-found", WARNING,
       "An image is not under the folder of images given: an image the delivery names when the "
       "manifest is written (its hash is not recorded), or one the manifest records when it is "
       "verified.",
       example="guidec manifest --images images/ ...: images/aisle-04.png does not exist")
