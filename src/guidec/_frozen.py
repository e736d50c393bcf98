"""A faster ``__init__`` for frozen, slotted dataclasses built in bulk.

A frozen dataclass's generated ``__init__`` stores each field with ``object.__setattr__``
(its own ``__setattr__`` refuses changes), which costs about twice a plain slot store:
``resolve`` builds 10,000 :class:`~guidec.view.ResolvedClass` (32 fields) for a large spec
and ``guidec check`` 20,000 diagnostics. :func:`fast_init` replaces that ``__init__`` with one
that stores through each slot's descriptor: same signature, same defaults, and instances stay
frozen (assigning an attribute afterwards still raises ``FrozenInstanceError``).
"""

from __future__ import annotations

import dataclasses


class _Factory:
    def __repr__(self) -> str:  # as dataclasses shows it in signatures
        return "<factory>"


_FACTORY = _Factory()  # default of a field with a default_factory: call the factory


def fast_init(cls):
    """Class decorator, applied above ``@dataclass(frozen=True, slots=True)``."""
    fields = dataclasses.fields(cls)
    if not (cls.__dataclass_params__.frozen and "__slots__" in cls.__dict__) or any(
            not f.init or f.kw_only for f in fields) or hasattr(cls, "__post_init__"):
        raise TypeError(f"fast_init: {cls.__name__} is not a plain frozen slotted dataclass")
    env: dict = {"_FACTORY": _FACTORY}
    params, body = [], []
    for f in fields:
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's descriptor
        if f.default is not dataclasses.MISSING:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            body.append(f"    if {f.name} is _FACTORY:\n        {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    exec(source, env)  # generated from the field names, as dataclasses itself does
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


#: Set by the command-line entry point (a short-lived process): after building a spec, move the
#: new objects out of the cyclic collector's reach (``gc.freeze``, :func:`guidec.source.gc_paused`).
#: Library users keep the default. Here, not in :mod:`guidec.source`, so that setting it imports
#: no YAML.
FREEZE_AFTER_BUILD = False
