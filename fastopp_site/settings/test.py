"""The test suite's settings (pytest.ini): the project's own, with what tests never need.

Values that depend on the test (upload folders under tmp_path) stay in conftest.py.
"""

from fastopp_site.settings import *  # noqa: F403 (the project's settings, then the changes)

# Real hashing costs ~0.3 s per password; tests check behaviour, not hash strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# In-process tests clear the cache before each test; a CACHE_URL from the environment must
# never make that a FLUSHDB on someone's Redis. Tests of the shared cache start their own
# processes with CACHE_URL set (catalog/tests/test_shared_cache.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
