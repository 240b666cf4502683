"""Tests for `dltut.train` and `dltut.metrics`: batches, training loop, accuracy, confusions.

Most tests train small stand-in networks written here with NumPy, so they
check the loop itself. The last tests train a `dltut.nn` network on the
digits data set end to end.
"""

from __future__ import annotations

import dataclasses
import re
import time

import numpy as np
import pytest

import dltut.train
from dltut.data import load_digits
from dltut.gradients import numerical_gradient, relative_error
from dltut.metrics import class_indices
from dltut.optim import SGD, ExponentialDecay, SGDMomentum
from dltut.train import History, Trainer, accuracy, batches, confusion_matrix


class SoftmaxRegression:
    """Stand-in classifier: logits x @ W + b, softmax cross-entropy loss, labels of shape (n,)."""

    def __init__(self, n_features, n_classes, seed=0):
        rng = np.random.default_rng(seed)
        self.weights = rng.normal(scale=0.1, size=(n_features, n_classes))
        self.bias = np.zeros((1, n_classes))
        self.loss = "softmax cross-entropy"
        self.grads = []
        self.batch_sizes = []

    def params(self):
        return [self.weights, self.bias]

    def param_grads(self):
        return self.grads

    def predict(self, x):
        return x @ self.weights + self.bias

    def loss_and_grads(self, x, labels):
        logits = self.predict(x)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(x))
        loss = -float(np.mean(log_probs[rows, labels]))
        logits_grad = np.exp(log_probs)
        logits_grad[rows, labels] -= 1.0
        logits_grad /= len(x)
        return loss, [x.T @ logits_grad, logits_grad.sum(axis=0, keepdims=True)]

    def train_batch(self, x, y):
        loss, self.grads = self.loss_and_grads(x, y)
        self.batch_sizes.append(len(x))
        return loss

    def loss_value(self, x, y):
        return self.loss_and_grads(x, y)[0]


class LinearRegressor:
    """Stand-in regression network: prediction x @ w + b, mean squared error, targets (n,)."""

    def __init__(self, n_features):
        self.weights = np.zeros(n_features)
        self.bias = np.zeros(1)
        self.loss = "mean squared error"
        self.grads = []

    def params(self):
        return [self.weights, self.bias]

    def param_grads(self):
        return self.grads

    def predict(self, x):
        return x @ self.weights + self.bias

    def train_batch(self, x, y):
        error = self.predict(x) - y
        self.grads = [2 * x.T @ error / len(x), np.array([2 * error.mean()])]
        return float(np.mean(error**2))

    def loss_value(self, x, y):
        return float(np.mean((self.predict(x) - y) ** 2))


@pytest.fixture
def stand_in_classifier(monkeypatch):
    """Let the trainer treat `SoftmaxRegression` as a classifier, as it does SoftmaxCrossEntropy."""
    monkeypatch.setattr(
        dltut.train, "_is_classifier", lambda network: isinstance(network, SoftmaxRegression)
    )


