"""The annotator playbook: pieces the ``site`` target assembles into an mkdocs-material project.

- :mod:`~guidec.playbook.text`: spec text made safe for Markdown (raw HTML never executes);
- :mod:`~guidec.playbook.words`: the spec said in plain words (media, checks, QA errors);
- :mod:`~guidec.playbook.overlay`: example images with their shapes drawn over them (SVG);
- :mod:`~guidec.playbook.skeleton`: keypoint schema diagrams (SVG);
"""
