"""Cross-agency checks generated for every endpoint of the API router."""

import pytest
from django.urls import reverse

from sso import permissions
from sso.api.urls import router
from sso.api.viewsets import TenantScopedMixin
from tests.tenancy_cases import BUILDERS

ENDPOINTS = [(prefix, viewset) for prefix, viewset, _basename in router.registry]
BASENAMES = {prefix: basename for prefix, _viewset, basename in router.registry}
AGENCY_SCOPED = [
    (prefix, viewset)
    for prefix, viewset in ENDPOINTS
    if permissions.rule_for(viewset.queryset.model).agency_path is not None
]


def _ids(endpoints):
    return [prefix for prefix, _ in endpoints]


@pytest.mark.parametrize(("prefix", "viewset"), ENDPOINTS, ids=_ids(ENDPOINTS))
def test_every_endpoint_is_tenant_scoped(prefix, viewset):
    assert issubclass(viewset, TenantScopedMixin), (
        f"{prefix}/ must derive from sso.api.viewsets base classes"
    )
    permissions.rule_for(viewset.queryset.model)  # raises when the model has no tenancy rule


@pytest.mark.parametrize(("prefix", "viewset"), AGENCY_SCOPED, ids=_ids(AGENCY_SCOPED))
def test_other_agency_records_are_invisible(prefix, viewset, org, api):
    label = viewset.queryset.model._meta.label
    assert label in BUILDERS, f"add a builder for {label} to tests/tenancy_cases.py"
    mine = BUILDERS[label](org, org.agency_a)
    theirs = BUILDERS[label](org, org.agency_b)
    basename = BASENAMES[prefix]
    list_url = reverse(f"{basename}-list")
    other_url = reverse(f"{basename}-detail", args=[theirs.pk])
    own_url = reverse(f"{basename}-detail", args=[mine.pk])

    for user in (org.requester_a, org.integrator_a):
        client = api.as_user(user)
        if not permissions.can_view(user, viewset.queryset.model):
            # Signed in without the role: 403 whatever the agency, so nothing is confirmed.
            assert client.get(list_url).status_code == 403
            assert client.get(other_url).status_code == 403
            continue
        listed = client.get(list_url, {"page_size": 500})
        assert listed.status_code == 200, listed.content
        ids = {row["id"] for row in listed.json()["results"]}
        assert mine.pk in ids
        assert theirs.pk not in ids
        assert client.get(own_url).status_code == 200
        assert client.get(other_url).status_code == 404
        assert client.patch(other_url, {}, format="json").status_code in (403, 404)
        assert client.put(other_url, {}, format="json").status_code in (403, 404)

    # Provider staff see both agencies' records.
    staff = api.as_user(org.admin)
    ids = {row["id"] for row in staff.get(list_url, {"page_size": 500}).json()["results"]}
    assert {mine.pk, theirs.pk} <= ids


@pytest.mark.parametrize(("prefix", "viewset"), ENDPOINTS, ids=_ids(ENDPOINTS))
def test_anonymous_is_401(prefix, viewset, client, db):
    basename = viewset.basename if hasattr(viewset, "basename") else None
    response = client.get(f"/api/v1/{prefix}/")
    assert response.status_code == 401, (basename, response.status_code)
