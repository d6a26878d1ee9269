"""Identities of the built-in example data set (provider/cleanroomsml_tf/data/example_models.json).

One place for the tests' constants, so a change to the example data is one change here.
"""

from cleanroomsml_tf.emulator import EXAMPLE_COLLABORATION, EXAMPLE_MODEL_ARN

COLLABORATION = EXAMPLE_COLLABORATION
MEMBERSHIP = "8d2e4f6a-1b3c-4d5e-8f70-9a1b2c3d4e5f"
ACCOUNT = "111122223333"
ARN_PREFIX = f"arn:aws:cleanrooms-ml:us-east-1:{ACCOUNT}:membership/{MEMBERSHIP}/trained-model/"
CHURN = EXAMPLE_MODEL_ARN
"""churn-predictor: ACTIVE, two versions, newer API shape."""
FRAUD = ARN_PREFIX + "c0ffee00-2222-4a2b-9c3d-000000000002"
"""fraud-scorer: ACTIVE, older API shape (no version members)."""
LTV = ARN_PREFIX + "c0ffee00-3333-4a2b-9c3d-000000000003"
"""ltv-regressor: CREATE_IN_PROGRESS."""
CHURN_V1 = "a1b2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01"
CHURN_V2 = "a1b2c3d4-0002-4e5f-8a9b-0c1d2e3f4a02"
