"""gc_paused(): the collector is off inside, survivors skip the young generations, garbage is still freed."""

from __future__ import annotations

import gc
import weakref

from forms.errors import gc_paused


class Node:
    """A small object that can be part of a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


def in_generation(obj: object, generation: int) -> bool:
    """Whether the collector tracks ``obj`` in ``generation``."""
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_collector_is_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause does not end the outer one
    assert gc.isenabled()


def test_objects_built_inside_go_to_the_oldest_generation() -> None:
    with gc_paused():
        kept = Node()
        assert in_generation(kept, 0)
    assert not in_generation(kept, 0) and not in_generation(kept, 1)
    assert in_generation(kept, 2)


def test_cyclic_garbage_made_inside_is_still_collected() -> None:
    with gc_paused():
        first, second = Node(), Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
    assert gone() is not None
    gc.collect()
    assert gone() is None


def test_a_freeze_made_by_someone_else_is_kept() -> None:
    frozen = Node()
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with gc_paused():
            Node()
        # Not unfrozen (that would empty it) and nothing added; a frozen object freed meanwhile may leave it.
        assert count - 10 <= gc.get_freeze_count() <= count
        assert not in_generation(frozen, 2)
    finally:
        gc.unfreeze()
