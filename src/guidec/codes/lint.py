"""L: lint rules over a loaded, resolved spec (``guidec check``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

define("L101", "duplicate-class-id", ERROR,
       "Two classes share a numeric id.",
       why="Ids are what COCO category_id, YOLO indexes and masks store; a shared id makes two "
           "classes indistinguishable in every delivery.",
       example="classes:\n"
               "- {id: 1, name: car}\n"
               "- {id: 1, name: truck}")
define("L102", "duplicate-class-name", ERROR,
       "Two classes share a name, or a name is also another class's alias.",
       why="Names key Label Studio labels, CVAT labels and every name-keyed delivery.",
       example="classes:\n"
               "- {id: 1, name: car}\n"
               "- {id: 2, name: car}")
define("L103", "retired-id-reused", ERROR,
       "A class uses an id or name listed under `retired`, or a deprecated class's id is given "
       "to another class.",
       why="Old deliveries still carry retired ids; reusing one silently relabels them.",
       example="retired: {ids: [12]}\n"
               "classes:\n"
               "  - {id: 12, name: street_sign}")
define("L104", "unknown-class", ERROR,
       "A rule, example, check or replaced_by names a class that does not exist.",
       example="rules:\n"
               "- id: r\n"
               "  title: T\n"
               "  applies_to: [prodcut]")
define("L105", "unknown-attribute", ERROR,
       "A class, condition, check or example uses an attribute that is not defined, or a class "
       "lists an image-scoped attribute.",
       example="classes:\n"
               "- id: 1\n"
               "  name: car\n"
               "  attributes: [ocluded]")
define("L106", "unknown-keypoint-schema", ERROR,
       "A class names a keypoint schema that is not defined.",
       example="classes:\n"
               "- {id: 1, name: person, shapes: [keypoints], keypoints: coco17}")
define("L107", "hotkey-collision", ERROR,
       "Two active classes share a hotkey.",
       why="Annotation tools bind one label per key; the second silently never fires.",
       example="classes:\n"
               "- {id: 1, name: car, hotkey: c}\n"
               "- {id: 2, name: cat, hotkey: c}")
define("L108", "duplicate-rule-id", ERROR,
       "Two rules share an id.",
       example="rules:\n"
               "- {id: min-size, title: A}\n"
               "- {id: min-size, title: B}")
define("L110", "text-not-xml", ERROR,
       "A name, title or prose holds a character XML cannot carry: NUL and the other control "
       "characters below U+0020 except tab, line feed and carriage return, or U+FFFE/U+FFFF.",
       why="Label Studio and CVAT configs and the playbook are XML or HTML: such a character "
           "makes them not well-formed, and the tool refuses the whole config.",
       example="classes:\n"
               "- {id: 1, name: \"car\\u0000\"}")
define("L111", "id-too-large", ERROR,
       "A class id (or a retired id) is above 2^31-1, the largest id COCO loaders, CVAT and "
       "Label Studio store.",
       why="pycocotools, CVAT's database and Label Studio keep ids as 32-bit integers; a larger "
           "id overflows, is refused on import, or silently becomes another number.",
       example="classes:\n"
               "- {id: 4294967296, name: car}")
define("L112", "hotkey-unusable", ERROR,
       "A hotkey that Label Studio or CVAT cannot bind (`<`, `&`, a word), that the tools keep "
       "for themselves (tab, enter, escape, arrows) or that the browser takes before the page "
       "sees it (`ctrl+w`, `ctrl+t`, `ctrl+r`, `f5`, ...).",
       why="The key never reaches the tool: annotators press it and nothing happens, or the "
           "browser closes the tab they were labeling in.",
       example="classes:\n"
               "- {id: 1, name: car, hotkey: ctrl+w}")
define("L201", "replaced-by-on-active-class", ERROR,
       "A class that is not deprecated has `replaced_by`.",
       why="`replaced_by` says where labels of a retired class go; on an active class it means "
           "the `deprecated: true` was forgotten, and migrations would move labels of a class "
           "annotators still use.",
       example="classes:\n"
               "- {id: 5, name: sku, replaced_by: product}  # deprecated: true?")
define("L202", "replacement-chain", WARNING,
       "A deprecated class is replaced by another deprecated class.",
       why="Migrations follow the chain, but every reader of the spec has to as well; point "
           "straight at the class that is in use.",
       example="classes:\n"
               "- {id: 5, name: sku, deprecated: true, replaced_by: item}\n"
               "- {id: 6, name: item, deprecated: true, replaced_by: product}")
define("L203", "replacement-cycle", ERROR,
       "`replaced_by` links of deprecated classes form a cycle, so labels never reach a class "
       "in use.",
       example="classes:\n"
               "- {id: 5, name: a, deprecated: true, replaced_by: b}\n"
               "- {id: 6, name: b, deprecated: true, replaced_by: a}")
define("L204", "deprecated-class-in-use", WARNING,
       "A rule, a check or an example refers to a deprecated class.",
       why="Deprecated classes are kept only to read old deliveries; new guidance should name "
           "their replacement.",
       example="rules:\n"
               "- {id: r, title: T, applies_to: [sku]}  # sku is deprecated")
define("L301", "duplicate-keypoint", ERROR,
       "A keypoint schema lists the same point name twice.",
       why="Points are addressed by name in skeletons, flips and tool configs, and by index in "
           "COCO deliveries; a repeated name makes both ambiguous.",
       example="keypoint_schemas:\n"
               "face: {points: [nose, eye, eye]}")
define("L302", "unknown-keypoint", ERROR,
       "A skeleton edge or a flip pair names a point the schema does not list.",
       example="keypoint_schemas:\n"
               "face:\n"
               "  points: [nose, left_eye, right_eye]\n"
               "  skeleton: [[nose, left_ear]]")
define("L303", "inconsistent-flip-pairs", ERROR,
       "Flip pairs are not a symmetric one-to-one matching: a point is paired with itself, "
       "appears in two pairs, or a pair is listed twice.",
       why="A horizontal flip swaps each point with exactly one partner; augmentation code "
           "(flip_idx in YOLO, `swap` in mmpose) silently mislabels joints otherwise.",
       example="keypoint_schemas:\n"
               "body:\n"
               "  points: [left_eye, right_eye, nose]\n"
               "  flip: [[left_eye, right_eye], [right_eye, left_eye]]")
define("L304", "unpaired-side-keypoint", WARNING,
       "A point named for a side (left_*, *_r, ...) is not flip-paired with its mirror point, "
       "though the schema has it.",
       why="A flip moves a left wrist to where a right wrist is; without the pair, augmented "
           "training data teaches the model the wrong side.",
       example="keypoint_schemas:\n"
               "body:\n"
               "  points: [left_eye, right_eye]\n"
               "  flip: []")
define("L305", "keypoints-without-schema", ERROR,
       "A class allows the `keypoints` shape but has no keypoint schema (its own or its "
       "parent's).",
       why="Tools and validators need the point names and their order.",
       example="classes:\n"
               "- {id: 1, name: person, shapes: [box, keypoints]}")
define("L306", "schema-without-keypoints-shape", WARNING,
       "A class names a keypoint schema but does not allow the `keypoints` shape.",
       example="classes:\n"
               "- {id: 1, name: person, shapes: [box], keypoints: coco17}")
define("L307", "keypoint-sigmas-length", ERROR,
       "A keypoint schema's `sigmas` do not give one value per point.",
       why="OKS agreement (COCO keypoint evaluation) needs one sigma per point.",
       example="keypoint_schemas:\n"
               "face: {points: [a, b, c], sigmas: [0.025, 0.025]}")
define("L308", "bad-skeleton-edge", WARNING,
       "A skeleton edge joins a point to itself or repeats another edge.",
       example="keypoint_schemas:\n"
               "arm:\n"
               "  points: [shoulder, elbow]\n"
               "  skeleton: [[shoulder, elbow], [elbow, shoulder]]")
define("L309", "flip-pair-not-mirrored", WARNING,
       "A flip pair joins two points whose names are not each other's mirror: `left_knee` with "
       "`right_ankle`, or two points that name no side at all (`thumb_ip` with `thumb_tip`).",
       why="A horizontal flip only swaps a point with its mirror image; any other pair moves a "
           "joint onto a different joint in every flipped training image. Numbered points "
           "(`face-3`, `kpt12`) are exempt: their names cannot say.",
       example="keypoint_schemas:\n"
               "hand:\n"
               "  points: [wrist, thumb_ip, thumb_tip]\n"
               "  flip: [[thumb_ip, thumb_tip]]")
define("L401", "duplicate-color", ERROR,
       "Two classes in use have the same colour.",
       why="Semantic and panoptic masks store classes as colours, and annotators tell labels "
           "apart by colour; two classes with one colour are one class in a mask.",
       example="classes:\n"
               "- {id: 1, name: car, color: '#00008e'}\n"
               "- {id: 2, name: license_plate, color: '#00008e'}")
define("L402", "similar-colors", WARNING,
       "Two classes in use have colours closer than CIEDE2000 5.",
       why="Annotators and reviewers cannot tell such labels apart on screen, especially over "
           "busy images; pick colours further apart (CIEDE2000 is the CIE's perceptual colour "
           "difference: about 2.3 is just noticeable side by side).",
       example="classes:\n"
               "- {id: 1, name: caravan, color: '#00005a'}\n"
               "- {id: 2, name: trailer, color: '#00006e'}")
define("L501", "when-unknown-value", ERROR,
       "A conditional attribute's `when` asks for a value the other attribute cannot take, or "
       "makes an attribute conditional on itself.",
       why="A condition that can never hold hides the attribute from every annotator.",
       example="attributes:\n"
               "occlusion: {type: enum, values: [none, partial, heavy]}\n"
               "occluder: {type: text, when: {occlusion: [parital]}}")
define("L502", "invalid-default", ERROR,
       "An attribute's `default` is not a valid value of it (enum value, type, range, step, "
       "pattern or length).",
       why="Tools pre-fill the default; an invalid one fails every delivery that keeps it.",
       example="attributes:\n"
               "count: {type: integer, min: 1, max: 48, default: 0}")
define("L503", "check-unknown-value", ERROR,
       "A rule check's `in` or `not_in` lists a value the attribute cannot take.",
       example="rules:\n"
               "- id: r\n"
               "  title: T\n"
               "  check: {attribute: occlusion, not_in: [hevy]}")
define("L504", "unused-attribute", WARNING,
       "An object-scoped attribute is defined but no class carries it.",
       why="Usually a class's `attributes:` list forgot it; otherwise it is dead weight in "
           "every tool config.",
       example="attributes:\n"
               "  truncated: {type: bool}\n"
               "classes:\n"
               "  - {id: 1, name: car}")
define("L505", "empty-range", ERROR,
       "An attribute's `min` is above its `max`, `min_length` above `max_length`, or its "
       "`step` is wider than the range.",
       example="attributes:\n"
               "count: {type: integer, min: 10, max: 1}")
define("L506", "condition-not-on-class", ERROR,
       "A class carries a conditional attribute but not the attribute its `when` depends on.",
       why="The condition can never be evaluated for that class: annotators never see the "
           "attribute, or always do, depending on the tool.",
       example="attributes:\n"
               "  occlusion: {type: enum, values: [none, heavy]}\n"
               "  occluder: {type: text, when: {occlusion: [heavy]}}\n"
               "classes:\n"
               "  - {id: 1, name: car, attributes: [occluder]}")
define("L507", "duplicate-enum-value", ERROR,
       "An enum attribute lists the same value twice.",
       example="attributes:\n"
               "weather: {type: enum, values: [rain, snow, rain]}")
define("L508", "condition-cycle", ERROR,
       "Conditional attributes depend on each other in a cycle.",
       example="attributes:\n"
               "a: {type: bool, when: {b: true}}\n"
               "b: {type: bool, when: {a: true}}")
define("L601", "check-not-applicable", ERROR,
       "A rule's check cannot apply to the classes it names: e.g. `min_vertices` on box-only "
       "classes, `keypoints_inside_box` on classes without keypoints, `text_pattern` on "
       "classes without a text region.",
       why="Such a check silently never fires; the rule looks enforced but is not.",
       example="classes:\n"
               "  - {id: 1, name: car, shapes: [box]}\n"
               "rules:\n"
               "  - {id: r, title: T, applies_to: [car], check: {min_vertices: 4}}")
define("L602", "text-region-without-shape", ERROR,
       "A class has `text_region` settings but does not allow the `text_region` shape.",
       why="Tools add a transcription field only to text-region shapes; the settings would "
           "never be used.",
       example="classes:\n"
               "- id: 2\n"
               "  name: price_tag\n"
               "  shapes: [box]\n"
               "  text_region: {transcription: required}")
define("L603", "contradictory-check", ERROR,
       "A check's minimum is above its maximum (box side, area, aspect ratio, vertices, count "
       "per image).",
       example="rules:\n"
               "- {id: r, title: T, check: {min_area: 100, max_area: 10}}")
define("L604", "check-attribute-not-on-class", ERROR,
       "A rule checks an object attribute that a class it names does not carry.",
       example="classes:\n"
               "  - {id: 1, name: car, attributes: []}\n"
               "rules:\n"
               "  - id: r\n"
               "    title: T\n"
               "    applies_to: [car]\n"
               "    check: {attribute: occlusion, in: [none]}")
define("L605", "example-shape-invalid", ERROR,
       "A shape drawn on an example does not fit its class: a geometry the class does not "
       "allow, keypoints that do not match the schema, an attribute the class does not carry "
       "or an invalid attribute value, text on a class without a text region.",
       why="Examples teach annotators; an example that breaks the spec teaches the wrong "
           "thing, and the playbook draws it as if it were right. Examples with verdict `bad` "
           "may show a wrong geometry or value on purpose: only names, keypoint counts and "
           "text are checked on them.",
       example="classes:\n"
               "- id: 1\n"
               "  name: car\n"
               "  shapes: [box]\n"
               "  examples:\n"
               "    - image: examples/a.png\n"
               "      verdict: good\n"
               "      shapes: [{class: car, polygon: [[0, 0], [5, 0], [5, 5]]}]")
define("L701", "missing-definition", WARNING,
       "A class in use has no `definition`.",
       why="The definition is the first thing an annotator reads on the class page; without it "
           "every annotator draws the boundary of the class somewhere else.",
       example="classes:\n"
               "- {id: 1, name: car}  # definition: ...")
define("L702", "missing-example", INFO,
       "A class in use has no example image: none of its own and none drawn by a rule's "
       "example.",
       why="Edge cases are learnt from pictures; a class without one is where agreement drops "
           "first.",
       example="classes:\n"
               "- id: 1\n"
               "  name: car\n"
               "  definition: A passenger car.\n"
               "  # examples: [{image: examples/car.png, verdict: good}]")
define("L703", "example-image-missing", ERROR,
       "An example's image file does not exist (paths are relative to the spec's folder).",
       example="examples:\n"
               "- {image: examples/missing.png, verdict: good}")
define("L704", "example-image-outside-folder", ERROR,
       "An example's image path is absolute or leaves the spec's folder.",
       why="The playbook copies example images next to its pages; a spec compiled on CI must "
           "not read arbitrary files of the machine.",
       example="examples:\n"
               "- {image: ../../secret.png, verdict: good}")
define("L705", "empty-rule", WARNING,
       "A rule has neither guideline prose nor a check.",
       why="Its title alone is all annotators get, and nothing verifies it.",
       example="rules:\n"
               "- {id: tight, title: Tight boxes}")
define("L801", "rate-out-of-range", ERROR,
       "A maximum error rate is not a fraction between 0 and 1.",
       why="Rates are fractions (0.005 is half a percent); 5 usually means 5 percent.",
       example="qa:\n"
               "max_error_rates: {missed_object: 5}")
define("L802", "undefined-error-type", ERROR,
       "A maximum error rate names an error type that is neither built in nor defined under "
       "`qa.error_types`.",
       why="Reviewers classify errors by these names; an undefined one is never counted.",
       example="qa:\n"
               "max_error_rates: {mislabelled: 0.01}\n"
               "# error_types: {mislabelled: ...}")
define("L803", "bad-splits", ERROR,
       "Splits repeat a name, give ratios for unknown splits, or ratios that do not sum to 1.",
       example="splits:\n"
               "names: [train, val, test]\n"
               "ratios: {train: 0.8, val: 0.1, tset: 0.1}")
define("L804", "bad-class-prior", ERROR,
       "A class prior (``splits.priors``) names an unknown class or split, has a share "
       "outside 0..1, object shares of all classes that sum above 1 (or not to 1 when every "
       "class has one), or a minimum that cannot be met (a split with ratio 0, or share 0).",
       why="A plan that no delivery can meet fails every handoff, and a typo in a class name "
           "checks nothing.",
       example="splits:\n"
               "names: [train, val]\n"
               "priors: {forklfit: {share: 0.05}, pallet: {min: {tset: 10}}}")
define("L805", "bad-hard-negatives", ERROR,
       "``splits.hard_negatives.min_share`` is not between 0 and 1, or leaves less room than a "
       "class prior needs (an image share of a class above 1 minus min_share).",
       example="splits:\n"
               "names: [train, val]\n"
               "hard_negatives: {min_share: 1.5}")
define("L806", "bad-strata", ERROR,
       "A stratum (``splits.strata``) has a share outside 0..1, shares that do not sum to 1, "
       "or is the group key itself (groups never cross splits, so every split cannot hold "
       "the planned mix of each group value).",
       example="splits:\n"
               "names: [train, val]\n"
               "strata: {region: {shares: {eu: 0.6, us: 0.6}}}")
define("L901", "version-not-semver", ERROR,
       "`project.version` is not a semantic version (MAJOR.MINOR.PATCH).",
       why="`guidec diff` decides whether a change is breaking from the version; consumers pin "
           "ranges of it.",
       example="project: {id: p, title: P, version: '2.1'}")
define("L902", "bad-since", ERROR,
       "A class's `since` is not a semantic version, or is newer than the project's version.",
       example="project: {id: p, title: P, version: 2.1.0}\n"
               "classes:\n"
               "  - {id: 5, name: sku, deprecated: true, since: 3.0.0}")
define("L903", "unknown-override", ERROR,
       "`severity_overrides` names a rule code or name that does not exist.",
       example="severity_overrides: {L999: warning}")
define("L904", "bad-export", ERROR,
       "An export has a variant its format does not know, is listed twice, or needs shapes no "
       "class allows (YOLO pose needs keypoints, OBB rotated boxes, masks polygons).",
       example="exports:\n"
               "- {format: yolo, variant: pose}  # no class has keypoints")
define("L905", "inconsistent-media", WARNING,
       "Media settings contradict each other: proxy size without proxy labeling (or the "
       "reverse), a minimum image size above the maximum, expected sizes outside them, or "
       "tiles that overlap by a whole tile.",
       example="media: {labeling_resolution: original, proxy_max_side: 2048}")
