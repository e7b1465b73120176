"""Per-app hooks discovered by name: ``<app>.demo`` (STEPS for seed_demo) and ``<app>.figures``
(``compute(unit, year)`` for the figures command and the cockpit). Apps add a module; nothing
central needs editing."""
from __future__ import annotations

import importlib
from typing import Callable

from django.apps import apps


def app_modules(name: str):
    for config in apps.get_app_configs():
        module_name = f"{config.name}.{name}"
        try:
            yield importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise


def demo_steps() -> list[tuple[int, str, Callable]]:
    """(order, label, function) for every app's demo steps, in order."""
    steps = []
    for module in app_modules("demo"):
        for order, fn in getattr(module, "STEPS", []):
            steps.append((order, f"{module.__name__}.{fn.__name__}", fn))
    return sorted(steps, key=lambda s: s[0])


def figure_functions() -> list[Callable]:
    return [module.compute for module in app_modules("figures") if hasattr(module, "compute")]
