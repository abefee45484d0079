"""Package profiles: which kind of package a descriptor is, and what it may hold.

A descriptor names its profile with ``$schema``, the ``$id`` of one of the
JSON Schemas ``data/schemas/*-package.schema.json`` (the same schemas editors
use for completion). The schema's ``x-resources`` lists the resources that kind
of package has and the table schema of each: a package may hold those and
nothing else, and the validator always checks a resource against the table
schema its profile names, whatever path the descriptor gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths


@dataclass(frozen=True)
class Profile:
    kind: str  # report | template | crosswalk
    id: str  # the $id a descriptor's $schema names
    path: Path
    resources: dict  # name -> {"schema": file name under data/schemas, "title": ...}

    def table_schema(self, resource: str) -> Path:
        return paths.SCHEMAS / self.resources[resource]["schema"]


@lru_cache(maxsize=None)
def _schemas(folder: str) -> dict[str, dict]:
    out = {}
    for p in sorted(Path(folder).glob("*.schema.json")):
        doc = json.loads(p.read_text(encoding="utf-8"))
        if "$id" in doc:
            out[doc["$id"]] = doc | {"x-path": str(p)}
    return out


def all_schemas() -> dict[str, dict]:
    """Every JSON Schema with an $id under data/schemas, by $id (profiles and the parts they share)."""
    return _schemas(str(paths.SCHEMAS))


def profiles() -> dict[str, Profile]:
    out = {}
    for sid, doc in all_schemas().items():
        if "x-resources" in doc:
            kind = Path(doc["x-path"]).name.removesuffix("-package.schema.json")
            out[sid] = Profile(kind, sid, Path(doc["x-path"]), doc["x-resources"])
    return out


def by_kind(kind: str) -> Profile:
    return next(p for p in profiles().values() if p.kind == kind)


def profile_of(descriptor: dict) -> Profile | None:
    return profiles().get(descriptor.get("$schema")) if isinstance(descriptor, dict) else None


def validator(profile: Profile):
    """A JSON Schema validator for descriptors of this profile, resolving the shared parts locally."""
    import jsonschema
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (sid, Resource.from_contents({k: v for k, v in doc.items() if k != "x-path"})) for sid, doc in all_schemas().items())
    schema = {k: v for k, v in all_schemas()[profile.id].items() if k != "x-path"}
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
