"""Each answer's schema (those of putright/api) has a name of its own: the OpenAPI document
keeps one schema per name, so two classes of the same name would describe one answer with the
other's fields."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter

from ninja import Schema

import putright.api


def test_no_two_api_schemas_share_a_name():
    for module in pkgutil.walk_packages(putright.api.__path__, "putright.api."):
        importlib.import_module(module.name)
    classes = {
        (c.__module__, c.__name__): c
        for c in _subclasses(Schema)
        if c.__module__.startswith("putright.api.")
    }
    names = Counter(name for _, name in classes)
    assert [n for n, count in names.items() if count > 1] == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
