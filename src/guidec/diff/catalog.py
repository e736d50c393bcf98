"""The catalog of change kinds (D-codes). Impacts are labels / models / tools (E, W, I)."""

from __future__ import annotations

from guidec.diff.kinds import kind

# --------------------------------------------------------------------------- version verdict
D001 = kind("D001")
D002 = kind("D002")
D003 = kind("D003")

# --------------------------------------------------------------------------- classes
D101 = kind("D101")
D102 = kind("D102")
D103 = kind("D103")
D104 = kind("D104")
D105 = kind("D105")
D106 = kind("D106")
D107 = kind("D107")
D108 = kind("D108")
D109 = kind("D109")
D110 = kind("D110")
D111 = kind("D111")
D112 = kind("D112")
D113 = kind("D113")
D114 = kind("D114")
D115 = kind("D115")
D116 = kind("D116")
D117 = kind("D117")
D118 = kind("D118")
D119 = kind("D119")
D120 = kind("D120")
D121 = kind("D121")
D122 = kind("D122")
D123 = kind("D123")
D124 = kind("D124")
D125 = kind("D125")
D126 = kind("D126")

# --------------------------------------------------------------------------- attributes
D201 = kind("D201")
D202 = kind("D202")
D203 = kind("D203")
D204 = kind("D204")
D205 = kind("D205")
D206 = kind("D206")
D207 = kind("D207")
D208 = kind("D208")
D209 = kind("D209")
D210 = kind("D210")
D211 = kind("D211")
D212 = kind("D212")
D213 = kind("D213")
D214 = kind("D214")
D215 = kind("D215")
D216 = kind("D216")
D217 = kind("D217")
D218 = kind("D218")

# --------------------------------------------------------------------------- shapes, keypoints
D301 = kind("D301")
D302 = kind("D302")
D303 = kind("D303")
D304 = kind("D304")
D305 = kind("D305")
D306 = kind("D306")
D307 = kind("D307")
D308 = kind("D308")
D309 = kind("D309")
D310 = kind("D310")
D311 = kind("D311")
D312 = kind("D312")

# --------------------------------------------------------------------------- rules
D401 = kind("D401")
D402 = kind("D402")
D403 = kind("D403")
D404 = kind("D404")
D405 = kind("D405")

# --------------------------------------------------------------------------- media, QA, exports
D501 = kind("D501")
D502 = kind("D502")
D503 = kind("D503")
D504 = kind("D504")
D510 = kind("D510")
D511 = kind("D511")
D520 = kind("D520")
D521 = kind("D521")
D522 = kind("D522")
D523 = kind("D523")
D524 = kind("D524")
D525 = kind("D525")
D526 = kind("D526")
D527 = kind("D527")

# --------------------------------------------------------------------------- docs
D901 = kind("D901")
