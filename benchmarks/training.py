"""Time one training epoch of the digits network in dltut, PyTorch and scikit-learn.

The network is the one of the digits tutorial page: 64 standardized pixels,
Dense(128, ReLU, He initialization), Dense(10) and softmax cross-entropy,
trained with SGD with momentum 0.9 at a constant learning rate of 0.05. All
three libraries start from the same initial weights (dltut's, seeded with
`DEFAULT_SEED`), compute in float64 and see the batches in the same order,
so they do the same arithmetic and differ only in how fast they do it.

Each timed repeat is the next epoch of one continuing training run (the
repeats are consecutive epochs, not fresh starts), and the warm-up epoch is
the first one. The libraries take turns epoch by epoch, so a change in
machine load affects all of them alike. An epoch contains only the
mini-batch updates, no evaluation.

Run alone with `python -m benchmarks.training [--quick]`.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from benchmarks.common import measure, measure_interleaved, skipped, summary_row, write_results
from dltut.data import DEFAULT_SEED, load_digits
from dltut.nn import Dense, NeuralNetwork, ReLU, SoftmaxCrossEntropy
from dltut.optim import SGDMomentum
from dltut.train import batches

HIDDEN_UNITS = 128
CLASSES = 10
LEARNING_RATE = 0.05
MOMENTUM = 0.9
BATCH_SIZES = (32, 256)
ACCURACY_EPOCHS = 20
# Largest difference in loss or in any weight that still counts as "the
# same arithmetic" after one update; float64 rounding stays near 1e-15.
SAME_RESULT_TOLERANCE = 1e-10
PROFILE_ROWS = 12

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Digits:
    """The digits split of `dltut.data.load_digits`, inputs standardized as on the tutorial page."""

    x_train: FloatArray
    y_train: IntArray
    x_test: FloatArray
    y_test: IntArray


def load_scaled_digits() -> Digits:
    """Load the digits and scale them with the training mean and standard deviation + 0.1."""
    data = load_digits()
    mean = data.x_train.mean(axis=0)
    # Some pixels are 0 in every training image, so the 0.1 avoids dividing by 0.
    scale = data.x_train.std(axis=0) + 0.1
    return Digits(
        x_train=(data.x_train - mean) / scale,
        y_train=np.asarray(data.y_train, dtype=np.int64),
        x_test=(data.x_test - mean) / scale,
        y_test=np.asarray(data.y_test, dtype=np.int64),
    )


def make_dltut_network() -> NeuralNetwork:
    """Build the tutorial's digits network, whose weights appear on its first forward."""
    return NeuralNetwork(
        [Dense(HIDDEN_UNITS, ReLU(), init="he"), Dense(CLASSES)],
        SoftmaxCrossEntropy(),
        seed=DEFAULT_SEED,
    )


def initial_weights(x: FloatArray) -> list[FloatArray]:
    """Return copies of dltut's initial W1, b1, W2, b2, shapes (64, 128), (1, 128), ..."""
    network = make_dltut_network()
    network.predict(x[:1])
    return [param.copy() for param in network.params()]


def epoch_orders(n_examples: int, epochs: int) -> list[NDArray[np.intp]]:
    """Return the example order of each epoch, the same orders that `dltut.train.batches` draws.

    `batches` draws one `rng.permutation(n)` per epoch from a generator
    seeded with `DEFAULT_SEED`, and so does this function.
    """
    rng = np.random.default_rng(DEFAULT_SEED)
    return [rng.permutation(n_examples) for _ in range(epochs)]


class Runner(Protocol):
    """One library's copy of the network, trained one epoch or one batch at a time."""

    def train_epoch(self) -> None:
        """Run the mini-batch updates of the next epoch."""

    def train_batch(self, indices: NDArray[np.intp]) -> float:
        """Update once on the given training examples and return the loss before the update."""

    def batch_loss(self, indices: NDArray[np.intp]) -> float:
        """Return the mean cross-entropy on the given training examples."""

    def weights(self) -> list[FloatArray]:
        """Return W1, b1, W2, b2 in dltut's layout (inputs by outputs, bias rows)."""

    def predict_classes(self, x: FloatArray) -> IntArray:
        """Return the predicted digit of each row of `x`."""


