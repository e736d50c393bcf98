"""T: what a target tool cannot express (``guidec build``).

Data only: one ``define`` per code, in code order. See ``guidec.codes`` for how to add one.
"""

from guidec.codes._define import ERROR, INFO, WARNING, define

define("T101", "ls-comma-in-class-name", ERROR,
       "A class that carries attributes or a transcription has a comma in its name.",
       why="Label Studio's whenLabelValue is a comma-separated list: a name with a comma "
           "cannot be named in it, so the class's attribute controls would never show.",
       example="classes:\n"
               "- {id: 1, name: 'Truck, box', attributes: [occlusion]}")
define("T102", "ls-no-labels", WARNING,
       "The spec has no active class with a shape Label Studio can draw.",
       why="A labeling config without a labels control lets annotators draw nothing.",
       example="classes:\n"
               "- {id: 1, name: old, deprecated: true}")
define("T103", "ls-condition-not-shown", WARNING,
       "Label Studio shows an attribute with a `when:` condition always, because the "
       "condition names a number or text attribute, an object attribute for an image one, "
       "or a value with a comma.",
       why="Label Studio hides a control only on a chosen Choices value (visibleWhen="
           "\"choice-selected\"); annotators see the attribute for every region and must know "
           "to leave it empty. guidec validate still checks the condition.",
       example="attributes:\n"
               "  doors: {type: integer, min: 0, max: 6}\n"
               "  door_state: {type: enum, values: [open, closed], when: {doors: [1, 2]}}")
define("T201", "cvat-label-name", ERROR,
       "A CVAT label or sublabel name is empty, longer than 64 characters, or not unique "
       "(sublabels: within their skeleton).",
       why="CVAT's database truncates names silently and refuses duplicates; the editor "
           "refuses empty names.",
       example='[{"name": "car"}, {"name": "car"}]')
define("T202", "cvat-label-color", ERROR,
       "A CVAT label colour is not '#rrggbb'.",
       why="The server stores any string; the web editor refuses the project afterwards.",
       example='{"name": "car", "color": "red"}')
define("T203", "cvat-label-type", ERROR,
       "A CVAT label type is not one CVAT knows.",
       example='{"name": "car", "type": "bbox"}')
define("T204", "cvat-attribute", ERROR,
       "A CVAT attribute is malformed: empty or duplicate name, unknown input_type, "
       "non-boolean mutable, values missing, empty, not strings, duplicated, too long or "
       "containing a newline.",
       why="CVAT stores values newline-joined; the editor refuses such attributes.",
       example='{"name": "color", "input_type": "select", "mutable": false, "values": []}')
define("T205", "cvat-number-values", ERROR,
       "A number attribute's values are not [min, max, step] with min < max, 0 < step <= max - "
       "min and a step that divides the range.",
       why="The editor refuses other forms; a step that does not divide the range makes max "
           "unreachable in the slider.",
       example='{"input_type": "number", "values": ["0", "10", "3"]}')
define("T206", "cvat-default-value", ERROR,
       "A CVAT attribute's default value is not a valid value (not in values, out of range, "
       "not true/false) or longer than 128 characters.",
       example='{"input_type": "select", "default_value": "blue", "values": ["red", "green"]}')
define("T207", "cvat-skeleton", ERROR,
       "A CVAT skeleton has no sublabels, a sublabel that is not of type points, no SVG, or an "
       "SVG element that names a sublabel that does not exist.",
       example='{"name": "person", "type": "skeleton", "sublabels": []}')
define("T208", "cvat-shapes-merged", WARNING,
       "A keypoint class also allows other shapes; its CVAT label is a skeleton and the other "
       "shapes cannot be drawn with it.",
       why="A CVAT label has exactly one type; a skeleton label draws only skeletons.",
       example="classes:\n"
               "- {id: 3, name: shelf, shapes: [polygon, keypoints], keypoints: corners}")
define("T209", "cvat-number-range-assumed", INFO,
       "An integer/number attribute has no min or max; CVAT number attributes need both, so "
       "guidec assumed a range.",
       example="attributes:\n"
               "count: {type: integer}")
define("T210", "cvat-image-tag-name-taken", ERROR,
       "A class is named like the CVAT tag label guidec makes for an image attribute "
       "('image:<attribute>').",
       example="attributes:\n"
               "  weather: {type: enum, scope: image, values: [sun]}\n"
               "classes:\n"
               "  - {id: 1, name: 'image:weather'}")
define("T301", "yolo-several-keypoint-schemas", WARNING,
       "Active classes use more than one keypoint schema; YOLO pose has one kpt_shape per "
       "dataset, so data.yaml gets none.",
       why="Ultralytics reads one kpt_shape and flip_idx for every class of a dataset.",
       example="classes:\n"
               "- {id: 1, name: person, shapes: [keypoints], keypoints: body}\n"
               "- {id: 2, name: hand, shapes: [keypoints], keypoints: hand21}")
define("T302", "voc-colon-in-class-name", ERROR,
       "A class name contains ':' or a line break, which the Pascal VOC label map uses as "
       "separators.",
       example="classes:\n"
               "- {id: 1, name: 'sign:stop'}")
define("T401", "example-image-unreadable", WARNING,
       "An example image is not a PNG, JPEG, GIF, WebP or BMP file whose size can be read.",
       why="The playbook needs the image's width and height to draw shapes in the right place, "
           "and browsers need a web format to show it. The example is drawn on a blank canvas.",
       example="examples:\n"
               "- image: img/scan.tiff\n"
               "  verdict: good")
