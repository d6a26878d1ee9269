"""``provider::cleanroomsml::parse_trained_model_arn(arn)``: the parts of a trained model ARN.

Returns ``{partition, region, account_id, membership_id, trained_model_id}``; an ARN that is not
a trained model ARN is a function error naming the argument and the expected form.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cleanroomsml_tf.model.errors import InvalidInputError
from cleanroomsml_tf.model.identifiers import TrainedModelArn, parse_trained_model_arn
from cleanroomsml_tf.plugin.functions.common import Outcome
from cleanroomsml_tf.plugin.schema import MARKDOWN
from cleanroomsml_tf.plugin.types import Object, String

_PARTS = tuple(f.name for f in dataclasses.fields(TrainedModelArn))


class ParseTrainedModelArn:
    """Splits a trained model ARN (no request: a pure function of its argument)."""

    NAME = "parse_trained_model_arn"
    PARAMETER = "arn"

    @classmethod
    def return_type(cls) -> Object:
        """``object({partition, region, account_id, membership_id, trained_model_id})``."""
        return Object({name: String() for name in _PARTS})

    @classmethod
    def signature(cls) -> dict[str, Any]:
        """The ``tfplugin6.Function`` message: one string parameter ``arn``; returns the
        object of parts."""
        return {
            "parameters": [{
                "name": cls.PARAMETER, "type": String().tf_type(),
                "description": "A trained model ARN, "
                               "`arn:aws:cleanrooms-ml:REGION:ACCOUNT:membership/UUID/"
                               "trained-model/ID`.",
                "description_kind": MARKDOWN,
            }],
            "return": {"type": cls.return_type().tf_type()},
            "summary": "Parse a Clean Rooms ML trained model ARN",
            "description": "Returns the `partition`, `region`, `account_id`, `membership_id` "
                           "and `trained_model_id` of a trained model ARN.",
            "description_kind": MARKDOWN,
        }

    @classmethod
    def call(cls, arguments: list[Any]) -> Outcome:
        """The parts of ``arguments[0]``, or an error on argument 0."""
        if len(arguments) != 1:
            return Outcome(error=f"{cls.NAME} takes exactly one argument ({cls.PARAMETER}), "
                                 f"got {len(arguments)}")
        try:
            parts = parse_trained_model_arn(arguments[0], field=cls.PARAMETER)
        except InvalidInputError as error:
            return Outcome(error=str(error), argument=0)
        return Outcome(result=cls.return_type().encode(dataclasses.asdict(parts)))
