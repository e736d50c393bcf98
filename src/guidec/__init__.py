"""guidec: compile one versioned YAML annotation spec into everything a labeling program needs."""

__version__ = "0.1.0"
