import sys
from pathlib import Path

# The app's modules are top-level (app, domain, features, infrastructure), as gunicorn imports them from services/ML.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pytest  # noqa: E402


@pytest.fixture
def sidecar():
    from fake_sidecar import FakeSidecar

    fake = FakeSidecar()
    yield fake
    fake.close()
