"""The Cascade-Correlation learner, without any I/O."""

from __future__ import annotations

import numpy as np
import pytest

from juniper_cascor_fake_server.learner import (
    MAX_WEIGHT,
    CascadeCorrelationLearner,
    CascadeNetwork,
    LearnerConfig,
    Outcome,
    evaluate,
    score_candidate,
    train_candidate,
    two_spirals,
    xor,
)


def test_xor_reaches_full_accuracy() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(), xor())
    assert learner.run() is Outcome.CONVERGED
    _, accuracy = evaluate(learner.network.predict(xor().x), xor().y)
    assert accuracy == 1.0
    assert 1 <= len(learner.network.hidden) <= 3


@pytest.mark.parametrize("threshold", [0.4, 0.2])
def test_convergence_needs_every_output_within_the_score_threshold(threshold: float) -> None:
    data = xor()
    learner = CascadeCorrelationLearner(LearnerConfig(score_threshold=threshold), data)
    assert learner.run() is Outcome.CONVERGED
    errors = np.abs(learner.network.predict(data.x) - data.y)
    assert float(errors.max()) < threshold


def test_full_accuracy_without_the_margin_keeps_training() -> None:
    data = xor()
    loose = CascadeCorrelationLearner(LearnerConfig(score_threshold=0.5), data)
    strict = CascadeCorrelationLearner(LearnerConfig(score_threshold=0.4), data)
    assert loose.run() is strict.run() is Outcome.CONVERGED
    assert strict.epoch > loose.epoch


def test_xor_is_not_solvable_without_a_hidden_unit() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(max_hidden_units=0), xor())
    assert learner.run() is Outcome.UNIT_LIMIT
    _, accuracy = evaluate(learner.network.predict(xor().x), xor().y)
    assert accuracy < 1.0


def test_two_spirals_reach_high_accuracy_within_the_budget() -> None:
    data = two_spirals()
    learner = CascadeCorrelationLearner(LearnerConfig(max_hidden_units=20), data)
    learner.run()
    _, accuracy = evaluate(learner.network.predict(data.x), data.y)
    assert accuracy >= 0.95
    assert len(learner.network.hidden) <= 20


def test_two_spiral_data_is_the_classic_set() -> None:
    data = two_spirals()
    assert data.x.shape == (194, 2)
    assert data.y.sum() == 97
    np.testing.assert_allclose(data.x[0], [0.0, 1.0])
    np.testing.assert_allclose(data.x[1], -data.x[0])


def _trained(seed: int) -> CascadeNetwork:
    learner = CascadeCorrelationLearner(LearnerConfig(seed=seed), xor())
    learner.run()
    return learner.network


def test_training_is_deterministic_for_a_seed() -> None:
    first, second, other = _trained(3), _trained(3), _trained(4)
    assert first.to_dict() == second.to_dict()
    assert first.to_dict() != other.to_dict()


def test_installed_weights_are_frozen() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(max_hidden_units=4), two_spirals())
    while not learner.network.hidden:
        if learner.needs_candidates:
            learner.install_best([train_candidate(t) for t in learner.candidate_tasks()])
        else:
            learner.output_epoch()
    first = learner.network.hidden[0]
    saved = first.weights.copy()
    learner.run()
    assert len(learner.network.hidden) > 1
    assert learner.network.hidden[0] is first
    np.testing.assert_array_equal(first.weights, saved)
    with pytest.raises(ValueError, match="read-only"):
        first.weights[0] = 1.0


def test_later_units_receive_every_earlier_unit() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(max_hidden_units=3), two_spirals())
    learner.run()
    fan_ins = [unit.weights.shape[0] for unit in learner.network.hidden]
    assert fan_ins == [2 + i for i in range(len(fan_ins))]


def test_candidate_training_raises_the_correlation() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(), xor())
    while not learner.needs_candidates:
        learner.output_epoch()
    task = learner.candidate_tasks()[0]
    rng = np.random.default_rng(task.seed)
    start = rng.uniform(-1.0, 1.0, task.candidate_input.shape[1] + 1)
    before, _, _ = score_candidate(
        start[:-1], float(start[-1]), task.activation, task.candidate_input, task.residual_error
    )
    result = train_candidate(task)
    assert result.correlation > before
    assert 0.0 <= result.correlation <= 1.0
    assert np.abs(result.weights).max() <= MAX_WEIGHT
    assert result.correlation == pytest.approx(result.numerator / result.denominator)


def test_progress_is_reported_while_a_candidate_trains() -> None:
    learner = CascadeCorrelationLearner(LearnerConfig(patience=1000), two_spirals())
    while not learner.needs_candidates:
        learner.output_epoch()
    seen: list[tuple[int, float]] = []
    train_candidate(learner.candidate_tasks()[0], lambda e, c: seen.append((e, c)), 10)
    assert [epoch for epoch, _ in seen][:3] == [10, 20, 30]


def test_network_round_trips_through_its_dict() -> None:
    network = _trained(0)
    copy = CascadeNetwork.from_dict(network.to_dict())
    np.testing.assert_array_equal(copy.predict(xor().x), network.predict(xor().x))


def test_removing_a_unit_drops_its_output_weights() -> None:
    network = _trained(0)
    units = len(network.hidden)
    network.remove_last_unit()
    assert network.output_weights.shape == (2 + units - 1 + 1, 1)
