from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from webinars import views

app_name = "webinars"

urlpatterns: list[URLPattern | URLResolver] = [
    path("webinar-demo/", views.webinar_demo, name="demo"),
    path("webinar-registrants/", views.webinar_registrants, name="registrants"),
    path(
        "webinar-registrants/<int:registrant_id>/photo/",
        views.registrant_photo_upload,
        name="photo_upload",
    ),
    path(
        "webinar-registrants/<int:registrant_id>/photo/delete/",
        views.registrant_photo_remove,
        name="photo_delete",
    ),
    path(
        "webinar-registrants/<int:registrant_id>/notes/",
        views.registrant_notes_save,
        name="notes",
    ),
]
