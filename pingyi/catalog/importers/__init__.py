"""The catalogue's import kinds; importing this package registers them (see docs/imports.md)."""

from pingyi.catalog.importers import catalogue, halls, rosters  # noqa: F401  (each module registers its kinds)
