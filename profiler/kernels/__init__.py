"""numba kernels of the replayer: arrays and scalars in, caller-owned arrays mutated.

Each module is self-contained (no calls into other modules, constants written out
locally) so numba's on-disk cache is invalidated whenever the kernel's own file changes.
`tests/profiler/test_kernels_constants.py` checks the local constants against `schema`.
Importing this package imports numba; `goperf lint` must not import it.
"""