class DltutRunner:
    """The network in dltut: `train_batch` and `SGDMomentum.step` over `dltut.train.batches`."""

    def __init__(self, data: Digits, weights: list[FloatArray], batch_size: int) -> None:
        self.data = data
        self.batch_size = batch_size
        self.network = make_dltut_network()
        self.network.predict(data.x_train[:1])
        for param, value in zip(self.network.params(), weights, strict=True):
            param[...] = value
        self.optimizer = SGDMomentum(LEARNING_RATE, momentum=MOMENTUM)
        self.rng = np.random.default_rng(DEFAULT_SEED)

    def train_epoch(self) -> None:
        for x_batch, y_batch in batches(
            self.data.x_train, self.data.y_train, self.batch_size, rng=self.rng
        ):
            self.network.train_batch(x_batch, y_batch)
            self.optimizer.step(self.network)

    def train_batch(self, indices: NDArray[np.intp]) -> float:
        loss = self.network.train_batch(self.data.x_train[indices], self.data.y_train[indices])
        self.optimizer.step(self.network)
        return loss

    def batch_loss(self, indices: NDArray[np.intp]) -> float:
        return self.network.loss_value(self.data.x_train[indices], self.data.y_train[indices])

    def weights(self) -> list[FloatArray]:
        return [param.copy() for param in self.network.params()]

    def predict_classes(self, x: FloatArray) -> IntArray:
        return np.argmax(self.network.predict(x), axis=1)


class TorchRunner:
    """The network in PyTorch on the CPU, float64, with `torch.optim.SGD(momentum=0.9)`.

    PyTorch's momentum buffer is b = 0.9 b + g with the step -lr b, and dltut's
    velocity is v = 0.9 v - lr g. At a constant rate both give the same steps.
    """

    def __init__(self, data: Digits, weights: list[FloatArray], batch_size: int) -> None:
        import torch

        self.torch = torch
        self.batch_size = batch_size
        self.x_train = torch.from_numpy(data.x_train)
        self.y_train = torch.from_numpy(data.y_train)
        self.model = torch.nn.Sequential(
            torch.nn.Linear(data.x_train.shape[1], HIDDEN_UNITS, dtype=torch.float64),
            torch.nn.ReLU(),
            torch.nn.Linear(HIDDEN_UNITS, CLASSES, dtype=torch.float64),
        )
        w1, b1, w2, b2 = weights
        with torch.no_grad():
            # torch.nn.Linear stores (outputs, inputs) and a 1-d bias.
            self.model[0].weight.copy_(torch.from_numpy(w1.T))
            self.model[0].bias.copy_(torch.from_numpy(b1[0]))
            self.model[2].weight.copy_(torch.from_numpy(w2.T))
            self.model[2].bias.copy_(torch.from_numpy(b2[0]))
        self.loss_function = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(
            self.model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM
        )
        self.orders = iter(epoch_orders(len(data.x_train), _MAX_EPOCHS))

    def train_epoch(self) -> None:
        order = self.torch.from_numpy(next(self.orders))
        for start in range(0, len(order), self.batch_size):
            self._step(order[start : start + self.batch_size])

    def train_batch(self, indices: NDArray[np.intp]) -> float:
        return self._step(self.torch.from_numpy(indices))

    def _step(self, indices: Any) -> float:
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_function(self.model(self.x_train[indices]), self.y_train[indices])
        loss.backward()
        self.optimizer.step()
        return float(loss.item())

    def batch_loss(self, indices: NDArray[np.intp]) -> float:
        index = self.torch.from_numpy(indices)
        with self.torch.no_grad():
            loss = self.loss_function(self.model(self.x_train[index]), self.y_train[index])
        return float(loss.item())

    def weights(self) -> list[FloatArray]:
        first, second = self.model[0], self.model[2]
        return [
            first.weight.detach().numpy().T.copy(),
            first.bias.detach().numpy()[None, :].copy(),
            second.weight.detach().numpy().T.copy(),
            second.bias.detach().numpy()[None, :].copy(),
        ]

    def predict_classes(self, x: FloatArray) -> IntArray:
        with self.torch.no_grad():
            logits = self.model(self.torch.from_numpy(x))
        return np.asarray(logits.argmax(dim=1).numpy(), dtype=np.int64)


