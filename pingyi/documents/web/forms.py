"""The form of the 文书模板 page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Word 模板（.docx）"))
