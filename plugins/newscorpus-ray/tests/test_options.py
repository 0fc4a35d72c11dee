"""Option checking of the Ray executor (no Ray instance needed)."""

from __future__ import annotations

import pytest

from newscorpus.errors import ConfigError

pytest.importorskip("ray")

from newscorpus_ray import RayExecutor


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"adress": "auto"}, "execution.executor.adress"),
        ({"num_cpus": -1}, "execution.executor.num_cpus"),
        ({"num_cpus": True}, "execution.executor.num_cpus"),
        ({"runtime_env": "pip"}, "execution.executor.runtime_env"),
        ({"address": 6379}, "execution.executor.address"),
    ],
)
def test_bad_options_fail_before_ray_starts(options: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        RayExecutor(workers=2, **options)
    assert info.value.key == key
    import ray

    assert not ray.is_initialized()


def test_unknown_option_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="known: address, init, max_in_flight"):
        RayExecutor(workers=1, adress="auto")
