"""Ray executor for newscorpus.

Installed as a plugin through the ``newscorpus`` entry-point group; select it in a
pipeline with ``execution: {executor: ray}`` (or ``newscorpus run --executor ray``).
The class is importable for direct use::

    from newscorpus_ray import RayExecutor
"""

from .executor import RayExecutor, RayTaskFailedError

__all__ = ["RayExecutor", "RayTaskFailedError"]
__version__ = "0.1.0"
