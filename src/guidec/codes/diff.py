"""D: classified changes between two spec versions (``guidec diff``) and migration.
Impact letters are E/W/I for labels, models, tools; ``floor`` is the least version bump.

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, WARNING, change, define

change("D001", "version-bump-too-small", "EEE",
       "The new spec's version bump is smaller than its changes require.",
       why="Clients pin taxonomy versions by semver; a breaking change released as a minor or "
           "patch version reaches them unannounced (oasdiff's `api-major-version-not-bumped`).",
       example="# 1.4.0 -> 1.5.0 removes class 'van': requires 2.0.0")
change("D002", "version-not-increased", "WWW",
       "The new spec changes something but its version is not greater than the old one, or a "
       "version is not semver.",
       example="# old 2.1.0, new 2.1.0 with a class added")
change("D003", "project-id-changed", "WWW",
       "The project id differs: the two specs may describe different programs.",
       example="project: {id: retail-shelf}  ->  project: {id: shelf}")
change("D101", "class-added", "WWI",
       "A class was added. Old labels are not exhaustive for it: images labeled before may "
       "contain unlabeled instances.",
       floor="minor",
       why="A model trained on old data learned these objects as background.",
       example="classes:\n"
               "- {id: 7, name: scooter}   # new")
change("D102", "class-removed", "EEE",
       "A class disappeared and the new spec does not say where its labels go.",
       why="Old labels of the class become invalid; models predict a class that no longer "
           "exists; tool projects lose a label. Keep it `deprecated: true` with `replaced_by`, "
           "name it in another class's `aliases`, or retire its id after a deprecation period.",
       example="# old: {id: 5, name: van}   new: (absent)")
change("D103", "class-retired", "WWW",
       "A class deprecated in the old spec was removed and its id retired: the end of a "
       "deprecation period.",
       example="# old: {id: 5, name: sku, deprecated: true, replaced_by: product}\n"
               "# new: retired: {ids: [5], names: [sku]}")
change("D104", "class-renamed", "IIW",
       "A class kept its id and got a new name, declaring the old one in `aliases`.",
       why="Id-keyed deliveries (COCO, YOLO) are unaffected and name-keyed ones map through "
           "the alias; live tool projects need the label renamed.",
       example="# old: {id: 3, name: bike}\n"
               "classes:\n"
               "  - {id: 3, name: bicycle, aliases: [bike]}")
change("D105", "class-renamed-undeclared", "EEE",
       "An id now carries a different name and the new class does not list the old name in "
       "`aliases`: an undeclared rename, or an id reused for a different class.",
       why="guidec never guesses a rename; declare it or give the new class a fresh id.",
       example="# old: {id: 3, name: bike}   new: {id: 3, name: bicycle}")
change("D106", "class-id-changed", "EEW",
       "A class (matched by name or declared alias) has a different numeric id.",
       why="COCO category_id, YOLO indexes and mask values store the id; every old id-keyed "
           "label now means something else.",
       example="# old: {id: 3, name: bus}   new: {id: 4, name: bus}")
change("D107", "class-id-reused", "EEE",
       "A new class takes an id that belonged to another class of the old spec, or an id the "
       "old spec retired.",
       why="Old deliveries carry that id; reusing it silently relabels them (buf's "
           "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED).",
       example="# old: retired: {ids: [12]}\n"
               "# new: classes: [{id: 12, name: street_sign}]")
change("D108", "class-split", "EEE",
       "A class is deprecated with several `replaced_by` classes: its old labels must be "
       "reviewed to pick one.",
       why="Labels need human work; a model's single output becomes several. Downgraded for "
           "labels to a warning when the old class stays the parent of the new ones.",
       example="classes:\n"
               "- {id: 19, name: person, deprecated: true,\n"
               "   replaced_by: [person individual, person group]}")
change("D109", "class-merged", "WWE",
       "A class's labels now go to another class that also keeps labels of its own (declared "
       "with `aliases` or `replaced_by`).",
       floor="major",
       why="Old labels migrate automatically, but models lose a distinction and tool projects "
           "lose a label.",
       example="classes:\n"
               "- {id: 1, name: car, aliases: [van]}")
change("D110", "class-carved-out", "EEW",
       "A new class is carved out of an existing one (`carved_from`): old labels of that class "
       "may hold instances of the new one.",
       why="Old labels of the source class are ambiguous until reviewed. Labels: warning when "
           "the new class is a child of its source (the parent is a valid fallback).",
       example="classes:\n"
               "- {id: 30, name: person group, carved_from: person}")
change("D111", "class-moved", "IIW",
       "A class moved in the hierarchy (different parent), same id.",
       example="# old: parent product   new: parent private_label")
change("D112", "class-deprecated", "III",
       "A class is now deprecated (still accepted; `replaced_by` says where labels go).",
       floor="minor",
       example="classes:\n"
               "- {id: 5, name: sku, deprecated: true, replaced_by: product}")
change("D113", "class-undeprecated", "III",
       "A deprecated class is active again.",
       floor="minor",
       example="# old: deprecated: true   new: deprecated: false")
change("D114", "class-color-changed", "III",
       "A class's colour changed (tools and overlays only; breaking for colour-coded masks).",
       example="# old: color: '#1f77b4'   new: color: '#ff7f0e'")
change("D115", "class-hotkey-changed", "III",
       "A class's hotkey changed.",
       example="# old: hotkey: '1'   new: hotkey: '2'")
change("D116", "class-definition-changed", "III",
       "A class's definition text changed: check whether its scope changed too.",
       example="definition: One box per visible facing.  ->  ... per facing, front row only.")
change("D117", "class-scope-changed", "WWI",
       "A class's include or exclude list changed: what counts as the class changed.",
       why="Old labels followed the old boundary; models learned it.",
       example="exclude: [Reflections in glass doors.]   # added")
change("D118", "class-title-changed", "III",
       "A class's display title changed.",
       example="title: Product  ->  Product facing")
change("D119", "class-alias-added", "III",
       "A class gained an alias.",
       example="aliases: [bike]")
change("D120", "class-alias-removed", "EIW",
       "A class lost an alias: name-keyed deliveries (VOC, CVAT, Label Studio) that used the "
       "old name no longer resolve.",
       example="# old: aliases: [bike]   new: aliases: []")
change("D121", "class-became-experimental", "WWI",
       "A stable class is now experimental (exempt from compatibility guarantees).",
       floor="minor",
       example="experimental: true")
change("D122", "class-became-stable", "III",
       "An experimental class is now stable.",
       floor="minor",
       example="# old: experimental: true   new: experimental: false")
change("D123", "class-instances-changed", "EEW",
       "A class switched between instances (things) and stuff.",
       example="# old: instances: true   new: instances: false")
change("D124", "class-evaluation-changed", "IWI",
       "`ignore_in_eval` or `train_id` changed: evaluation and training mappings differ.",
       example="# old: train_id: 11   new: train_id: 255")
change("D125", "class-category-changed", "IIW",
       "A class's category (COCO supercategory) changed.",
       example="# old: category: vehicle   new: category: transport")
change("D126", "class-replacement-changed", "WWI",
       "Where a deprecated class's labels go (`replaced_by`) changed.",
       example="# old: replaced_by: product   new: replaced_by: [product, shelf]")
change("D201", "attribute-added-optional", "III",
       "An optional attribute was added.",
       floor="minor",
       example="attributes:\n"
               "brand_visible: {type: bool}")
change("D202", "attribute-added-required", "EIW",
       "A required attribute without a default was added: every old label lacks it.",
       floor="minor",
       why="Old labels fail validation until someone fills it in; migrate cannot invent a "
           "value.",
       example="attributes:\n"
               "occlusion: {type: enum, values: [none, partial], required: true}")
change("D203", "attribute-added-with-default", "WIW",
       "A required attribute with a default was added: old labels are backfilled.",
       floor="minor",
       example="attributes:\n"
               "truncated: {type: bool, required: true, default: false}")
change("D204", "attribute-removed", "WWE",
       "An attribute was removed.",
       why="Old labels carry a value nobody reads; models trained on it lose an output; tool "
           "projects lose a control.",
       example="# old: attributes: {facing_count: ...}   new: (absent)")
change("D205", "attribute-type-changed", "EEE",
       "An attribute's type changed (integer -> number is a widening: warnings).",
       example="# old: {type: integer}   new: {type: enum, values: [...]}")
change("D206", "attribute-made-required", "EIW",
       "An optional attribute became required (labels: warning when it has a default).",
       example="# old: required: false   new: required: true")
change("D207", "attribute-made-optional", "IWI",
       "A required attribute became optional.",
       example="# old: required: true   new: required: false")
change("D208", "enum-value-added", "IWI",
       "An enum attribute gained a value; closed consumers (models with a fixed output) do not "
       "know it.",
       floor="minor",
       example="values: [none, partial, heavy, full]   # full is new")
change("D209", "enum-value-removed", "EEE",
       "An enum attribute lost a value: old labels using it become invalid.",
       example="values: [none, partial]   # heavy removed")
change("D210", "range-narrowed", "EIW",
       "A numeric attribute's range narrowed (or its step coarsened): old values may fall "
       "outside.",
       example="# old: {min: 1, max: 48}   new: {min: 1, max: 24}")
change("D211", "range-widened", "IWI",
       "A numeric attribute's range widened (or its step refined).",
       floor="minor",
       example="# old: {max: 24}   new: {max: 48}")
change("D212", "attribute-default-changed", "WIW",
       "An attribute's default changed: labels that relied on it mean something else.",
       example="# old: default: false   new: default: true")
change("D213", "text-constraint-changed", "WIW",
       "A text attribute's pattern or length limits changed.",
       example="# old: pattern: '^[0-9]+$'   new: pattern: '^[0-9]{1,6}$'")
change("D214", "attribute-multiple-changed", "EEE",
       "An enum attribute switched between single and multiple choice.",
       example="# old: multiple: false   new: multiple: true")
change("D215", "attribute-attached", "III",
       "A class now carries an existing attribute (graded like an added attribute: required "
       "without default is breaking).",
       floor="minor",
       example="classes:\n"
               "- {id: 2, name: price_tag, attributes: [occlusion]}")
change("D216", "attribute-detached", "WWE",
       "A class no longer carries an attribute.",
       example="# old: attributes: [occlusion, truncated]   new: [occlusion]")
change("D217", "attribute-condition-changed", "WWI",
       "An attribute's `when` condition changed: where it applies changed.",
       example="when: {occlusion: [partial, heavy]}")
change("D218", "attribute-scope-changed", "EEE",
       "An attribute moved between object and image scope.",
       example="# old: scope: object   new: scope: image")
change("D301", "shape-added", "IIW",
       "A class allows a new shape.",
       floor="minor",
       example="# old: shapes: [box]   new: shapes: [box, polygon]")
change("D302", "shape-removed", "EEE",
       "A class no longer allows a shape (labels: warning when it derives from a shape still "
       "allowed, e.g. polygon -> box).",
       example="# old: shapes: [box, polygon]   new: shapes: [polygon]")
change("D303", "keypoint-added", "WEW",
       "A keypoint was added to a schema: old instances get it with visibility 0.",
       example="points: [nose, left_eye, right_eye, chin]   # chin is new")
change("D304", "keypoint-removed", "WEE",
       "A keypoint was removed from a schema (labels migrate with the permutation map).",
       example="points: [nose, left_eye]   # right_eye removed")
change("D305", "keypoints-reordered", "WEE",
       "A schema's keypoints changed order: positional formats (COCO, YOLO-pose) mean "
       "something else (labels migrate with the permutation map).",
       example="# old: [left_eye, right_eye]   new: [right_eye, left_eye]")
change("D306", "flip-pairs-changed", "IWI",
       "A schema's left/right flip pairs changed (flip augmentation differs).",
       example="flip: [[left_eye, right_eye]]")
change("D307", "skeleton-changed", "III",
       "A schema's skeleton edges changed (drawing only).",
       example="skeleton: [[nose, left_eye]]")
change("D308", "keypoint-visibility-changed", "EWW",
       "A schema's visibility convention changed (coco / binary / none).",
       example="# old: visibility: coco   new: visibility: binary")
change("D309", "keypoint-sigmas-changed", "IIW",
       "A schema's OKS sigmas changed (keypoint agreement is measured differently).",
       example="sigmas: [0.026, 0.025]")
change("D310", "class-keypoint-schema-changed", "EEE",
       "A class uses a different keypoint schema.",
       example="# old: keypoints: face-5   new: keypoints: face-68")
change("D311", "text-region-changed", "WWW",
       "A class's OCR text-region settings changed (transcription, pattern, alphabet, "
       "language).",
       example="# old: transcription: optional   new: transcription: required")
change("D312", "keypoint-schema-added-or-removed", "III",
       "A keypoint schema no class uses was added or removed.",
       example="keypoint_schemas: {hand-21: ...}")
change("D401", "rule-added", "WWI",
       "A labeling rule was added: old labels may not follow it.",
       floor="minor",
       example="rules:\n"
               "- {id: min-size, title: ..., check: {min_box_side: 8}}")
change("D402", "rule-removed", "WWI",
       "A labeling rule was removed (a loosening: old data misses what it now allows).",
       example="# old: rules: [{id: min-size, ...}]   new: (absent)")
change("D403", "rule-tightened", "WWI",
       "A rule became stricter: a check threshold, more classes, a higher severity.",
       example="check: {min_box_side: 8}  ->  {min_box_side: 12}")
change("D404", "rule-loosened", "WWI",
       "A rule became looser: old data misses positives the new rule allows.",
       example="check: {min_box_side: 12}  ->  {min_box_side: 8}")
change("D405", "rule-changed", "WWI",
       "A rule's check changed in a way that is neither clearly tighter nor looser.",
       example="check: {inside: shelf}  ->  {inside: shelf_edge}")
change("D501", "resolution-finer", "EWW",
       "Labeling happens at a finer resolution: old labels are not as precise as new ones must "
       "be.",
       example="# old: labeling_resolution: proxy   new: original")
change("D502", "resolution-coarser", "IWW",
       "Labeling happens at a coarser resolution.",
       example="# old: proxy_max_side: 4096   new: proxy_max_side: 2048")
change("D503", "coordinate-space-changed", "EIW",
       "Deliveries use a different coordinate space (pixels <-> normalized).",
       example="# old: coordinates: pixels   new: coordinates: normalized")
change("D504", "media-changed", "WIW",
       "Accepted image formats, sizes, tiling or colour mode changed.",
       example="# old: min_image_size: [640, 480]   new: [1280, 720]")
change("D510", "qa-threshold-tightened", "WIW",
       "A QA threshold became stricter (agreement, golden set, audit, error rates).",
       example="qa: {agreement: {box_iou: 0.85}}  ->  {box_iou: 0.9}")
change("D511", "qa-threshold-loosened", "III",
       "A QA threshold became looser.",
       example="qa: {golden_set: {min_accuracy: 0.99}}")
change("D520", "export-added", "III",
       "An export format was added.",
       floor="minor",
       example="exports: [coco, yolo]")
change("D521", "export-removed", "IIW",
       "An export format was removed.",
       example="# old: exports: [coco, cvat]   new: [coco]")
change("D522", "splits-changed", "WWI",
       "Dataset splits (names or the leakage key) changed; ratios alone are a patch.",
       example="splits: {group_by: store_id}  ->  {group_by: city}")
change("D523", "validation-grading-changed", "WIW",
       "`severity_overrides` re-grade validation rules differently.",
       example="severity_overrides: {V301: warning}")
change("D524", "retired-entry-dropped", "WII",
       "An id or name left the `retired` list: it could now be reused.",
       example="# old: retired: {ids: [12]}   new: retired: {ids: []}")
change("D525", "composition-plan-tightened", "WWI",
       "The composition plan under ``splits`` asks for more: a class prior or a stratum "
       "added, a prior's minimum or ``hard_negatives.min_share`` raised, a tolerance "
       "narrowed, hard negatives required. A delivery that passed the handoff gate may not.",
       why="More labelling (rare classes, empty images, a region) before the next handoff; "
           "models trained on the new plan see another mix.",
       example="splits: {priors: {forklift: {min: 20}}}  ->  {forklift: {min: 50}}")
change("D526", "composition-plan-loosened", "III",
       "The composition plan under ``splits`` asks for less: a prior, a stratum or the hard "
       "negatives removed, a minimum or ``min_share`` lowered, a tolerance widened. Every "
       "delivery that passed still passes.",
       example="splits: {hard_negatives: {min_share: 0.1}}  ->  {min_share: 0.05}")
change("D527", "composition-plan-target-moved", "WWI",
       "A planned share moved (a class prior's ``share`` or what it counts, a stratum's "
       "shares, the reviewed-empty mark): deliveries that met the old plan may miss the new "
       "one in either direction.",
       example="splits: {strata: {region: {shares: {eu: 0.5, us: 0.5}}}}  ->  "
               "{eu: 0.4, us: 0.6}")
define("D601", "migrate-needs-review", WARNING,
       "Annotations kept under their old class because the class was split (or carved out of): "
       "a person must choose the new class.",
       example="# person -> [person individual, person group]: 12 annotations kept as 'person'")
define("D602", "migrate-dropped", ERROR,
       "Annotations dropped: their class was removed or retired without a destination.",
       example="# class 'billboard' has no successor: 3 annotations dropped")
define("D603", "migrate-attribute-missing", WARNING,
       "Annotations lack a newly required attribute that has no default.",
       example="attributes: {occlusion: {required: true}}   # no default")
define("D604", "migrate-value-cleared", WARNING,
       "Attribute values cleared: the value (or the attribute) no longer exists.",
       example="# occlusion: heavy removed: 4 values cleared")
define("D605", "migrate-unknown-label", WARNING,
       "Annotations whose label the old spec does not know were left unchanged.",
       example="# label 'unicycle' is in neither spec")
change("D901", "docs-changed", "III",
       "Documentation only: titles, descriptions, guideline prose, examples, owners.",
       example="guideline: Draw the box ... (reworded)")
