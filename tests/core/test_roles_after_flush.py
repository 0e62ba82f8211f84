import pytest
from django.contrib.auth.models import Group

from oms.core.roles import OMS_ADMIN


@pytest.mark.django_db(transaction=True)
def test_role_groups_and_permissions_are_there_in_transactional_tests_too():
    admin = Group.objects.get(name=OMS_ADMIN)
    assert admin.permissions.filter(codename="change_sku").exists()
