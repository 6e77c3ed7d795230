"""Entry point: `flask` (and gunicorn: `app:app`) find the application here.

The cyclic garbage collector is paused while the app is built and the objects built then
(modules, classes, mapped tables, compiled templates' code, ~120,000 of them) are moved to the
permanent generation with ``gc.freeze()``, the recipe of the ``gc`` documentation for a process
that builds long-lived state and then serves (or forks workers, under ``--preload``, without
copy-on-write from the collector touching those objects). Building the app creates almost no
cyclic garbage (a few hundred objects), while the collections that would run during it scan
everything imported so far, again and again: a fifth of a worker's start (issue 19, item 4);
later full collections, during requests and at exit, no longer walk the frozen objects either.
Only this process-level entry point does it: ``create_app`` (used by the tests, many times in
one process) leaves the collector alone.
"""

import gc

_collecting = gc.isenabled()
gc.disable()
try:
    from training import create_app

    app = create_app()
finally:
    gc.freeze()
    if _collecting:
        gc.enable()
