"""The citizen rating form: validation with Chinese messages, and the view model that re-renders the user's input.

The page is rendered by hand (no widgets), so that it stays small and works without JavaScript; this module gives
the template plain lists (levels, tag groups, dimensions) with the user's previous choices marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings

from pingyi.lib import crypto, scales
from pingyi.ratings.models import ReasonTag
from pingyi.ratings.tagdata import DIMENSIONS

HONEYPOT = "website"
DIMENSION_PREFIX = "dim_"
DIMENSION_CHOICES = [("", "不评分"), *((str(n), f"{n} 分") for n in range(5, 0, -1))]


def comment_max() -> int:
    return int(settings.PINGYI_RATINGS["comment_max_chars"])


class CitizenRatingForm(forms.Form):
    """One rating of a window or a service record, on the deployment's scale."""

    level = forms.TypedChoiceField(
        coerce=int,
        error_messages={"required": "请选择您的满意程度", "invalid_choice": "请选择有效的满意程度"},
    )
    tags = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "所选评价标签不存在，请重新勾选"}
    )
    comment = forms.CharField(required=False, strip=True)
    phone = forms.CharField(
        required=False, max_length=30, error_messages={"max_length": "手机号码格式不正确"}
    )

    def __init__(
        self, *args: Any, scale: scales.Scale, tag_groups: dict[int, list[ReasonTag]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.scale = scale
        self.tag_groups = tag_groups
        self.tag_level = {tag.code: (lvl, tag) for lvl, tags in tag_groups.items() for tag in tags}
        level_field = self.fields["level"]
        assert isinstance(level_field, forms.TypedChoiceField)
        level_field.choices = [(str(lvl.value), lvl.label) for lvl in scales.levels(scale)]
        tags_field = self.fields["tags"]
        assert isinstance(tags_field, forms.MultipleChoiceField)
        tags_field.choices = [(code, tag.label) for code, (_lvl, tag) in self.tag_level.items()]
        for key, label in DIMENSIONS:
            self.fields[DIMENSION_PREFIX + key] = forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=DIMENSION_CHOICES,
                error_messages={"invalid_choice": f"“{label}”的评分应为1–5分"},
            )

    def clean_comment(self) -> str:
        comment = str(self.cleaned_data.get("comment") or "").replace("\x00", "")
        limit = comment_max()
        if len(comment) > limit:
            raise forms.ValidationError(
                f"评价内容最多 {limit} 个字，您输入了 {len(comment)} 个字，请删减后再提交"
            )
        return comment

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if not phone:
            return ""
        try:
            return crypto.normalize_phone(phone)
        except ValueError:
            raise forms.ValidationError("手机号码格式不正确，请填写11位手机号码或留空") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("level")
        if level is None:
            return data
        chosen = scales.level(self.scale, int(level))
        for code in data.get("tags") or []:
            tag_level, tag = self.tag_level[code]
            if tag_level != chosen.value:
                self.add_error("tags", f"“{tag.label}”不属于“{chosen.label}”，请重新勾选")
                break
        return data

    def dimensions(self) -> dict[str, int]:
        return {
            key: int(self.cleaned_data[DIMENSION_PREFIX + key])
            for key, _label in DIMENSIONS
            if self.cleaned_data.get(DIMENSION_PREFIX + key) is not None
        }


@dataclass
class LevelChoice:
    value: int
    label: str
    negative: bool
    checked: bool


@dataclass
class TagChoice:
    code: str
    label: str
    checked: bool


@dataclass
class TagGroup:
    level: int
    label: str
    tags: list[TagChoice]


@dataclass
class DimensionChoice:
    name: str
    label: str
    options: list[tuple[str, str, bool]]  # value, label, selected


def form_view(form: CitizenRatingForm) -> dict[str, Any]:
    """Template context for the form, keeping whatever the user submitted (valid or not)."""
    data = form.data if form.is_bound else {}
    raw_level = str(data.get("level", "")) if data else ""
    ticked: set[str] = set(data.getlist("tags")) if hasattr(data, "getlist") else set()
    levels = [
        LevelChoice(lvl.value, lvl.label, lvl.negative, raw_level == str(lvl.value))
        for lvl in scales.levels(form.scale)
    ]
    groups = [
        TagGroup(
            lvl.value,
            lvl.label,
            [TagChoice(t.code, t.label, t.code in ticked) for t in form.tag_groups.get(lvl.value, [])],
        )
        for lvl in scales.levels(form.scale)
    ]
    dimensions = []
    for key, label in DIMENSIONS:
        name = DIMENSION_PREFIX + key
        current = str(data.get(name, "")) if data else ""
        dimensions.append(
            DimensionChoice(name, label, [(v, text, v == current) for v, text in DIMENSION_CHOICES])
        )
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()} if form.is_bound else {}
    return {
        "levels": levels,
        "tag_groups": groups,
        "dimensions": dimensions,
        "comment": str(data.get("comment", "")) if data else "",
        "phone": str(data.get("phone", "")) if data else "",
        "comment_max": comment_max(),
        "errors": errors,
        "honeypot": HONEYPOT,
    }
