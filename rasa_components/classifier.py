"""Rasa's logistic-regression intent classifier, saved as plain arrays instead of a skops file.

The model is the same: Rasa's ``LogisticRegressionClassifier`` fits scikit-learn's
``LogisticRegression`` and this class changes nothing of that. What it changes is how the fitted
model is written and read. Rasa 3.6 saves it with skops, and importing ``skops.io`` costs about
5 s on every training and every server start: at import, skops looks up the module of each
NumPy and SciPy ufunc by scanning every loaded module, and with TensorFlow loaded that is
thousands of modules for each of hundreds of ufuncs (``skops/io/_utils.py``, ``whichmodule``).
Here the fitted coefficients, intercepts and class names go into a NumPy ``.npz`` file, read back
without pickle. ``tests/test_rasa_components.py`` trains both classifiers on the same data and
checks that their intent rankings are identical.

The feature matrix is also stacked in one step rather than one two-part matrix per message.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

logger = logging.getLogger(__name__)

FILE_NAME = "classifier.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArrayLogisticRegressionClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` persisted as arrays (no skops, no pickle)."""

    def _create_X(self, messages: list[Message]) -> csr_matrix:  # noqa: N802 - Rasa's name
        """The sentence features of ``messages``, one row each (sparse, then dense)."""
        sparse_rows, dense_rows = [], []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            sparse_rows.append(csr_matrix(sparse.features if sparse else np.empty((1, 0))))
            dense_rows.append(csr_matrix(dense.features if dense else np.empty((1, 0))))
        return hstack([vstack(sparse_rows), vstack(dense_rows)]).tocsr()

    def persist(self) -> None:
        """Write the fitted model as plain arrays."""
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(
                model_dir / FILE_NAME,
                coef=self.clf.coef_,
                intercept=self.clf.intercept_,
                classes=np.asarray(self.clf.classes_, dtype=str),
                n_iter=self.clf.n_iter_,
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ArrayLogisticRegressionClassifier:
        """The trained component, or an untrained one if nothing was saved (as Rasa's does)."""
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with (
                model_storage.read_from(resource) as model_dir,
                np.load(model_dir / FILE_NAME, allow_pickle=False) as arrays,
            ):
                component.clf.coef_ = arrays["coef"]
                component.clf.intercept_ = arrays["intercept"]
                component.clf.classes_ = arrays["classes"]
                component.clf.n_iter_ = arrays["n_iter"]
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in resource '%s'.", cls.__name__, resource.name)
            return cls.create(config, model_storage, resource, execution_context)
        component.clf.n_features_in_ = component.clf.coef_.shape[1]
        return component
