import pytest

from catalog.models import Article, ChecklistTemplateItem
from tests.factories import Role, make_service, make_user


@pytest.fixture
def manager(org):
    """A provider service manager (an agent who runs services day to day)."""
    return make_user(Role.AGENT, username="manager")


@pytest.fixture
def transition_service(org, manager):
    """A service in transition with nothing of the gate done except the built-ins the factory adds."""
    return make_service(
        "HRPORTAL",
        name="HR self-service portal",
        category="hr",
        lifecycle_state="transition",
        service_manager=manager,
    )


@pytest.fixture
def template_item(org):
    return ChecklistTemplateItem.objects.create(
        name="Monitoring in place", default_approver=org.specialist, position=1
    )


def make_article(service, audience="public", title="How to reset your password", **fields):
    return Article.objects.create(
        service=service,
        title=title,
        body=fields.pop("body", "Open the portal and choose **Forgot password**."),
        audience=audience,
        **fields,
    )
