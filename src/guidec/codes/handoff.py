"""H: the handoff gate to training (``guidec handoff``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

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
       "verified; also when the manifest records image hashes and no --images is given (they "
       "cannot be checked).",
       example="guidec manifest --images images/ ...: images/aisle-04.png does not exist")

# ---------------------------------------------------------------- H040-H049: guidec split
define("H040", "split-empty-delivery", ERROR,
       "guidec split: the delivery holds no image to split.",
       example="guidec split --spec spec.yaml empty.json --out splits/")
define("H041", "split-group-key-missing", WARNING,
       "splits.group_by (or --group-by) names an image attribute that no image of the delivery "
       "carries: every image is its own group, so nothing keeps a store or a patient in one "
       "split.",
       why="A group key that is silently absent is exactly the leakage the key was meant to "
           "prevent.",
       example="splits: {group_by: store_id} on a delivery without store_id")
define("H042", "split-share-off", WARNING,
       "A split's share of the images is further from its ratio than the tolerance (groups too "
       "large or too few to divide finely).",
       example="val: 0.16 of the images, ratio 0.10, tolerance 0.05")
define("H043", "split-class-share-off", INFO,
       "A split's share of a class's objects is further from the split's ratio than the "
       "tolerance (a class with few objects, or held by few groups).",
       example="test holds 0 of the 4 'forklift' objects; ratio 0.10")
define("H044", "split-duplicates-not-grouped", WARNING,
       "guidec split --images could not group the images that show the same picture: Pillow is "
       "not installed (pip install 'guidec[images]'), or more than 20 million pairs were within "
       "--hamming bits (most images one picture, or the threshold far too loose). The split was "
       "made without keeping near duplicates together.",
       example="near-duplicate images not grouped: hashing images needs Pillow")
define("H045", "split-image-not-compared", WARNING,
       "guidec split --images: images of the delivery not found under --images, or not "
       "readable as images, so they were not compared for duplicates (each is its own unit).",
       example="2 image(s) not compared for duplicates: a.jpg: not found under images/")

# ---------------------------------------------------------------- H050-H069: guidec handoff
define("H050", "file-in-no-split", WARNING,
       "A delivery file whose name and folders name none of the spec's splits: it is not part "
       "of the handoff.",
       example="splits: {names: [train, val]}; the delivery also holds extra.json")
define("H051", "no-split-files", ERROR,
       "No delivery file names a split of the spec (train.json, val/, …): there is nothing to "
       "gate. The run stops with exit 2.",
       example="guidec handoff --spec spec.yaml all.json")
define("H052", "split-ratio-missed", WARNING,
       "A split's share of the images misses splits.ratios by more than the tolerance.",
       example="val holds 0.31 of the images; ratio 0.2")
define("H053", "group-leakage", ERROR,
       "One value of the group key (a store, a site, a patient) has images in two splits: the "
       "model is tested on what it trained on. The finding lists the images per split.",
       why="Leakage across splits inflates every validation metric; it is the handoff defect "
           "that costs most when found late.",
       example="store_id 'S-102': train 14 images, test 3 images")
define("H054", "duplicate-image-across-splits", ERROR,
       "The same image bytes (content hash) appear in two splits.",
       example="train/0012.jpg and test/0981.jpg have the same SHA-256")
define("H055", "class-missing-from-split", WARNING,
       "A class with objects in other splits has none in this split (Datumaro: "
       "LabelDefinedButNotFound, per split).",
       example="test holds no 'forklift', train holds 41")
define("H056", "few-samples-in-class", WARNING,
       "A class has at most one object in a split (Datumaro: FewSamplesInLabel, "
       "few_samples_thr 1).",
       example="val holds 1 'forklift'")
define("H057", "imbalanced-classes", INFO,
       "In a split, the most frequent class has more than 50 times the objects of the least "
       "frequent present one (Datumaro: ImbalancedLabels, imbalance_ratio_thr 50).",
       example="train: car 12,400, scooter 180 (ratio 69)")
define("H058", "class-mix-differs-between-splits", WARNING,
       "The class mix differs between the splits: Cramér's V of the split x class counts "
       "above 0.1 (Datumaro has no such check; a distribution shift the splits were meant to "
       "avoid).",
       example="Cramér's V 0.23 over train, val and test")
define("H059", "near-duplicate-across-splits", ERROR,
       "Two images in different splits are near-duplicates: their 64-bit perceptual hashes "
       "(pHash, as imagededup) differ in at most --hamming bits (default 10). A crop, a "
       "rescale, a recompression or a small rotation of one photo, tested on after training "
       "on it.",
       example="train/0012.jpg and test/0981.jpg: Hamming distance 4")
# H060-H068: the spec's composition plan (splits.priors, hard_negatives, strata)
define("H060", "prior-share-missed", WARNING,
       "A class's share of a split's objects (or images, ``of: images``) is further from its "
       "prior (``splits.priors.<class>.share``) than the prior's tolerance (Datumaro has no "
       "priors; the nearest is ImbalancedLabels).",
       why="Rare classes the program planned for are starved, or a common one crowds the "
           "split: the model learns the delivery's mix, not the plan's.",
       example="priors: {forklift: {share: 0.05, tolerance: 0.02}}; train: 0.004 of the objects")
define("H061", "prior-minimum-missed", ERROR,
       "A split holds fewer objects of a class than the prior's minimum "
       "(``splits.priors.<class>.min``; Datumaro: FewSamplesInLabel, with the program's "
       "threshold instead of 1).",
       example="priors: {forklift: {min: {val: 30}}}; val holds 12 'forklift'")
define("H062", "too-few-hard-negatives", WARNING,
       "A split's share of reviewed-empty images is below ``splits.hard_negatives.min_share``.",
       why="Without empty shelves, clear roads and benign tissue the model learns that "
           "something is always there.",
       example="hard_negatives: {min_share: 0.1}; val: 3 of 120 images are reviewed empty")
define("H063", "empty-image-not-reviewed", ERROR,
       "An image has no object and is not marked reviewed-empty (``hard_negatives.mark``): "
       "forgotten, not empty, until someone says otherwise (Datumaro: MissingAnnotation).",
       why="An unlabelled image trains as a negative: every object in it teaches the model to "
           "miss that object.",
       example="train/aisle-07.jpg has no object and no reviewed_empty")
define("H064", "reviewed-empty-has-objects", ERROR,
       "An image marked reviewed-empty holds objects: the mark or the objects are wrong.",
       example="reviewed_empty: true on an image with 3 boxes")
define("H065", "stratum-share-missed", WARNING,
       "A value of a stratum (``splits.strata.<key>``) is further from its planned share of a "
       "split's images than the tolerance (Datumaro: ImbalancedAttribute, against a plan "
       "instead of uniform).",
       why="Fairness audits and per-region metrics need the composition the program "
           "planned, in every split.",
       example="strata: {region: {shares: {eu: 0.5, us: 0.5}}}; test: eu 0.81")
define("H066", "stratum-key-missing", WARNING,
       "Images of a split carry no value for a stratum's key (Datumaro: MissingAttribute); "
       "the shares are over the images that carry one.",
       example="12 images in val carry no 'region'")
define("H067", "stratum-value-unplanned", WARNING,
       "Images carry a value of a stratum's key that the plan does not list (Datumaro: "
       "UndefinedAttribute).",
       example="strata: {region: {shares: {eu: 0.5, us: 0.5}}}; 40 images have region 'apac'")
define("H068", "group-key-not-found", WARNING,
       "``splits.group_by`` names a key no image carries (as an image attribute or as Label "
       "Studio task data ``data.<key>``), and no --groups sidecar is given: group leakage is "
       "not checked.",
       why="A group key that is silently absent is exactly the leakage it was meant to "
           "prevent.",
       example="splits: {group_by: store_id}; the tasks' data has 'store', not 'store_id'")
define("H069", "duplicate-image-within-split", WARNING,
       "guidec handoff --images: one split holds the same picture twice: identical bytes, or "
       "perceptual hashes at most --hamming bits apart. Not leakage, but the copy weighs "
       "twice in training (or in the test score).",
       example="train/0012.jpg and train/0513.jpg: Hamming distance 3")

# ---------------------------------------------------------------- H070-H089: image integrity
define("H070", "image-unreadable", ERROR,
       "guidec handoff --images: an image file of the delivery cannot be read as an image (not "
       "an image, a damaged header, more pixels than Pillow decodes safely). Datumaro: "
       "ImportError on the item.",
       example="0007.jpg: not an image Pillow can read (cannot identify image file)")
define("H071", "image-truncated", ERROR,
       "An image file is cut short: a JPEG without its end-of-image marker, a PNG without its "
       "IEND chunk, or (--verify-pixels) pixels that do not decode. Training loaders fail on "
       "it or read grey rows.",
       example="0012.jpg: no JPEG end-of-image marker: the file is cut short")
define("H072", "image-size-differs", ERROR,
       "The image file's pixel size differs from the width and height the delivery declares: "
       "the labels were drawn on another version of the image (a resized proxy, the "
       "EXIF-turned view).",
       example="0003.jpg: the file is 1280x960 pixels, the delivery declares 640x480")
define("H073", "image-exif-rotated", WARNING,
       "The image's EXIF orientation turns or mirrors it: labeling tools and viewers show the "
       "turned image, the raw pixels (and most training loaders) are not turned, so the labels "
       "fit one of the two only. Bake the rotation into the pixels before labeling.",
       example="0005.jpg: EXIF orientation 6 (turned 90 degrees clockwise)")
define("H074", "image-multipage", WARNING,
       "The image file holds several pages or frames (a multi-page TIFF, an animated GIF, a "
       "multi-frame DICOM); the labels belong to the first only.",
       example="slide-3.tif: 4 pages or frames; labels belong to the first only")
define("H075", "image-format-not-allowed", ERROR,
       "The image file's format is not among the spec's media.formats.",
       example="0002.png: a png file; media.formats allows jpeg")
define("H076", "image-colour-mode", WARNING,
       "The image's colour mode does not match the spec's media.color (a grayscale image in an "
       "RGB program, a palette image in a grayscale one).",
       example="0009.jpg: colour mode L; media.color is rgb")
define("H077", "jpeg-quality-low", WARNING,
       "The JPEG's quality, estimated from its luminance quantization table (the IJG 1-100 "
       "scale), is below the spec's media.jpeg_quality_min.",
       example="0004.jpg: JPEG quality about 35, below media.jpeg_quality_min 75")
define("H078", "dicom-burned-in-annotation", ERROR,
       "media.deidentified: a DICOM file says BurnedInAnnotation YES: patient data may be "
       "drawn into the pixels.",
       example="ct-0001.dcm: BurnedInAnnotation is YES")
define("H079", "dicom-identifying-data", ERROR,
       "media.deidentified: a DICOM file carries patient-identifying attributes (patient name, "
       "id, birth date, address, referring physician, institution, accession number, ...: a "
       "subset of the DICOM PS3.15 basic profile).",
       example="ct-0001.dcm: identifying attributes present: PatientName, PatientID")
define("H080", "dicom-not-checked", WARNING,
       "DICOM files were not checked (size, burned-in annotation, identifying data): pydicom "
       "is not installed (pip install 'guidec[dicom]').",
       example="3 DICOM file(s) not checked: pydicom is not installed")
define("H081", "image-not-found", WARNING,
       "guidec handoff --images: images the delivery names are not under the images folder, "
       "so nothing about them was checked (integrity, duplicates).",
       example="2 image(s) of the delivery not found under images/: 0001.jpg, 0002.jpg")
define("H082", "near-duplicates-not-searched", WARNING,
       "guidec handoff --images could not search near-duplicate images: Pillow is not "
       "installed (pip install 'guidec[images]'), or more than 20 million pairs were within "
       "--hamming bits (most images one picture, or the threshold far too loose). Leakage by "
       "near copies was not checked.",
       example="near-duplicate images not searched: hashing images needs Pillow")
