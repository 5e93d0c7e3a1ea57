"""Building blocks of the spec models: YAML value checks, bilingual text, conditions, options, common field keys."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, ClassVar

import phonenumbers
import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from forms import dates

SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"
FILE_KINDS = ("jpeg", "png", "pdf")


def describe(value: object) -> str:
    """Show a YAML value in an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _number(value: object) -> int | float:
    """Accept an int or a finite float (not a bool, not a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "expected a number, got {got}", {"got": describe(value)})
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_type", "expected a finite number, got {got}", {"got": describe(value)})
    return value


def _date_ref(value: object) -> str:
    """Accept an ISO date, `today` or an offset like -18y."""
    if not dates.is_date_ref(value):
        raise PydanticCustomError(
            "date_ref", "expected a date (YYYY-MM-DD), 'today' or an offset like -18y, +6m, -30d; got {got}",
            {"got": describe(value)})
    return value  # type: ignore[return-value]


def _scalar(value: object) -> str | int | float | bool:
    """Accept a text, number or true/false."""
    if isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value)):
        return value  # type: ignore[return-value]
    raise PydanticCustomError("scalar_type", "expected a text, a number or true/false, got {got}",
                              {"got": describe(value)})


_REF = re.compile(r"(profile\.)?[a-z][a-z0-9_]*")


def other_field(value: object) -> str | None:
    """The field an operand or a bound names (`{field: marriage_date}`), or None for a plain value."""
    return value["field"] if isinstance(value, dict) else None


def _field_operand(value: object) -> dict[str, str] | None:
    """`{field: <id>}` as a plain mapping; None when ``value`` is not a mapping; an error when it is a wrong one."""
    if not isinstance(value, dict):
        return None
    if set(value) != {"field"} or not isinstance(value["field"], str) or not _REF.fullmatch(value["field"]):
        raise PydanticCustomError("operand_type", "another answer is named as {field: <field id>}, got {got}",
                                  {"got": describe(value)})
    return {"field": value["field"]}


def _scalar_or_field(value: object) -> str | int | float | bool | dict[str, str]:
    """Accept a text, number, true/false, or another field's answer `{field: <id>}` (for equals)."""
    return _field_operand(value) or _scalar(value)


def _operand(value: object) -> str | int | float | dict[str, str]:
    """Accept a number, a date reference or another field's answer `{field: <id>}` (for gt/gte/lt/lte)."""
    named = _field_operand(value)
    if named is not None:
        return named
    if isinstance(value, str) and dates.is_date_ref(value):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    raise PydanticCustomError("operand_type", "expected a number, a date (YYYY-MM-DD, today, -18y) or "
                              "{{field: <field id>}}, got {got}",
                              {"got": describe(value)})


def _age_at(value: object) -> str:
    """Accept the date an age is counted on: a field id (or profile.<id>), an ISO date, `today` or an offset."""
    if isinstance(value, str) and (dates.is_date_ref(value) or _REF.fullmatch(value)):
        return value
    raise PydanticCustomError("date_ref", "'at' is a date field's id or a date (YYYY-MM-DD, today, -1y); got {got}",
                              {"got": describe(value)})


def _country(value: str) -> str:
    """Accept an ISO 3166-1 alpha-2 code."""
    if len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value):
        return value
    hint = f"; did you mean {value.upper()!r}?" if pycountry.countries.get(alpha_2=value.upper()) else ""
    raise PydanticCustomError("country_code", "{got} is not an ISO 3166-1 alpha-2 country code{hint}",
                              {"got": describe(value), "hint": hint})


def _currency(value: str) -> str:
    """Accept an ISO 4217 currency code."""
    if len(value) == 3 and value.isupper() and pycountry.currencies.get(alpha_3=value):
        return value
    raise PydanticCustomError("currency_code", "{got} is not an ISO 4217 currency code", {"got": describe(value)})


def _region(value: str) -> str:
    """Accept a region phonenumbers knows."""
    if value in phonenumbers.SUPPORTED_REGIONS:
        return value
    raise PydanticCustomError("phone_region", "{got} is not a phone region (ISO alpha-2, e.g. 'DE')",
                              {"got": describe(value)})


def _offices(value: object) -> str | list[str]:
    """Accept `all` or a list of office codes."""
    if value == "all":
        return "all"
    code = re.compile(r"[a-z0-9][a-z0-9-]*")
    if isinstance(value, list) and value and all(isinstance(v, str) and code.fullmatch(v) for v in value):
        return value
    raise PydanticCustomError("offices", "expected 'all' or a list of office codes like [de-berlin], got {got}",
                              {"got": describe(value)})