class SklearnRunner:
    """The network as scikit-learn's `MLPClassifier`, one `partial_fit` call per epoch.

    `shuffle=False` makes `partial_fit` take the batches in the order of the
    rows it receives, so each epoch passes the rows already permuted.
    """

    def __init__(self, data: Digits, weights: list[FloatArray], batch_size: int) -> None:
        from sklearn.neural_network import MLPClassifier

        self.data = data
        self.model = MLPClassifier(
            hidden_layer_sizes=(HIDDEN_UNITS,),
            activation="relu",
            solver="sgd",
            alpha=0.0,
            batch_size=batch_size,
            learning_rate="constant",
            learning_rate_init=LEARNING_RATE,
            momentum=MOMENTUM,
            nesterovs_momentum=False,
            shuffle=False,
            random_state=DEFAULT_SEED,
        )
        self._set_weights(weights)
        self.orders = iter(epoch_orders(len(data.x_train), _MAX_EPOCHS))

    def _set_weights(self, weights: list[FloatArray]) -> None:
        # NOTE: MLPClassifier has no public way to start from given weights. One
        # partial_fit call creates the weights and the optimizer, which holds
        # references to the same arrays, so the arrays are overwritten in
        # place and the momentum (a private attribute) is reset to zero.
        size = self.model.batch_size
        self.model.partial_fit(
            self.data.x_train[:size], self.data.y_train[:size], classes=np.arange(CLASSES)
        )
        w1, b1, w2, b2 = weights
        self.model.coefs_[0][...] = w1
        self.model.coefs_[1][...] = w2
        self.model.intercepts_[0][...] = b1[0]
        self.model.intercepts_[1][...] = b2[0]
        for velocity in self.model._optimizer.velocities:
            velocity[...] = 0.0

    def train_epoch(self) -> None:
        order = next(self.orders)
        self.model.partial_fit(self.data.x_train[order], self.data.y_train[order])

    def train_batch(self, indices: NDArray[np.intp]) -> float:
        self.model.partial_fit(self.data.x_train[indices], self.data.y_train[indices])
        # With one batch, the epoch's mean loss is the loss of that batch.
        return float(self.model.loss_)

    def batch_loss(self, indices: NDArray[np.intp]) -> float:
        probabilities = self.model.predict_proba(self.data.x_train[indices])
        picked = probabilities[np.arange(len(indices)), self.data.y_train[indices]]
        return float(-np.mean(np.log(picked)))

    def weights(self) -> list[FloatArray]:
        coefs, intercepts = self.model.coefs_, self.model.intercepts_
        return [
            coefs[0].copy(),
            intercepts[0][None, :].copy(),
            coefs[1].copy(),
            intercepts[1][None, :].copy(),
        ]

    def predict_classes(self, x: FloatArray) -> IntArray:
        return np.asarray(self.model.predict(x), dtype=np.int64)


# Enough epoch orders for every use in this module: warm-up, repeats, accuracy runs.
_MAX_EPOCHS = 200

RunnerFactory = Callable[[Digits, list[FloatArray], int], Runner]
LIBRARIES: dict[str, RunnerFactory] = {
    "dltut": DltutRunner,
    "torch": TorchRunner,
    "sklearn": SklearnRunner,
}


def library_version(name: str) -> str:
    """Return the installed version of library `name`; raises ImportError if it is missing."""
    if name == "dltut":
        from importlib.metadata import version

        return version("dltut")
    if name == "torch":
        import torch

        return str(torch.__version__)
    import sklearn

    return str(sklearn.__version__)


