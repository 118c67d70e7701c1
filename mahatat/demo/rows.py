"""Idempotent writes for demo data: rows found by a natural key and saved only when something differs.

Saving only on a difference keeps a second run of seed_demo from touching anything, history rows included.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool, bool]:
    """Get the row matching `lookup` or create it with `values`; bring its fields in line with `values`.

    Returns (object, created, changed).
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        return obj, True, False
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(validate_unique=False, validate_constraints=False)
        fields = {getattr(model._meta.get_field(name), "attname", name) for name in changed}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.add("updated_at")
        obj.save(update_fields=fields)
    return obj, False, bool(changed)
