"""Secrets at rest: encrypted with the first key, readable with any listed key, rotated."""

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from oms.core import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_secret_is_not_stored_in_the_clear_and_reads_back():
    token = crypto.encrypt("shpat_0123456789")
    assert "shpat" not in token
    assert crypto.decrypt(token) == "shpat_0123456789"


def test_a_new_key_first_still_reads_what_the_old_key_wrote():
    with override_settings(OMS_ENCRYPTION_KEYS=[OLD]):
        written_before = crypto.encrypt("whsec_abc")
    with override_settings(OMS_ENCRYPTION_KEYS=[NEW, OLD]):
        assert crypto.decrypt(written_before) == "whsec_abc"
        rewritten = crypto.encrypt("whsec_abc")
    with override_settings(OMS_ENCRYPTION_KEYS=[NEW]):
        assert crypto.decrypt(rewritten) == "whsec_abc"
        with pytest.raises(crypto.UnreadableSecret):
            crypto.decrypt(written_before)


def test_a_key_that_is_not_a_fernet_key_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(OMS_ENCRYPTION_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
