"""A tiny JSON Schema (draft 2020-12) checker for the keywords ``record.schema.json`` uses.

jsonschema is not a project dependency; this covers exactly the subset the schema is written
in, and ``KEYWORDS`` lets a test prove the schema uses nothing else.
"""

from __future__ import annotations

KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minimum",
        "maximum",
        "minLength",
    }
)
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _resolve(root: dict, ref: str) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, not {ref!r}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def errors(instance: object, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    """Every way ``instance`` breaks ``schema`` (empty: valid)."""
    root = schema if root is None else root
    found: list[str] = []
    if "$ref" in schema:
        found += errors(instance, _resolve(root, schema["$ref"]), root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](instance) for t in types):
            return found + [f"{path}: {instance!r} is not of type {types}"]
    if "const" in schema and instance != schema["const"]:
        found.append(f"{path}: {instance!r} is not {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        found.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if isinstance(instance, str) and len(instance) < schema.get("minLength", 0):
        found.append(f"{path}: shorter than {schema['minLength']}")
    if _TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            found.append(f"{path}: {instance} < {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            found.append(f"{path}: {instance} > {schema['maximum']}")
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in instance:
                found.append(f"{path}: {key!r} is required")
        for key, value in instance.items():
            if key in properties:
                found += errors(value, properties[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties", True) is False:
                found.append(f"{path}: {key!r} is not allowed")
    if isinstance(instance, list) and "items" in schema:
        for index, value in enumerate(instance):
            found += errors(value, schema["items"], root, f"{path}[{index}]")
    return found


def keywords_used(schema: object) -> set[str]:
    """Every keyword in ``schema`` (property names under "properties"/"$defs" are not ones)."""
    used: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            used.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    used |= keywords_used(sub)
            elif isinstance(value, dict | list):
                used |= keywords_used(value)
    elif isinstance(schema, list):
        for value in schema:
            if isinstance(value, dict):
                used |= keywords_used(value)
    return used


__all__ = ["KEYWORDS", "errors", "keywords_used"]