def available_libraries() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Return the versions of the libraries that import, and skip records for those that do not."""
    versions: dict[str, str] = {}
    missing: dict[str, dict[str, str]] = {}
    for name in LIBRARIES:
        try:
            versions[name] = library_version(name)
        except ImportError as error:
            missing[name] = skipped(f"{name} is not installed: {error}")
    return versions, missing


def max_weight_difference(first: list[FloatArray], second: list[FloatArray]) -> float:
    """Return the largest absolute difference between corresponding weights."""
    return max(float(np.max(np.abs(a - b))) for a, b in zip(first, second, strict=True))


def check_one_step(data: Digits, weights: list[FloatArray], names: list[str]) -> dict[str, Any]:
    """Compare each peer with dltut after one update on the first batch of 32 examples."""
    indices = epoch_orders(len(data.x_train), 1)[0][:32]
    results: dict[str, dict[str, float]] = {}
    for name in names:
        runner = LIBRARIES[name](data, weights, 32)
        loss_before = runner.train_batch(indices)
        results[name] = {
            "loss_before": loss_before,
            "loss_after": runner.batch_loss(indices),
            "weights": runner.weights(),  # type: ignore[dict-item]
        }
    reference = results["dltut"]
    report: dict[str, Any] = {"tolerance": SAME_RESULT_TOLERANCE, "batch_size": 32}
    for name in names:
        if name == "dltut":
            continue
        peer = results[name]
        differences = {
            "loss_before_difference": abs(peer["loss_before"] - reference["loss_before"]),
            "loss_after_difference": abs(peer["loss_after"] - reference["loss_after"]),
            "max_weight_difference": max_weight_difference(
                peer["weights"],  # type: ignore[arg-type]
                reference["weights"],  # type: ignore[arg-type]
            ),
        }
        report[name] = {
            **differences,
            "same_result": all(value <= SAME_RESULT_TOLERANCE for value in differences.values()),
        }
    report["dltut_loss_before"] = reference["loss_before"]
    report["dltut_loss_after"] = reference["loss_after"]
    return report


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """Limit the BLAS, OpenMP and PyTorch thread pools to one thread inside the block.

    On this benchmark's small matrices, a second thread gains little, and
    idle pool threads that spin-wait (OpenBLAS's and PyTorch's OpenMP ones)
    take a core from the library whose turn it is. In one run on a 2-core
    machine with default thread counts, PyTorch's epochs timed in turns took
    about 100 times as long as alone.
    """
    from threadpoolctl import threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None
    threads = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=1):
        if torch is not None:
            torch.set_num_threads(1)
        try:
            yield
        finally:
            if torch is not None and threads is not None:
                torch.set_num_threads(threads)


def compare_with_peers(timings: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Name the fastest peer, dltut's time ratio to it and whether that ratio is <= 1."""
    peers = [name for name in timings if name != "dltut"]
    if "dltut" not in timings or not peers:
        return {}
    fastest = min(peers, key=lambda name: timings[name]["median_s"])
    ratio = timings["dltut"]["median_s"] / timings[fastest]["median_s"]
    return {"fastest_peer": fastest, "ratio_dltut_to_fastest_peer": ratio, "goal_met": ratio <= 1.0}


def time_epochs(
    data: Digits, weights: list[FloatArray], names: list[str], batch_size: int, repeats: int
) -> dict[str, Any]:
    """Time consecutive epochs of each library at one batch size, dltut against the fastest peer.

    The goal is judged on one thread per library, in turns. The default
    thread counts are also timed, one library after another, for reference.
    """
    with single_threaded():
        epochs = {name: LIBRARIES[name](data, weights, batch_size).train_epoch for name in names}
        timings = measure_interleaved(epochs, repeats=repeats, warmup=1)
    result: dict[str, Any] = {
        "batch_size": batch_size,
        "seconds_per_epoch": timings,
        **compare_with_peers(timings),
    }
    default_threads = {
        name: measure(LIBRARIES[name](data, weights, batch_size).train_epoch, repeats=repeats)
        for name in names
    }
    result["default_threads_one_after_another"] = {
        "seconds_per_epoch": default_threads,
        **compare_with_peers(default_threads),
    }
    return result


def train_accuracies(
    data: Digits, weights: list[FloatArray], names: list[str], epochs: int
) -> dict[str, Any]:
    """Train each library for `epochs` epochs at batch size 32 and measure the test accuracy."""
    runners = {name: LIBRARIES[name](data, weights, 32) for name in names}
    for runner in runners.values():
        for _ in range(epochs):
            runner.train_epoch()
    reference = runners["dltut"].weights()
    result: dict[str, Any] = {"epochs": epochs, "batch_size": 32, "test_accuracy": {}}
    for name, runner in runners.items():
        correct = runner.predict_classes(data.x_test) == data.y_test
        result["test_accuracy"][name] = float(np.mean(correct))
        if name != "dltut":
            # Rounding differences grow over many updates; this shows by how much.
            result[f"max_weight_difference_{name}_to_dltut"] = max_weight_difference(
                runner.weights(), reference
            )
    return result


