"""An abstract model holding one phone number as ciphertext, blind index and masked display form."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.lib import crypto


class EncryptedPhone(models.Model):
    """Phone stored encrypted at rest; pages show ``phone_masked``; matching uses ``phone_index``.

    Reading the plain number is ``phone_plain()``, which callers that show it to a person must log
    (see ``pingyi.audit.services.audit_record`` with action ``personal_data.read``).
    """

    phone_ciphertext = models.TextField(_("电话（密文）"), blank=True, default="")
    phone_index = models.CharField(_("电话索引"), max_length=64, blank=True, default="", db_index=True)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True, default="")

    class Meta:
        abstract = True

    def set_phone(self, phone: str) -> None:
        normalized = crypto.normalize_phone(phone) if phone else ""
        self.phone_ciphertext = crypto.encrypt(normalized)
        self.phone_index = crypto.blind_index(normalized)
        self.phone_masked = crypto.mask_phone(normalized)

    def phone_plain(self) -> str:
        return crypto.decrypt(self.phone_ciphertext)