Slug = Annotated[StrictStr, StringConstraints(pattern=SLUG_PATTERN)]
FieldRef = Annotated[StrictStr, StringConstraints(pattern=r"^(profile\.)?[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[int | float, PlainValidator(_number), PlainSerializer(lambda v: v)]
DateRef = Annotated[str, PlainValidator(_date_ref), PlainSerializer(lambda v: v)]
Scalar = Annotated[str | int | float | bool, PlainValidator(_scalar), PlainSerializer(lambda v: v)]
Operand = Annotated[str | int | float | dict, PlainValidator(_operand), PlainSerializer(lambda v: v)]
DateBound = Annotated[str | dict, PlainValidator(lambda v: _field_operand(v) or _date_ref(v)),
                      PlainSerializer(lambda v: v)]
NumberBound = Annotated[int | float | dict, PlainValidator(lambda v: _field_operand(v) or _number(v)),
                        PlainSerializer(lambda v: v)]
Equal = Annotated[str | int | float | bool | dict, PlainValidator(_scalar_or_field), PlainSerializer(lambda v: v)]
Country = Annotated[StrictStr, AfterValidator(_country)]
PositiveInt = Annotated[StrictInt, Field(gt=0)]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]


class Model(BaseModel):
    """Base of every spec node: unknown keys are errors, nodes are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A human-facing text in Persian and English, optionally in a host-country language too (`de: …`)."""

    model_config = ConfigDict(extra="allow", frozen=True,
                              json_schema_extra={"additionalProperties": False, "patternProperties": {
                                  "^[a-z]{2}$": {"type": "string", "minLength": 1,
                                                 "description": "The text in a host-country language "
                                                                "(ISO 639-1), if HOST_LANGUAGES allows it."}}})

    fa: NonEmpty
    en: NonEmpty

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        """Reject a bare string with the bilingual hint, and any other key than fa, en and language codes."""
        if not isinstance(value, dict | Text):
            raise PydanticCustomError("bilingual_text", "expected a text in both languages: {{fa: …, en: …}}")
        if isinstance(value, dict):
            for key, text in value.items():
                if key in ("fa", "en"):
                    continue
                if not is_language_code(key):
                    raise PydanticCustomError("text_key", "unknown key {key!r}",
                                              {"at": key, "key": str(key), "bare": text is None})
                if not isinstance(text, str) or not text.strip():
                    raise PydanticCustomError("text_language", "the {key!r} text must not be empty",
                                              {"at": key, "key": key})
        return value

    @property
    def languages(self) -> dict[str, str]:
        """The host-country texts, by language code."""
        return {key: value.strip() for key, value in (self.model_extra or {}).items()}

    def get(self, locale: object = None) -> str:
        """Return the text in ``locale`` ('fa' by default; a host-country language when the text has it;
        English for any other language)."""
        language = str(locale or "fa").replace("-", "_").split("_")[0]
        if language == "fa":
            return self.fa
        return self.languages.get(language) or self.en


def is_language_code(key: object) -> bool:
    """Whether ``key`` is a two-letter ISO 639-1 language code other than fa and en."""
    import pycountry

    return (isinstance(key, str) and len(key) == 2 and key.islower() and key not in ("fa", "en")
            and pycountry.languages.get(alpha_2=key) is not None)


OPERATORS = ("equals", "in", "gt", "gte", "lt", "lte")
COMPARISONS = ("gt", "gte", "lt", "lte")


class Condition(Model):
    """A `show_if` condition: a comparison on a field or age, or not/all/any of conditions."""

    field: FieldRef | None = None
    age_of: FieldRef | None = None
    equals: Equal | None = None
    in_: Annotated[list[Scalar], Field(min_length=1)] | None = Field(None, alias="in")
    gt: Operand | None = None
    gte: Operand | None = None
    lt: Operand | None = None
    lte: Operand | None = None
    not_: Condition | None = Field(None, alias="not")
    all: Annotated[list[Condition], Field(min_length=1)] | None = None
    any: Annotated[list[Condition], Field(min_length=1)] | None = None
    at: Annotated[str, PlainValidator(_age_at), PlainSerializer(lambda v: v)] | None = None  # age_of on a date

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        """Require exactly one subject and, for comparisons, exactly one operator."""
        fields = type(self).model_fields
        given = {(fields[name].alias or name) for name in self.model_fields_set}
        subjects = [key for key in ("field", "age_of", "not", "all", "any") if key in given]
        operators = [key for key in OPERATORS if key in given]
        if len(subjects) != 1:
            raise PydanticCustomError("condition", "a condition needs exactly one of 'field', 'age_of', 'not', "
                                      "'all', 'any'")
        subject = subjects[0]
        if subject in ("not", "all", "any") and operators:
            raise PydanticCustomError("condition", "'{subject}' cannot be combined with '{op}'",
                                      {"subject": subject, "op": operators[0]})
        if subject in ("field", "age_of") and len(operators) != 1:
            raise PydanticCustomError("condition", "a condition on '{subject}' needs exactly one of 'equals', "
                                      "'in', 'gt', 'gte', 'lt', 'lte'", {"subject": subject})
        if "at" in given and subject != "age_of":
            raise PydanticCustomError("condition", "'at' goes with 'age_of' (the age on that date)")
        if subject == "age_of" and ("in" in operators or isinstance(self.operand, bool | str | dict)):
            raise PydanticCustomError("condition", "'age_of' takes 'equals', 'gt', 'gte', 'lt' or 'lte' with a "
                                      "number of years")
        return self

    @property
    def subject(self) -> str:
        """Which of field, age_of, not, all, any this condition is."""
        for key, value in (("field", self.field), ("age_of", self.age_of), ("not", self.not_),
                           ("all", self.all), ("any", self.any)):
            if value is not None:
                return key
        raise AssertionError("validated condition without a subject")

    @property
    def operator(self) -> str | None:
        """The comparison operator, or None for not/all/any."""
        for key in OPERATORS:
            if getattr(self, "in_" if key == "in" else key) is not None:
                return key
        return None

    @property
    def operand(self) -> Any:
        """The value compared against."""
        op = self.operator
        return None if op is None else getattr(self, "in_" if op == "in" else op)

    @property
    def ref(self) -> str | None:
        """The field id (or profile.<id>) this comparison reads."""
        return self.field if self.field is not None else self.age_of

    @property
    def at_field(self) -> str | None:
        """The field (or profile.<id>) whose date an `age_of` is counted on; None for a date or today."""
        return None if self.at is None or dates.is_date_ref(self.at) else self.at

    def children(self) -> list[Condition]:
        """The nested conditions of not/all/any."""
        if self.not_ is not None:
            return [self.not_]
        return list(self.all or self.any or [])

    def as_json(self) -> dict:
        """The condition as plain JSON, as written in YAML."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Option(Model):
    """One option of a choice or multichoice field."""

    value: Slug
    label: Text


class FieldBase(Model):
    """Keys every field accepts."""

    id: Slug
    help: Text | None = None
    show_if: Condition | None = None
    staff_only: StrictBool = False

    stores: ClassVar[bool] = True

    @property
    def input_fields(self) -> list[Any]:
        """Inner fields (groups only)."""
        return []


class InputBase(FieldBase):
    """Keys of every field that takes an answer."""

    label: Text
    required: StrictBool = False
    prefill: Slug | None = None


def _check_range(low: Any, high: Any, low_key: str, high_key: str) -> None:
    """Raise when ``low`` is above ``high``."""
    if low is not None and high is not None and low > high:
        raise PydanticCustomError("range", "'{low}' ({a}) is greater than '{high}' ({b})",
                                  {"low": low_key, "high": high_key, "a": low, "b": high, "at": low_key})



class ChoiceBase(InputBase):
    """Keys shared by choice and multichoice."""

    options: Annotated[list[Option], Field(min_length=2)]

    @property
    def values(self) -> list[str]:
        """The option values in order."""
        return [option.value for option in self.options]

    def option_label(self, value: str) -> Text | None:
        """The label of option ``value``."""
        return next((o.label for o in self.options if o.value == value), None)


def _within(value: float, low: float, high: float, key: str) -> float:
    """Check low < value ≤ high."""
    if not low < value <= high:
        raise PydanticCustomError("range", "'{key}' must be more than {low} and at most {high}",
                                  {"key": key, "low": low, "high": high})
    return value


def _not_negative(value: float) -> float:
    """Check value ≥ 0."""
    if value < 0:
        raise PydanticCustomError("range", "expected a number of at least 0, got {got}", {"got": value})
    return value
