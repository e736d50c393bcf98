"""V001-V049: what delivery readers report about the files themselves (structure, syntax).

Everything about the *labels* (unknown class, box outside the image, missing image reference,
duplicate annotation ids, ...) is a validation rule (V050+) over the annotation table; readers
report only what they cannot put into the table faithfully.
"""

from __future__ import annotations

from guidec.codes import code

V001 = code("V001")
V002 = code("V002")
V003 = code("V003")
V004 = code("V004")
V005 = code("V005")
V006 = code("V006")
V007 = code("V007")
V008 = code("V008")
V009 = code("V009")
V010 = code("V010")
V011 = code("V011")
V012 = code("V012")
V013 = code("V013")
V014 = code("V014")
V015 = code("V015")
V016 = code("V016")
V017 = code("V017")
V018 = code("V018")
V019 = code("V019")
V022 = code("V022")
V049 = code("V049")
