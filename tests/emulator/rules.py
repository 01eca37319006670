"""Discord's payload limits, checked the way Discord checks them.

Each validator returns a list of :class:`FieldError`; an empty list means the payload is
accepted. The server turns a non-empty list into a 400 with code 50035 ("Invalid Form Body")
and an ``errors`` tree shaped like Discord's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
SELECT_OPTIONS_MAX = 25
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
COMPONENTS_V2_MAX = 40
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_MAX = 4000
TEXT_INPUT_LABEL_MAX = 45
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_DESCRIPTION_MAX = 100
GLOBAL_COMMANDS_MAX = 100

FLAG_EPHEMERAL = 1 << 6
FLAG_COMPONENTS_V2 = 1 << 15

SELECT_TYPES = {3, 5, 6, 7, 8}


@dataclass(frozen=True)
class FieldError:
    """One rejected field: where it is, Discord's error code name, and the message."""

    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<body>"
        return f"{where}: {self.message}"


def errors_tree(errors: Iterable[FieldError]) -> dict[str, Any]:
    """Nest field errors the way Discord's 50035 ``errors`` object does."""
    tree: dict[str, Any] = {}
    for error in errors:
        node = tree
        for part in error.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return tree


def _length(
    value: Any, path: Path, low: int, high: int, *, required: bool = True
) -> list[FieldError]:
    if value is None:
        if required and low > 0:
            return [FieldError(path, "BASE_TYPE_REQUIRED", "This field is required")]
        return []
    text = str(value)
    if not low <= len(text) <= high:
        return [
            FieldError(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
        ]
    return []


def _too_many(items: Sequence[Any], path: Path, high: int) -> list[FieldError]:
    if len(items) > high:
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")]
    return []


# --------------------------------------------------------------------------- commands


def validate_commands(
    commands: Sequence[Mapping[str, Any]], *, is_global: bool
) -> list[FieldError]:
    """Check a bulk-overwrite (PUT) body of application commands."""
    errors: list[FieldError] = []
    if is_global:
        errors += _too_many(commands, (), GLOBAL_COMMANDS_MAX)
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        path: Path = (index,)
        kind = int(command.get("type", 1))
        name = command.get("name")
        errors += _check_name(name, (*path, "name"), lowercase=kind == 1)
        if (kind, str(name)) in seen:
            errors.append(
                FieldError(
                    (*path, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({name})",
                )
            )
        seen.add((kind, str(name)))
        if kind == 1:
            errors += _length(
                command.get("description"), (*path, "description"), 1, COMMAND_DESCRIPTION_MAX
            )
            errors += _validate_options(command.get("options") or [], (*path, "options"))
        elif command.get("description"):
            errors.append(
                FieldError(
                    (*path, "description"),
                    "APPLICATION_COMMAND_INVALID_DESCRIPTION",
                    "Context menu commands cannot have description",
                )
            )
    return errors


def _check_name(name: Any, path: Path, *, lowercase: bool) -> list[FieldError]:
    if not isinstance(name, str) or not name:
        return [FieldError(path, "BASE_TYPE_REQUIRED", "This field is required")]
    if not lowercase:
        return _length(name, path, 1, 32)
    if not COMMAND_NAME.match(name) or name != name.lower():
        return [
            FieldError(
                path,
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid ({name!r}): 1-32 lowercase letters, digits, - or _",
            )
        ]
    return []


def _validate_options(options: Sequence[Mapping[str, Any]], path: Path) -> list[FieldError]:
    errors = _too_many(options, path, COMMAND_OPTIONS_MAX)
    seen: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        here: Path = (*path, index)
        name = option.get("name")
        errors += _check_name(name, (*here, "name"), lowercase=True)
        if str(name) in seen:
            errors.append(
                FieldError(
                    (*here, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    f"Option names must be unique ({name})",
                )
            )
        seen.add(str(name))
        errors += _length(
            option.get("description"), (*here, "description"), 1, COMMAND_DESCRIPTION_MAX
        )
        kind = int(option.get("type", 3))
        if kind in (1, 2):
            errors += _validate_options(option.get("options") or [], (*here, "options"))
            continue
        if option.get("required"):
            if optional_seen:
                errors.append(
                    FieldError(
                        (*here, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            optional_seen = True
        choices = option.get("choices") or []
        errors += _too_many(choices, (*here, "choices"), CHOICES_MAX)
        for c_index, choice in enumerate(choices):
            errors += _length(
                choice.get("name"), (*here, "choices", c_index, "name"), 1, CHOICE_NAME_MAX
            )
            value = choice.get("value")
            if isinstance(value, str):
                errors += _length(value, (*here, "choices", c_index, "value"), 1, CHOICE_VALUE_MAX)
        if choices and option.get("autocomplete"):
            errors.append(
                FieldError(
                    (*here, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be set on options with choices",
                )
            )
    return errors


# --------------------------------------------------------------------------- messages


def validate_message(payload: Mapping[str, Any]) -> list[FieldError]:
    """Check the limits of whatever message fields the payload carries."""
    errors: list[FieldError] = []
    content = payload.get("content")
    if content is not None:
        errors += _length(content, ("content",), 0, CONTENT_MAX)
    embeds = payload.get("embeds")
    if embeds:
        errors += validate_embeds(embeds)
    components = payload.get("components")
    if components:
        flags = int(payload.get("flags") or 0)
        errors += validate_components(components, v2=bool(flags & FLAG_COMPONENTS_V2))
    return errors


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters that count towards the 6,000 total, as Discord counts them."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def validate_embeds(embeds: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    errors = _too_many(embeds, ("embeds",), EMBEDS_MAX)
    total = 0
    for index, embed in enumerate(embeds):
        path: Path = ("embeds", index)
        total += embed_length(embed)
        errors += _length(embed.get("title"), (*path, "title"), 0, EMBED_TITLE_MAX)
        errors += _length(
            embed.get("description"), (*path, "description"), 0, EMBED_DESCRIPTION_MAX
        )
        fields = embed.get("fields") or []
        errors += _too_many(fields, (*path, "fields"), EMBED_FIELDS_MAX)
        for f_index, field in enumerate(fields):
            errors += _length(
                field.get("name"), (*path, "fields", f_index, "name"), 1, EMBED_FIELD_NAME_MAX
            )
            errors += _length(
                field.get("value"), (*path, "fields", f_index, "value"), 1, EMBED_FIELD_VALUE_MAX
            )
        footer = embed.get("footer")
        if footer:
            errors += _length(footer.get("text"), (*path, "footer", "text"), 1, EMBED_FOOTER_MAX)
        author = embed.get("author")
        if author:
            errors += _length(author.get("name"), (*path, "author", "name"), 1, EMBED_AUTHOR_MAX)
    if total > EMBED_TOTAL_MAX:
        errors.append(
            FieldError(
                ("embeds",),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX} ({total})",
            )
        )
    return errors


def validate_components(
    components: Sequence[Mapping[str, Any]], *, v2: bool = False
) -> list[FieldError]:
    errors: list[FieldError] = []
    custom_ids: set[str] = set()
    if v2:
        count = sum(1 for _ in _walk(components))
        if count > COMPONENTS_V2_MAX:
            errors.append(
                FieldError(
                    ("components",),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {COMPONENTS_V2_MAX} or fewer in length.",
                )
            )
    else:
        errors += _too_many(components, ("components",), ACTION_ROWS_MAX)
    for index, row in enumerate(components):
        path: Path = ("components", index)
        if int(row.get("type", 0)) == 1:
            errors += _validate_row(row, path)
    for path, component in _walk_with_paths(components, ("components",)):
        custom_id = component.get("custom_id")
        kind = int(component.get("type", 0))
        if kind == 2:
            errors += _validate_button(component, path)
        elif kind in SELECT_TYPES:
            errors += _validate_select(component, path)
        if custom_id is not None:
            errors += _length(custom_id, (*path, "custom_id"), 1, CUSTOM_ID_MAX)
            if custom_id in custom_ids:
                errors.append(
                    FieldError(
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        f"Component custom id cannot be duplicated ({custom_id})",
                    )
                )
            custom_ids.add(custom_id)
    return errors


def _walk(components: Sequence[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for _, component in _walk_with_paths(components, ()):
        yield component


def _walk_with_paths(
    components: Sequence[Mapping[str, Any]], path: Path
) -> Iterable[tuple[Path, Mapping[str, Any]]]:
    for index, component in enumerate(components):
        here: Path = (*path, index)
        yield here, component
        children = component.get("components")
        if children:
            yield from _walk_with_paths(children, (*here, "components"))
        child = component.get("component")
        if child:
            yield from _walk_with_paths([child], (*here, "component"))
        accessory = component.get("accessory")
        if accessory:
            yield from _walk_with_paths([accessory], (*here, "accessory"))


def _validate_row(row: Mapping[str, Any], path: Path) -> list[FieldError]:
    children = row.get("components") or []
    if not children:
        return [
            FieldError(
                (*path, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
            )
        ]
    kinds = [int(c.get("type", 0)) for c in children]
    if any(k in SELECT_TYPES or k == 4 for k in kinds) and len(children) > 1:
        return [
            FieldError(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        ]
    return _too_many(children, (*path, "components"), ROW_BUTTONS_MAX)


def _validate_button(button: Mapping[str, Any], path: Path) -> list[FieldError]:
    errors = _length(button.get("label"), (*path, "label"), 0, BUTTON_LABEL_MAX, required=False)
    style = int(button.get("style", 1))
    if style == 5:
        if not button.get("url"):
            errors.append(
                FieldError((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
            )
        if button.get("custom_id") is not None:
            errors.append(
                FieldError(
                    (*path, "custom_id"),
                    "BUTTON_COMPONENT_CUSTOM_ID_LINK",
                    "A link button cannot have a custom id",
                )
            )
    elif style != 6 and not button.get("custom_id"):
        errors.append(
            FieldError(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                "A custom id is required",
            )
        )
    return errors


def _validate_select(select: Mapping[str, Any], path: Path) -> list[FieldError]:
    errors: list[FieldError] = []
    if int(select.get("type", 3)) == 3:
        options = select.get("options") or []
        if not options:
            errors.append(
                FieldError(
                    (*path, "options"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
                )
            )
        errors += _too_many(options, (*path, "options"), SELECT_OPTIONS_MAX)
        for index, option in enumerate(options):
            errors += _length(option.get("label"), (*path, "options", index, "label"), 1, 100)
            errors += _length(option.get("value"), (*path, "options", index, "value"), 1, 100)
            errors += _length(
                option.get("description"),
                (*path, "options", index, "description"),
                0,
                100,
                required=False,
            )
    errors += _length(select.get("placeholder"), (*path, "placeholder"), 0, 150, required=False)
    for key in ("min_values", "max_values"):
        value = select.get(key)
        if value is not None and not 0 <= int(value) <= SELECT_OPTIONS_MAX:
            errors.append(
                FieldError(
                    (*path, key),
                    "NUMBER_TYPE_MAX",
                    f"int value should be less than or equal to {SELECT_OPTIONS_MAX}.",
                )
            )
    return errors


def is_empty_message(message: Mapping[str, Any], *, has_files: bool) -> bool:
    """Discord's 50006: nothing to show at all."""
    return not (
        message.get("content")
        or message.get("embeds")
        or message.get("components")
        or message.get("sticker_ids")
        or message.get("poll")
        or has_files
    )


# ------------------------------------------------------------------ modals and autocomplete


def validate_modal(modal: Mapping[str, Any]) -> list[FieldError]:
    errors = _length(modal.get("title"), ("data", "title"), 1, MODAL_TITLE_MAX)
    errors += _length(modal.get("custom_id"), ("data", "custom_id"), 1, CUSTOM_ID_MAX)
    components = modal.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        errors.append(
            FieldError(
                ("data", "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
            )
        )
    for path, component in _walk_with_paths(components, ("data", "components")):
        kind = int(component.get("type", 0))
        if kind == 18:
            errors += _length(component.get("label"), (*path, "label"), 1, TEXT_INPUT_LABEL_MAX)
            errors += _length(
                component.get("description"), (*path, "description"), 0, 100, required=False
            )
        elif kind == 4:
            errors += _validate_text_input(component, path)
        elif kind in SELECT_TYPES:
            errors += _validate_select(component, path)
        if kind != 1 and component.get("custom_id") is not None:
            errors += _length(component.get("custom_id"), (*path, "custom_id"), 1, CUSTOM_ID_MAX)
    return errors


def _validate_text_input(text_input: Mapping[str, Any], path: Path) -> list[FieldError]:
    errors = _length(text_input.get("custom_id"), (*path, "custom_id"), 1, CUSTOM_ID_MAX)
    if "label" in text_input:
        errors += _length(text_input.get("label"), (*path, "label"), 1, TEXT_INPUT_LABEL_MAX)
    errors += _length(text_input.get("placeholder"), (*path, "placeholder"), 0, 100, required=False)
    errors += _length(text_input.get("value"), (*path, "value"), 0, TEXT_INPUT_MAX, required=False)
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = text_input.get(key)
        if value is not None and not low <= int(value) <= TEXT_INPUT_MAX:
            errors.append(
                FieldError(
                    (*path, key),
                    "NUMBER_TYPE_MAX",
                    f"int value should be between {low} and {TEXT_INPUT_MAX}.",
                )
            )
    return errors


def validate_choices(choices: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    errors = _too_many(choices, ("data", "choices"), CHOICES_MAX)
    for index, choice in enumerate(choices):
        path: Path = ("data", "choices", index)
        errors += _length(choice.get("name"), (*path, "name"), 1, CHOICE_NAME_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            errors += _length(value, (*path, "value"), 1, CHOICE_VALUE_MAX)
    return errors