def blobs(n_per_class=20, seed=1):
    """Return three well-separated clusters in 2-d with labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centers = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.0]])
    labels = np.repeat(np.arange(3), n_per_class)
    x = centers[labels] + rng.normal(scale=0.5, size=(len(labels), 2))
    return x, labels


def test_stand_in_gradient_matches_numerical():
    x, labels = blobs(5)
    network = SoftmaxRegression(2, 3, seed=2)
    _, grads = network.loss_and_grads(x, labels)

    def loss_of_weights(weights):
        network.weights = weights
        return network.loss_and_grads(x, labels)[0]

    expected = numerical_gradient(loss_of_weights, network.weights.copy())
    # Central differences with step 1e-6 on a loss of order 1 are accurate to
    # about 1e-9 relative; 1e-6 leaves room while catching any wrong term.
    assert relative_error(grads[0], expected) < 1e-6


# --- batches ---


def test_batches_cover_every_example_once():
    x = np.arange(14.0).reshape(7, 2)
    y = np.arange(7)

    seen = [y_batch for _, y_batch in batches(x, y, 3, rng=np.random.default_rng(0))]

    assert [len(batch) for batch in seen] == [3, 3, 1]
    assert sorted(np.concatenate(seen).tolist()) == list(range(7))


def test_batches_keep_rows_paired():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) * 2.0

    for x_batch, y_batch in batches(x, y, 4, rng=np.random.default_rng(1)):
        assert np.array_equal(x_batch[:, 0], y_batch)


def test_batches_seeded_order():
    x, y = np.zeros((30, 1)), np.arange(30)

    first = [b for _, b in batches(x, y, 8, rng=np.random.default_rng(5))]
    second = [b for _, b in batches(x, y, 8, rng=np.random.default_rng(5))]

    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)


def test_batches_shuffle_differs_each_epoch():
    x, y = np.zeros((30, 1)), np.arange(30)
    rng = np.random.default_rng(5)

    first_epoch = np.concatenate([b for _, b in batches(x, y, 8, rng=rng)])
    second_epoch = np.concatenate([b for _, b in batches(x, y, 8, rng=rng)])

    assert not np.array_equal(first_epoch, second_epoch)
    assert not np.array_equal(first_epoch, np.arange(30))


def test_batches_size_larger_than_data():
    x, y = np.zeros((3, 2)), np.arange(3)

    result = list(batches(x, y, 10, rng=np.random.default_rng(0)))

    assert len(result) == 1
    assert result[0][0].shape == (3, 2)


def test_batches_shape_mismatch_names_both():
    with pytest.raises(ValueError, match=r"x has shape \(5, 2\) but y has shape \(4,\)"):
        batches(np.zeros((5, 2)), np.zeros(4), 2, rng=np.random.default_rng(0))


def test_batches_empty_input():
    with pytest.raises(ValueError, match="at least one example"):
        batches(np.zeros((0, 2)), np.zeros(0), 2, rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    ("batch_size", "error"), [(0, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_batches_bad_batch_size(batch_size, error):
    with pytest.raises(error, match="batch_size must be a positive integer"):
        batches(np.zeros((5, 2)), np.zeros(5), batch_size, rng=np.random.default_rng(0))


def test_batches_rng_must_be_generator():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        batches(np.zeros((5, 2)), np.zeros(5), 2, rng=0)


# --- confusion_matrix ---


def test_confusion_matrix_hand_checked():
    labels = [0, 0, 1, 1, 1, 2, 2, 0]
    predictions = [0, 1, 1, 1, 2, 2, 2, 0]

    matrix = confusion_matrix(labels, predictions, 3)

    assert matrix.tolist() == [[2, 1, 0], [0, 2, 1], [0, 0, 2]]
    assert matrix.dtype == np.int64


def test_confusion_matrix_rows_are_true_classes():
    # Every example is class 0 predicted as class 2: one entry in row 0, column 2.
    matrix = confusion_matrix([0, 0, 0], [2, 2, 2], 3)

    assert matrix[0, 2] == 3
    assert matrix.sum() == 3


def test_confusion_matrix_unused_class():
    assert confusion_matrix([0], [0], 4).tolist()[3] == [0, 0, 0, 0]


def test_confusion_matrix_shape_mismatch():
    with pytest.raises(
        ValueError, match=r"labels has shape \(3,\) but predictions has shape \(2,\)"
    ):
        confusion_matrix([0, 1, 1], [0, 1], 2)


def test_confusion_matrix_label_out_of_range():
    with pytest.raises(
        ValueError, match=r"predictions must be whole numbers in \[0, 2\).*\[2, 5\]"
    ):
        confusion_matrix([0, 1, 1], [2, 5, 1], 2)


# --- accuracy and class_indices ---


def test_accuracy_hand_checked():
    network = SoftmaxRegression(2, 3)
    network.weights = np.eye(2, 3)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 2.0], [-1.0, -1.0]])
    # Scores: [1, 0, 0], [0, 1, 0], [0.5, 2, 0], [-1, -1, 0] -> classes 0, 1, 1, 2.

    assert accuracy(network, x, [0, 1, 1, 2]) == 1.0
    assert accuracy(network, x, [0, 0, 1, 0]) == 0.5


def test_accuracy_one_hot_labels():
    network = SoftmaxRegression(2, 3)
    network.weights = np.eye(2, 3)
    x = np.array([[1.0, 0.0], [0.0, 1.0]])

    assert accuracy(network, x, [[1, 0, 0], [1, 0, 0]]) == 0.5


def test_accuracy_length_mismatch():
    network = SoftmaxRegression(2, 3)

    with pytest.raises(ValueError, match=r"output has shape \(2, 3\) but labels has shape \(3,\)"):
        accuracy(network, np.zeros((2, 2)), [0, 1, 2])


def test_accuracy_needs_2d_output():
    with pytest.raises(ValueError, match=r"output has shape \(4,\); accuracy needs scores"):
        accuracy(LinearRegressor(2), np.zeros((4, 2)), [0, 1, 0, 1])


def test_class_indices_rejects_bad_one_hot():
    with pytest.raises(ValueError, match=r"labels rows \[1\] are not one-hot"):
        class_indices([[1, 0], [1, 1]], 2)


def test_class_indices_one_hot_width():
    with pytest.raises(
        ValueError, match=r"labels has shape \(2, 3\) but the network has 2 classes"
    ):
        class_indices([[1, 0, 0], [0, 1, 0]], 2)


# --- Trainer.fit ---


def test_fit_history_lengths(stand_in_classifier):
    x, labels = blobs()
    trainer = Trainer(SoftmaxRegression(2, 3), SGD(0.1))

    history = trainer.fit(
        x, labels, epochs=4, batch_size=16, x_test=x, y_test=labels, verbose=False
    )

    assert isinstance(history, History)
    for values in vars(history).values():
        assert len(values) == 4


def test_fit_batches_per_epoch(stand_in_classifier):
    x, labels = blobs()
    network = SoftmaxRegression(2, 3)

    Trainer(network, SGD(0.1)).fit(x, labels, epochs=2, batch_size=25, verbose=False)

    # 60 examples in batches of 25: 25, 25, 10 in each epoch.
    assert network.batch_sizes == [25, 25, 10, 25, 25, 10]


def test_fit_learns_blobs(stand_in_classifier):
    x, labels = blobs()
    trainer = Trainer(SoftmaxRegression(2, 3), SGDMomentum(0.1))

    history = trainer.fit(x, labels, epochs=20, batch_size=8, verbose=False)

    # The clusters are 4 standard deviations apart, so a linear classifier
    # separates almost all of them.
    assert history.train_accuracy[-1] >= 0.95
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]


def test_fit_records_full_set_measurements(stand_in_classifier):
    x, labels = blobs()
    x_test, labels_test = blobs(seed=9)
    network = SoftmaxRegression(2, 3)

    history = Trainer(network, SGD(0.05)).fit(
        x, labels, epochs=3, x_test=x_test, y_test=labels_test, verbose=False
    )

    assert history.train_loss[-1] == network.loss_value(x, labels)
    assert history.test_loss[-1] == network.loss_value(x_test, labels_test)
    assert history.train_accuracy[-1] == accuracy(network, x, labels)
    assert history.test_accuracy[-1] == accuracy(network, x_test, labels_test)


def test_fit_without_test_set_records_nan(stand_in_classifier):
    x, labels = blobs()

    history = Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(x, labels, epochs=2, verbose=False)

    assert np.all(np.isnan(history.test_loss))
    assert np.all(np.isnan(history.test_accuracy))
    assert not np.any(np.isnan(history.train_accuracy))


def test_fit_learning_rate_follows_schedule(stand_in_classifier):
    x, labels = blobs()
    optimizer = SGD(1.0, schedule=ExponentialDecay(0.1, 0.001, epochs=3))

    history = Trainer(SoftmaxRegression(2, 3), optimizer).fit(x, labels, epochs=4, verbose=False)

    assert np.allclose(history.learning_rate, [0.1, 0.01, 0.001, 0.001], rtol=1e-14, atol=0)


def test_fit_progress_lines(stand_in_classifier, capsys):
    x, labels = blobs()
    trainer = Trainer(SoftmaxRegression(2, 3), SGD(0.05))

    history = trainer.fit(x, labels, epochs=10, x_test=x, y_test=labels)

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    pattern = (
        r"epoch (?P<epoch>[ \d]{2})/10  loss (?P<loss>\d+\.\d{4})  "
        r"train acc \d+\.\d{2}%  test acc \d+\.\d{2}%  lr 0\.0500"
    )
    for epoch, line in enumerate(lines):
        match = re.fullmatch(pattern, line)
        assert match, line
        assert int(match["epoch"]) == epoch + 1
        assert float(match["loss"]) == pytest.approx(history.train_loss[epoch], abs=5e-5)
    assert lines[0].startswith("epoch  1/10  loss ")
    assert f"train acc {100 * history.train_accuracy[-1]:.2f}%" in lines[-1]


def test_fit_progress_identical_between_runs(stand_in_classifier, capsys):
    x, labels = blobs()

    Trainer(SoftmaxRegression(2, 3), SGD(0.05)).fit(x, labels, epochs=3)
    first = capsys.readouterr().out
    time.sleep(0.01)
    Trainer(SoftmaxRegression(2, 3), SGD(0.05)).fit(x, labels, epochs=3)
    second = capsys.readouterr().out

    assert first == second
    assert not re.search(r"\d+(\.\d+)?\s*(s|ms|sec)\b", first)


def test_fit_quiet(stand_in_classifier, capsys):
    x, labels = blobs()

    Trainer(SoftmaxRegression(2, 3), SGD(0.05)).fit(x, labels, epochs=2, verbose=False)

    assert capsys.readouterr().out == ""


def test_fit_regression_progress(capsys):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 3.0
    network = LinearRegressor(3)

    history = Trainer(network, SGD(0.1)).fit(x, y, epochs=30, batch_size=10, x_test=x, y_test=y)

    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"epoch 30/30  loss \d+\.\d{4}  test loss \d+\.\d{4}  lr 0\.1000", lines[-1]
    )
    assert np.all(np.isnan(history.train_accuracy))
    assert np.all(np.isnan(history.test_accuracy))
    # The data are an exact linear function, so the loss falls towards 0.
    assert history.train_loss[-1] < 1e-3
    assert np.allclose(network.weights, [1.0, -2.0, 0.5], atol=0.02)


def test_fit_small_learning_rate_format(capsys):
    x, y = np.ones((4, 1)), np.ones(4)

    Trainer(LinearRegressor(1), SGD(2.5e-5)).fit(x, y, epochs=1)

    assert capsys.readouterr().out.rstrip().endswith("lr 2.500e-05")


def test_fit_deterministic(stand_in_classifier):
    x, labels = blobs()
    first, second, other = (SoftmaxRegression(2, 3, seed=3) for _ in range(3))

    Trainer(first, SGDMomentum(0.1)).fit(x, labels, epochs=3, batch_size=7, seed=11, verbose=False)
    Trainer(second, SGDMomentum(0.1)).fit(x, labels, epochs=3, batch_size=7, seed=11, verbose=False)
    Trainer(other, SGDMomentum(0.1)).fit(x, labels, epochs=3, batch_size=7, seed=12, verbose=False)

    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias)
    assert not np.array_equal(first.weights, other.weights)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"epochs": 2.0}, TypeError, "epochs must be a positive integer"),
        ({"epochs": 1, "batch_size": 0}, ValueError, "batch_size must be a positive integer"),
        ({"epochs": 1, "batch_size": "8"}, TypeError, "batch_size must be a positive integer"),
        ({"epochs": 1, "x_test": np.zeros((2, 2))}, ValueError, "x_test and y_test must be given"),
        ({"epochs": 1, "y_test": np.zeros(2)}, ValueError, "x_test and y_test must be given"),
    ],
)
def test_fit_checks_arguments(stand_in_classifier, arguments, error, message):
    x, labels = blobs()

    with pytest.raises(error, match=message):
        Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(x, labels, **arguments)


def test_fit_shape_mismatch_names_both(stand_in_classifier):
    x, labels = blobs()

    with pytest.raises(
        ValueError, match=r"x_train has shape \(60, 2\) but y_train has shape \(59,\)"
    ):
        Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(x, labels[:-1], epochs=1)


def test_fit_test_shape_mismatch(stand_in_classifier):
    x, labels = blobs()

    with pytest.raises(ValueError, match=r"x_test has shape \(60, 2\) but y_test has shape \(3,\)"):
        Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(
            x, labels, epochs=1, x_test=x, y_test=labels[:3]
        )


def test_fit_x_must_be_2d(stand_in_classifier):
    with pytest.raises(ValueError, match=r"x_train must be 2-d .* got shape \(6,\)"):
        Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(np.zeros(6), np.zeros(6), epochs=1)


def test_fit_label_out_of_range_before_training(stand_in_classifier):
    x, labels = blobs()
    labels = labels.copy()
    labels[-1] = 3
    network = SoftmaxRegression(2, 3)
    before = network.weights.copy()

    with pytest.raises(ValueError, match=r"y_train must be whole numbers in \[0, 3\).*got \[3\]"):
        Trainer(network, SGD(0.1)).fit(x, labels, epochs=1)

    assert np.array_equal(network.weights, before)


def test_fit_test_label_out_of_range(stand_in_classifier):
    x, labels = blobs()

    with pytest.raises(ValueError, match=r"y_test must be whole numbers .* got \[-1\]"):
        Trainer(SoftmaxRegression(2, 3), SGD(0.1)).fit(
            x, labels, epochs=1, x_test=x[:2], y_test=[0, -1]
        )


def test_trainer_rejects_non_network():
    with pytest.raises(TypeError, match="network must have loss, params, param_grads"):
        Trainer(object(), SGD(0.1))


def test_trainer_rejects_non_optimizer():
    with pytest.raises(TypeError, match=r"optimizer must be a dltut\.optim\.Optimizer"):
        Trainer(SoftmaxRegression(2, 3), 0.1)


# --- end to end with dltut.nn on the digits ---


def digits_network(seed):
    nn = pytest.importorskip("dltut.nn")
    return nn.NeuralNetwork(
        [nn.Dense(128, nn.ReLU(), init="he"), nn.Dense(10)], nn.SoftmaxCrossEntropy(), seed=seed
    )


@pytest.fixture(scope="module")
def digits():
    data = load_digits()

    # The scaling of the digits page: training pixels' mean and std, plus 0.1
    # because some border pixels are 0 in every training image.
    mean = data.x_train.mean(axis=0)
    scale = data.x_train.std(axis=0) + 0.1
    return dataclasses.replace(
        data, x_train=(data.x_train - mean) / scale, x_test=(data.x_test - mean) / scale
    )


def train_on_digits(digits, seed):
    # The settings that the digits page chooses on a validation set split off
    # the training data; the test set played no part in choosing them.
    epochs, rate = 40, 0.05
    network = digits_network(seed)
    optimizer = SGDMomentum(rate, momentum=0.9, schedule=ExponentialDecay(rate, rate / 10, epochs))
    history = Trainer(network, optimizer).fit(
        digits.x_train,
        digits.y_train,
        epochs=epochs,
        batch_size=32,
        x_test=digits.x_test,
        y_test=digits.y_test,
        verbose=False,
    )
    return network, history


def test_digits_network_reaches_97_percent(digits):
    _, history = train_on_digits(digits, seed=0)

    # 97 % of the 359 test images is 349 correct.
    assert history.test_accuracy[-1] >= 0.97
    assert not np.isnan(history.train_accuracy[-1])


def test_digits_training_deterministic(digits):
    first, _ = train_on_digits(digits, seed=0)
    second, _ = train_on_digits(digits, seed=0)

    for a, b in zip(first.params(), second.params(), strict=True):
        assert np.array_equal(a, b)


def test_digits_confusion_matrix(digits):
    network, history = train_on_digits(digits, seed=0)
    predictions = np.argmax(network.predict(digits.x_test), axis=1)

    matrix = confusion_matrix(digits.y_test, predictions, 10)

    assert matrix.sum() == len(digits.y_test)
    assert np.trace(matrix) / matrix.sum() == history.test_accuracy[-1]
    assert matrix.sum(axis=1).tolist() == np.bincount(digits.y_test).tolist()
