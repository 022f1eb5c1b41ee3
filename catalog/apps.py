from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog.models import Product
        from catalog.services import catalog_cache_clear

        # Signals, not calls in services: the admin and bulk loaders save products too.
        post_save.connect(catalog_cache_clear, sender=Product, dispatch_uid="catalog_cache")
        post_delete.connect(catalog_cache_clear, sender=Product, dispatch_uid="catalog_cache")
