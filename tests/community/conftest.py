"""Fixtures of the community tests: public profiles, logged-in API callers, a tiny PNG."""

import io

import pytest
from PIL import Image

from marketplace.community.profiles import save_profile


@pytest.fixture
def public_person(make_user):
    def factory(handle: str, name: str | None = None, shown=("follows",)):
        user = make_user(name=name or handle.title())
        save_profile(user, {"handle": handle, "public": True, "shown_sections": list(shown)})
        return user

    return factory


def png_bytes(size=(4, 4), color=(11, 110, 79)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def png():
    return png_bytes