def profile_epoch(data: Digits, weights: list[FloatArray], batch_size: int) -> list[dict[str, Any]]:
    """Profile one dltut epoch with cProfile and return the functions with the most own time."""
    runner = DltutRunner(data, weights, batch_size)
    runner.train_epoch()
    profiler = cProfile.Profile()
    profiler.enable()
    runner.train_epoch()
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (path, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{path}:{line}({function})",
                "calls": calls,
                "own_seconds": own,
                "cumulative_seconds": cumulative,
            }
        )
    rows.sort(key=lambda row: row["own_seconds"], reverse=True)
    return rows[:PROFILE_ROWS]


def torch_threads() -> int | None:
    """Return the number of threads PyTorch computes with, or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    return int(torch.get_num_threads())


def summary_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Build the printed summary: epoch-time ratios with their goal, then test accuracies."""
    rows = []
    for entry in result["epoch_time"].values():
        if "ratio_dltut_to_fastest_peer" not in entry:
            continue
        rows.append(
            summary_row(
                f"training epoch, batch {entry['batch_size']}: dltut / {entry['fastest_peer']}",
                entry["ratio_dltut_to_fastest_peer"],
                unit="x",
                goal="<= 1",
                met=entry["goal_met"],
            )
        )
        reference = entry["default_threads_one_after_another"]
        rows.append(
            summary_row(
                f"training epoch, batch {entry['batch_size']}, default threads: "
                f"dltut / {reference['fastest_peer']}",
                reference["ratio_dltut_to_fastest_peer"],
                unit="x",
            )
        )
    accuracy = result["accuracy"]
    for name, value in accuracy["test_accuracy"].items():
        rows.append(
            summary_row(
                f"digits test accuracy after {accuracy['epochs']} epochs: {name}",
                100 * value,
                unit="%",
            )
        )
    return rows


def run(quick: bool) -> dict[str, Any]:
    """Run the training benchmark and return its results section.

    `quick` lowers the timed epochs from 20 to 3 per library and batch size,
    and trains 3 epochs instead of 20 for the accuracies.
    """
    data = load_scaled_digits()
    weights = initial_weights(data.x_train)
    versions, missing = available_libraries()
    names = list(versions)
    repeats = 3 if quick else 20
    result: dict[str, Any] = {
        "protocol": (
            "consecutive epochs of one training run per library, after one warm-up epoch, "
            "libraries taking turns epoch by epoch, every thread pool limited to 1 thread; "
            "same initial weights, batch order and "
            "float64 arithmetic in every library; an epoch is the mini-batch updates only; "
            "constant learning rate 0.05, momentum 0.9"
        ),
        "repeats": repeats,
        "versions": versions,
        "skipped": missing,
        "torch_threads": torch_threads(),
        "one_step_check": check_one_step(data, weights, names),
        "epoch_time": {
            f"batch_{size}": time_epochs(data, weights, names, size, repeats)
            for size in BATCH_SIZES
        },
        "accuracy": train_accuracies(data, weights, names, 3 if quick else ACCURACY_EPOCHS),
    }
    missed = [
        entry["batch_size"]
        for entry in result["epoch_time"].values()
        if entry.get("goal_met") is False
    ]
    if missed:
        with single_threaded():
            result["dltut_profile"] = {
                f"batch_{size}": profile_epoch(data, weights, size) for size in missed
            }
    result["summary"] = summary_rows(result)
    return result


def main() -> None:
    """Run the benchmark from the command line and store its section in the results file."""
    parser = argparse.ArgumentParser(description="Time a digits training epoch against peers.")
    parser.add_argument(
        "--quick", action="store_true", help="time 3 epochs instead of 20 and train 3 for accuracy"
    )
    arguments = parser.parse_args()
    result = run(arguments.quick)
    write_results("training", result)
    for row in result["summary"]:
        goal = f"  goal {row['goal']}: {'met' if row['met'] else 'missed'}" if row["goal"] else ""
        print(f"{row['label']}: {row['value']:.3f} {row['unit']}{goal}")


if __name__ == "__main__":
    main()
