"""The worker bridge applies events by a time budget per tick, measured, not by a fixed count."""
from __future__ import annotations

from notifier_gui.ui.worker import WorkerBridge


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make_bridge(clock: FakeClock, cost_per_event: float, seen: list[list[int]]) -> WorkerBridge:
    bridge = WorkerBridge(lambda sink: None, clock=clock)  # type: ignore[arg-type,return-value]

    def apply(batch: list[int]) -> None:  # a slot whose work costs cost_per_event each (in fake time)
        seen.append(batch)
        clock.now += cost_per_event * len(batch)

    bridge.eventsReady.connect(apply)
    return bridge


def drain(bridge: WorkerBridge, ticks: int) -> None:
    for _ in range(ticks):
        bridge.flush()


def test_batches_shrink_to_the_budget_when_events_are_expensive(qapp) -> None:  # type: ignore[no-untyped-def]
    clock, seen = FakeClock(), []
    bridge = make_bridge(clock, 0.0001, seen)  # 0.1 ms an event: 40 fit a 4 ms budget
    for i in range(10_000):
        bridge.push(i)  # type: ignore[arg-type]
    drain(bridge, 40)
    sizes = [len(b) for b in seen]
    assert sizes[0] == 500  # nothing measured yet
    assert all(s == 40 for s in sizes[1:])  # then what fits the budget, every tick
    assert [e for b in seen for e in b] == list(range(sum(sizes)))  # in order, nothing lost


def test_cheap_events_go_in_large_batches_and_slow_ones_still_progress(qapp) -> None:  # type: ignore[no-untyped-def]
    clock, seen = FakeClock(), []
    cheap = make_bridge(clock, 0.000001, seen)  # 1 µs: the budget would allow 4,000
    for i in range(30_000):
        cheap.push(i)  # type: ignore[arg-type]
    drain(cheap, 6)
    assert [len(b) for b in seen][1:] == [4000] * 5
    clock2, seen2 = FakeClock(), []
    slow = make_bridge(clock2, 0.01, seen2)  # 10 ms an event: over budget alone
    for i in range(1000):
        slow.push(i)  # type: ignore[arg-type]
    drain(slow, 5)
    assert [len(b) for b in seen2][1:] == [slow.min_batch] * 4  # never stuck


def test_one_slow_tick_does_not_starve_the_next(qapp) -> None:  # type: ignore[no-untyped-def]
    clock, seen = FakeClock(), []
    bridge = make_bridge(clock, 0.0001, seen)
    for i in range(10_000):
        bridge.push(i)  # type: ignore[arg-type]
    drain(bridge, 3)
    bridge._learn(40, 0.2)  # a batch that took 200 ms (a garbage collection inside it)
    assert bridge.batch_size == bridge.min_batch
    drain(bridge, 2)
    assert [len(b) for b in seen[-2:]] == [bridge.min_batch, 40]  # back to the steady size at once


def test_a_lasting_rise_in_cost_is_followed(qapp) -> None:  # type: ignore[no-untyped-def]
    clock, seen = FakeClock(), []
    bridge = make_bridge(clock, 0.0001, seen)
    for i in range(20_000):
        bridge.push(i)  # type: ignore[arg-type]
    drain(bridge, 3)
    bridge.eventsReady.disconnect()
    bridge.eventsReady.connect(lambda b: (seen.append(b), setattr(clock, "now", clock.now + 0.001 * len(b))))
    drain(bridge, 12)  # events now cost 1 ms each: 4 fit the budget...
    sizes = [len(b) for b in seen[3:]]
    assert sizes[-1] == bridge.min_batch and sizes == sorted(sizes, reverse=True)  # ...down to the floor
