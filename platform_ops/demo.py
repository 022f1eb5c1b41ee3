"""Demo data: one orchestrator over the apps' own demo loaders, run by `loaddemo` and the
init-demo endpoint's task."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from accounts.services import demo_users_load
from catalog.services import catalog_role_permissions_sync, products_demo_load
from webinars.services import webinars_demo_load, webinars_role_permissions_sync


@dataclass
class DemoLoadResult:
    """Counts per demo step, for the command's output and the init-demo task result."""

    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    # False: the demo accounts created or reset have no usable password (production).
    published_passwords: bool = True


def demo_passwords_allowed(*, requested: bool = False) -> bool:
    """May the demo accounts get their published passwords (admin123...)?

    Everywhere but production, yes. In production only when asked for (the command's
    --with-demo-passwords) or when DEMO_PASSWORDS=1: anyone can read those passwords.
    """
    return requested or bool(settings.DEMO_PASSWORDS) or not settings.IS_PRODUCTION


def demo_load(*, reset: bool = False, with_demo_passwords: bool = False) -> DemoLoadResult:
    """Load every app's demo data. Safe to repeat: rows are matched, never duplicated.

    Without ``reset`` nothing a user added or changed is touched; with it the demo
    rows are put back as shipped. `demo_passwords_allowed` decides the accounts' passwords.
    """
    published = demo_passwords_allowed(requested=with_demo_passwords)
    result = DemoLoadResult(published_passwords=published)
    users = demo_users_load(reset=reset, published_passwords=published)
    result.steps["users"] = {"created": users.created, "reset": users.reset, "total": users.total}
    if settings.MINIMAL_MODE:
        # The demo apps stay installed (their tables exist) but their data is never touched.
        return result
    catalog_role_permissions_sync()
    webinars_role_permissions_sync()
    result.steps["permissions"] = {"groups synced": 4}
    products = products_demo_load(reset=reset)
    result.steps["products"] = {
        "created": products.created,
        "reset": products.reset,
        "removed": products.removed,
        "total": products.total,
    }
    webinars = webinars_demo_load(reset=reset)
    result.steps["webinars"] = {
        "webinars created": webinars.webinars_created,
        "registrants created": webinars.registrants_created,
        "registrants reset": webinars.registrants_reset,
        "removed": webinars.removed,
        "photos": webinars.photos,
    }
    return result


def demo_init_enqueue(*, reset: bool = False) -> str:
    """Queue `demo_load` on the "ops" queue and return the task id for polling."""
    # The services <-> tasks pair: the task module imports this one at its top.
    from platform_ops.tasks import demo_init

    return str(demo_init.enqueue(reset=reset).id)
